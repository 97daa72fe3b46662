/** @jsxImportSource hono/jsx */
/**
 * Statistics per quarter (部门统计): the signed-in department's counts (records provided and
 * corrected, notifications received, acknowledged in time or late, overdue, feedback given) and,
 * for a supervisor (`notifications:oversee`), every department's, read through the same core
 * functions as GET /v1/statistics and /v1/statistics/departments (counters, no scan).
 */
import type { Hono } from 'hono';
import { StatisticsQuery } from '../../schemas/api';
import { quarterOf } from '../core/counters';
import { badRequest } from '../core/errors';
import { MEASURES, type Counts, type Measure } from '../core/model';
import { readAllStatistics, readStatistics } from '../core/statistics';
import { parseOrThrow } from '../core/validation';
import type { ConsoleDeps, ConsoleEnv } from './app';
import { Bars } from './charts';
import { canSee, Table, LookupForm } from './layout';

export const MEASURE_LABELS: Record<Measure, string> = {
  provided: '报送记录',
  corrected: '更正记录',
  received: '收到通知',
  acknowledgedInTime: '按时签收',
  acknowledgedLate: '逾期签收',
  overdue: '逾期督办',
  feedback: '反馈',
};

/** The quarter before `quarter` (e.g. 2026Q1 → 2025Q4). */
const previous = (quarter: string) => {
  const [year, q] = [Number(quarter.slice(0, 4)), Number(quarter.slice(5))];
  return q === 1 ? `${year - 1}Q4` : `${year}Q${q - 1}`;
};
const QUARTERS_OFFERED = 8;

export function registerStatistics(app: Hono<ConsoleEnv>, d: ConsoleDeps) {
  const { ports } = d;

  app.get('/statistics', d.signedIn, async (c) => {
    const client = d.client(c);
    const current = quarterOf(ports.clock.now());
    const { quarter = current } = parseOrThrow(StatisticsQuery, c.req.query('quarter') ? { quarter: c.req.query('quarter') } : {}, (errors) => badRequest('invalid quarter', errors));
    const supervisor = canSee(client, ['notifications:oversee']);
    const [own, all] = await Promise.all([readStatistics(ports, client, quarter), supervisor ? readAllStatistics(ports, client, quarter) : undefined]);
    const quarters = Array.from({ length: QUARTERS_OFFERED - 1 }).reduce<string[]>((qs) => [...qs, previous(qs[qs.length - 1])], [current]);
    return d.render(
      c,
      `统计（${quarter}）`,
      <>
        <section>
          <LookupForm action="/console/statistics" for="quarter" label="季度">
            <select id="quarter" name="quarter">
              {(quarters.includes(quarter) ? quarters : [quarter, ...quarters]).map((q) => (
                <option value={q} selected={q === quarter}>
                  {q.slice(0, 4)} 年第 {q.slice(5)} 季度
                </option>
              ))}
            </select>
          </LookupForm>
          <p class="muted">计数随数据到达即时累加；通知的签收、逾期与反馈计入通知到达的季度（北京时间）。</p>
        </section>
        <section id="own">
          <h2 style="margin-top:0">本部门（{own.department}）</h2>
          <dl>
            {MEASURES.map((m) => (
              <>
                <dt>{MEASURE_LABELS[m]}</dt>
                <dd id={`own-${m}`}>{own[m]}</dd>
              </>
            ))}
          </dl>
          <Bars title="本部门本季度统计" rows={MEASURES.map((m) => ({ label: MEASURE_LABELS[m], value: own[m] }))} />
        </section>
        {all ? (
          <section class="scroll" id="departments">
            <h2 style="margin-top:0">各部门</h2>
            <Table<{ department: string } & Counts>
              columns={[{ label: '部门', cell: (r) => r.department }, ...MEASURES.map((m) => ({ label: MEASURE_LABELS[m], cell: (r: Counts) => r[m] }))]}
              rows={all.items}
              rowId={(r) => `dept-${r.department}`}
              empty="还没有部门。"
            />
            <Bars title="逾期督办的通知（按部门）" rows={all.items.filter((r) => r.overdue > 0).map((r) => ({ label: r.department, value: r.overdue }))} color="#b42318" />
          </section>
        ) : null}
      </>,
    );
  });
}
