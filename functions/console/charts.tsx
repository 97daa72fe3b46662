/** @jsxImportSource hono/jsx */
/**
 * Charts for supervisors (图表), drawn on the server as plain SVG (no chart library, no scripts):
 * records per kind and month, overdue notifications per department, and enterprises with a
 * 许可项目 uncovered per district. Each reads through the API's core functions (same scopes, same
 * logging) and a bounded number of pages, so a chart costs the same however large the table is;
 * a bar that reached the bound says so.
 */
import type { Hono } from 'hono';
import { RECORD_KINDS, type RecordKind } from '../../schemas/records';
import { countyDivisions, division } from '../../schemas/refdata/index';
import { listOverdue } from '../core/inbox';
import { listPosted } from '../core/own-data';
import { listUncovered } from '../core/uncovered';
import { chinaDate } from '../core/china-time';
import { WRITE_SCOPES } from '../core/model';
import type { ConsoleDeps, ConsoleEnv } from './app';
import { KIND_LABELS } from './enterprise';
import { canSee, LookupForm } from './layout';

const COLORS = ['#0b6bcb', '#18794e', '#c4620a', '#7e3ab8', '#b42318'];
/** Pages read per kind (100 summaries each) for the records chart. */
const RECORD_PAGES = 10;
/** Uncovered enterprises counted per district (one page). */
const UNCOVERED_CAP = 100;

const niceMax = (n: number) => {
  if (n <= 5) return 5;
  const step = 10 ** Math.floor(Math.log10(n));
  return Math.ceil(n / step) * step;
};

/** Vertical stacked bars: one bar per category, one colour per series, a legend below. */
export function StackedBars(props: { title: string; categories: string[]; series: { name: string; values: number[] }[] }) {
  const W = 640;
  const H = 300;
  const left = 40;
  const top = 16;
  const bottom = 40;
  const legend = 22 * Math.ceil(props.series.length / 4);
  const plotH = H - top - bottom;
  const totals = props.categories.map((_, i) => props.series.reduce((n, s) => n + s.values[i], 0));
  const max = niceMax(Math.max(0, ...totals));
  const band = (W - left - 8) / Math.max(1, props.categories.length);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  return (
    <svg width={W} viewBox={`0 0 ${W} ${H + legend}`} role="img" aria-label={props.title} xmlns="http://www.w3.org/2000/svg" font-size="11" font-family="system-ui,sans-serif">
      <title>{props.title}</title>
      {[0, 0.2, 0.4, 0.6, 0.8, 1].map((f) => (
        <g>
          <line x1={left} x2={W - 8} y1={y(max * f)} y2={y(max * f)} stroke="#e4e7eb" />
          <text x={left - 4} y={y(max * f) + 4} text-anchor="end" fill="#5b6673">
            {Math.round(max * f)}
          </text>
        </g>
      ))}
      {props.categories.map((cat, i) => {
        let base = 0;
        return (
          <g>
            {props.series.map((s, j) => {
              const v = s.values[i];
              const rect = (
                <rect x={left + i * band + band * 0.15} width={band * 0.7} y={y(base + v)} height={(v / max) * plotH} fill={COLORS[j % COLORS.length]}>
                  <title>{`${cat} ${s.name}: ${v}`}</title>
                </rect>
              );
              base += v;
              return rect;
            })}
            <text x={left + i * band + band / 2} y={H - bottom + 14} text-anchor="middle" fill="#1f2328">
              {cat}
            </text>
            {totals[i] ? (
              <text x={left + i * band + band / 2} y={y(totals[i]) - 3} text-anchor="middle" fill="#1f2328">
                {totals[i]}
              </text>
            ) : null}
          </g>
        );
      })}
      {props.series.map((s, j) => (
        <g>
          <rect x={left + (j % 4) * 150} y={H - 14 + 22 * Math.floor(j / 4)} width="12" height="12" fill={COLORS[j % COLORS.length]} />
          <text x={left + (j % 4) * 150 + 16} y={H - 4 + 22 * Math.floor(j / 4)} fill="#1f2328">
            {s.name}
          </text>
        </g>
      ))}
    </svg>
  );
}

/** Horizontal bars, one per row, the label on the left: readable on a phone however long the names. */
export function Bars(props: { title: string; rows: { label: string; value: number; capped?: boolean }[]; color?: string }) {
  const W = 640;
  const row = 26;
  const left = 170;
  const H = 10 + row * Math.max(1, props.rows.length);
  const max = niceMax(Math.max(0, ...props.rows.map((r) => r.value)));
  return (
    <svg width={W} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title} xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="system-ui,sans-serif">
      <title>{props.title}</title>
      {props.rows.length === 0 ? (
        <text x="8" y="22" fill="#5b6673">
          没有数据
        </text>
      ) : null}
      {props.rows.map((r, i) => (
        <g>
          <text x={left - 6} y={8 + i * row + 15} text-anchor="end" fill="#1f2328">
            {r.label.length > 12 ? `${r.label.slice(0, 12)}…` : r.label}
          </text>
          <rect x={left} y={8 + i * row + 3} height={row - 8} width={Math.max(r.value ? 2 : 0, ((W - left - 60) * r.value) / max)} fill={props.color ?? COLORS[0]}>
            <title>{`${r.label}: ${r.value}${r.capped ? '+' : ''}`}</title>
          </rect>
          <text x={left + ((W - left - 60) * r.value) / max + 6} y={8 + i * row + 15} fill="#1f2328">
            {r.value}
            {r.capped ? '+' : ''}
          </text>
        </g>
      ))}
    </svg>
  );
}

const monthsBack = (today: string, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1 - (n - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });

export function registerCharts(app: Hono<ConsoleEnv>, d: ConsoleDeps) {
  const { ports } = d;

  app.get('/charts', d.signedIn, async (c) => {
    const client = d.client(c);
    const today = chinaDate(ports.clock.now());
    const months = monthsBack(today, 12);
    const kinds = RECORD_KINDS.filter((k) => client.scopes.includes(WRITE_SCOPES[k]) || client.scopes.includes('profiles:read'));
    const region = /^\d{2,6}$/.test(c.req.query('region') ?? '') ? (c.req.query('region') as string) : '3304';

    const recordsByKind = async (kind: RecordKind) => {
      const counts = new Map(months.map((m) => [m, 0]));
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listPosted(ports, client, { kind, from: `${months[0]}-01`, to: today, cursor, limit: 100 });
        for (const r of page.items) counts.set(r.date.slice(0, 7), (counts.get(r.date.slice(0, 7)) ?? 0) + 1);
        cursor = page.next;
      } while (cursor && ++pages < RECORD_PAGES);
      return { kind, values: months.map((m) => counts.get(m) ?? 0), capped: cursor !== undefined };
    };
    // Overdue notifications counted a page at a time, as many as RECORD_PAGES pages hold.
    const overdueByDepartment = async () => {
      const counts = new Map<string, number>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listOverdue(ports, client, { cursor, limit: 100 });
        for (const n of page.items) counts.set(n.department, (counts.get(n.department) ?? 0) + 1);
        cursor = page.next;
      } while (cursor && ++pages < RECORD_PAGES);
      return { counts, capped: cursor !== undefined };
    };
    const [records, overdue, uncovered] = await Promise.all([
      Promise.all(kinds.map(recordsByKind)),
      canSee(client, ['notifications:oversee']) ? overdueByDepartment() : undefined,
      canSee(client, ['cover:read'])
        ? Promise.all(
            (region.length === 6 ? [region] : countyDivisions(region)).slice(0, 40).map(async (district) => {
              const page = await listUncovered(ports, client, { region: district, days: 0, limit: UNCOVERED_CAP });
              return { label: division(district)?.name ?? district, value: page.items.length, capped: page.next !== undefined };
            }),
          )
        : undefined,
    ]);
    const overdueRows = overdue ? [...overdue.counts].map(([label, value]) => ({ label: label === '~pool' ? '认领池' : label, value })).sort((a, b) => b.value - a.value) : undefined;

    return d.render(
      c,
      '图表',
      <>
        {kinds.length ? (
          <section>
            <h2 style="margin-top:0">本部门报送的记录（近 12 个月，按类别和月份）</h2>
            <StackedBars title="本部门报送的记录" categories={months.map((m) => `${Number(m.slice(5))}月`)} series={records.map((r) => ({ name: KIND_LABELS[r.kind], values: r.values }))} />
            {records.some((r) => r.capped) ? <p class="muted">记录较多，每类只统计最近 {RECORD_PAGES * 100} 条。</p> : null}
          </section>
        ) : null}
        {overdueRows ? (
          <section>
            <h2 style="margin-top:0">逾期未签收的通知（按部门）</h2>
            <Bars title="逾期未签收的通知" rows={overdueRows} color="#b42318" />
            {overdue?.capped ? <p class="muted">逾期通知较多，只统计按部门顺序的前 {RECORD_PAGES * 100} 条。</p> : null}
          </section>
        ) : null}
        {uncovered ? (
          <section>
            <h2 style="margin-top:0">许可项目未覆盖的企业（按区县）</h2>
            <LookupForm action="/console/charts" for="region" label="行政区划代码前缀">
              <input id="region" name="region" value={region} maxlength={6} />
            </LookupForm>
            <Bars title="许可项目未覆盖的企业" rows={uncovered} color="#c4620a" />
            {uncovered.some((r) => r.capped) ? <p class="muted">每个区县最多统计 {UNCOVERED_CAP} 户，超过的显示为“+”。</p> : null}
          </section>
        ) : null}
      </>,
    );
  });
}
