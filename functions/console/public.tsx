/** @jsxImportSource hono/jsx */
/**
 * Public pages (一公开), without sign-in: the permit catalogue as of a date, public list entries,
 * commitments (告知承诺), 双随机 plans with their draws and results, and the licences, penalties and
 * inspection results within their publication period. They read through the same core functions
 * as the public API routes, so they show exactly what those publish and nothing personal.
 */
import type { Hono } from 'hono';
import { DisclosureQuery } from '../../schemas/api';
import { CREDIT_LISTS } from '../../schemas/credit';
import { readCatalogue } from '../core/permits';
import { readSnapshot, parseList } from '../core/credit';
import { readCommitment } from '../core/commitments';
import { cursorBinding, sealPage } from '../core/cursor';
import { isDerivedPartyKey } from '../store/table';
import { listPlans, listTasks, readPlan } from '../core/inspections';
import { publicList } from '../core/disclosure';
import { chinaDate } from '../core/china-time';
import { badRequest } from '../core/errors';
import { parseOrThrow } from '../core/validation';
import type { ConsoleDeps, ConsoleEnv } from './app';
import type { Ports } from '../core/ports';
import { LIST_LABELS, show } from './enterprise';
import { FieldErrors, Pager, Table, LookupForm } from './layout';
import type { FieldError } from '../core/errors';
import { problemErrors } from './app';

const REFORM_LABELS: Record<string, string> = { cancelled: '直接取消审批', filing: '审批改为备案', commitment: '实行告知承诺', optimised: '优化审批服务' };
const STEP_LABELS: Record<string, string> = {
  'verification-due': '待核查',
  kept: '已履行',
  'rectification-ordered': '责令整改',
  'revocation-requested': '已提请撤销',
  revoked: '已撤销',
  'revocation-declined': '不予撤销',
};
const PLAN_STATUS: Record<string, string> = { created: '已承诺（待固定对象库）', fixed: '对象库已固定', drawn: '已抽取' };
const DISCLOSED = {
  licences: {
    kind: 'licence',
    title: '行政许可公示',
    columns: [
      ['XK_XDR_MC', '相对人'],
      ['XK_XDR_SHXYM', '统一社会信用代码'],
      ['XK_XKWS', '许可文书'],
      ['XK_XKZS', '证书'],
      ['XK_JDRQ', '决定日期'],
      ['XK_YXQZI', '有效期至'],
      ['XK_XKJG', '许可机关'],
    ],
  },
  penalties: {
    kind: 'penalty',
    title: '行政处罚公示',
    columns: [
      ['CF_XDR_MC', '相对人'],
      ['CF_XDR_SHXYM', '统一社会信用代码'],
      ['CF_WSH', '决定书文号'],
      ['CF_WFXW', '违法行为类型'],
      ['CF_NR_FK', '罚款（万元）'],
      ['CF_JDRQ', '决定日期'],
      ['CF_GSJZQ', '公示截止'],
      ['CF_CFJG', '处罚机关'],
    ],
  },
  inspections: {
    kind: 'inspection',
    title: '检查结果公示',
    columns: [
      ['creditCode', '统一社会信用代码'],
      ['department', '检查部门'],
      ['date', '日期'],
      ['resultName', '结果'],
    ],
  },
} as const;

/**
 * The public list of commitments (告知承诺公示) granted in a month, newest first: what the
 * commitment page shows, without the party key when the party is a person (a derived key stands
 * for a person or a business run by one).
 */
async function listPublicCommitments(ports: Ports, month: string, cursor: string | undefined, limit: number) {
  const binding = cursorBinding('commitments', 'public', month);
  const page = sealPage(ports.cursors, await ports.commitments.published(month, cursor === undefined ? undefined : ports.cursors.open(cursor, binding), limit), binding);
  return {
    items: page.items.map((c) => ({
      licenceRecordId: c.licenceRecordId,
      ...(isDerivedPartyKey(c.creditCode) ? {} : { creditCode: c.creditCode }),
      catalogueItemCode: c.catalogueItemCode,
      ...(c.licenceNumber ? { licenceNumber: c.licenceNumber } : {}),
      grantedOn: c.grantedOn,
      promises: c.promises,
      step: c.step,
      ...(c.due ? { due: c.due } : {}),
    })),
    ...(page.next ? { next: page.next } : {}),
  };
}

const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

export function registerPublic(app: Hono<ConsoleEnv>, d: ConsoleDeps) {
  const { ports } = d;

  app.get('/public', (c) =>
    d.render(
      c,
      '公开信息',
      <section>
        <ul>
          <li>
            <a href="/console/public/catalogue">涉企经营许可事项清单</a>（可按日期查看）
          </li>
          {CREDIT_LISTS.map((l) => (
            <li>
              <a href={`/console/public/lists/${l}`}>{LIST_LABELS[l]}</a>
            </li>
          ))}
          <li>
            <a href="/console/public/licences">行政许可公示</a>、<a href="/console/public/penalties">行政处罚公示</a>、<a href="/console/public/inspections">检查结果公示</a>
          </li>
          <li>
            <a href="/console/public/commitments">告知承诺公示</a>
          </li>
          <li>
            <a href="/console/public/plans">双随机抽查计划、抽取与结果</a>
          </li>
        </ul>
      </section>,
    ),
  );

  app.get('/public/catalogue', async (c) => {
    const asOf = c.req.query('asOf') || undefined;
    if (asOf && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw badRequest('invalid date', [{ path: 'asOf', message: '日期格式应为 YYYY-MM-DD' }]);
    const { asOf: date, items } = await readCatalogue(ports, asOf);
    return d.render(
      c,
      `涉企经营许可事项清单（${date}）`,
      <>
        <section>
          <LookupForm action="/console/public/catalogue" for="asOf" label="查看日期">
            <input id="asOf" name="asOf" type="date" value={date} />
          </LookupForm>
          <p class="muted">
            共 {items.length} 项。<a href={`/v1/catalogue?format=csv&asOf=${date}`}>下载 CSV</a>
          </p>
        </section>
        {items.map((raw) => {
          const i = raw as Record<string, unknown> & { code: string };
          const measures = (i.measures ?? {}) as { changes?: string[]; timeLimitBefore?: number; timeLimitAfter?: number };
          const supervision = (i.supervision ?? {}) as { measures?: string[]; inspectionFrequency?: string };
          const quota = i.quota as { total?: number; layoutPlan?: string } | undefined;
          return (
            <section id={i.code}>
              <h2 style="margin-top:0">
                {show(i.name)} <span class="tag">{REFORM_LABELS[String(i.reformMode)] ?? show(i.reformMode)}</span>
              </h2>
              <dl>
                <dt>事项编码</dt>
                <dd class="mono">{i.code}</dd>
                <dt>设定依据</dt>
                <dd>{((i.legalBasis as string[] | undefined) ?? []).join('；')}</dd>
                <dt>主管部门</dt>
                <dd>{show(i.competentDepartment)}</dd>
                {i.approvingDepartment ? (
                  <>
                    <dt>审批部门</dt>
                    <dd>{show(i.approvingDepartment)}</dd>
                  </>
                ) : null}
                {measures.changes?.length ? (
                  <>
                    <dt>改革举措</dt>
                    <dd>{measures.changes.join('；')}</dd>
                  </>
                ) : null}
                {measures.timeLimitAfter !== undefined ? (
                  <>
                    <dt>审批时限</dt>
                    <dd>
                      {measures.timeLimitBefore ?? '—'} → {measures.timeLimitAfter} 个工作日
                    </dd>
                  </>
                ) : null}
                <dt>监管措施</dt>
                <dd>
                  {(supervision.measures ?? []).join('；')}
                  {supervision.inspectionFrequency ? `（${supervision.inspectionFrequency}）` : ''}
                </dd>
                {quota ? (
                  <>
                    <dt>数量限制</dt>
                    <dd>
                      {quota.total !== undefined ? `总量 ${quota.total}；` : ''}
                      {quota.layoutPlan ?? ''} <a href={`/v1/catalogue/${i.code}/quota`}>存量</a>
                    </dd>
                  </>
                ) : null}
              </dl>
            </section>
          );
        })}
      </>,
    );
  });

  app.get('/public/lists/:list', async (c) => {
    const list = parseList(c.req.param('list'));
    const page = await readSnapshot(ports, undefined, list, { cursor: c.req.query('cursor'), limit: 50 });
    return d.render(
      c,
      LIST_LABELS[list],
      <section class="scroll">
        <Table
          rows={page.items}
          empty="名单中没有企业。"
          columns={[
            { label: '企业', cell: (e) => e.enterpriseName },
            { label: '统一社会信用代码', class: 'mono', cell: (e) => e.creditCode },
            { label: '列入原因', cell: (e) => e.reason },
            { label: '决定机关与文号', cell: (e) => `${e.authority} ${e.decisionNumber}` },
            { label: '列入日期', cell: (e) => e.decisionDate },
          ]}
        />
        <Pager next={page.next} path={`/console/public/lists/${list}`} />
      </section>,
    );
  });

  for (const [path, spec] of Object.entries(DISCLOSED)) {
    app.get(`/public/${path}`, async (c) => {
      const today = chinaDate(ports.clock.now());
      const raw = { from: c.req.query('from') || daysBefore(today, 30), to: c.req.query('to') || today, ...(c.req.query('cursor') ? { cursor: c.req.query('cursor') } : {}), limit: '50' };
      let errors: FieldError[] | undefined;
      let page: Awaited<ReturnType<typeof publicList>> | undefined;
      try {
        page = await publicList(
          ports,
          spec.kind,
          parseOrThrow(DisclosureQuery, raw, (e) => badRequest('invalid range', e)),
        );
      } catch (e) {
        errors = problemErrors(e);
        if (!errors) throw e;
      }
      return d.render(
        c,
        spec.title,
        <>
          <section>
            <form method="get" action={`/console/public/${path}`} class="row">
              <div>
                <label for="from">起始日期</label>
                <input id="from" name="from" type="date" value={raw.from} />
                <FieldErrors errors={errors} path="/from" />
              </div>
              <div>
                <label for="to">截止日期（最长 31 天）</label>
                <input id="to" name="to" type="date" value={raw.to} />
                <FieldErrors errors={errors} path="/to" />
              </div>
              <div style="flex:0 0 auto">
                <button type="submit">查看</button>
              </div>
            </form>
          </section>
          {page ? (
            <section class="scroll">
              <Table<Record<string, unknown> & { recordId: string }>
                rows={page.items}
                empty="这段时间没有公示的记录。"
                columns={[
                  ...spec.columns.map(([code, label]) => ({ label, cell: (row: Record<string, unknown>) => show(row[code]) })),
                  spec.kind === 'licence' && { label: '告知承诺', cell: (row) => <a href={`/console/public/commitments/${row.recordId}`}>查看</a> },
                ]}
              />
              <Pager next={page.next} path={`/console/public/${path}`} query={{ from: raw.from, to: raw.to }} />
            </section>
          ) : null}
        </>,
        errors ? 400 : 200,
      );
    });
  }

  app.get('/public/commitments', async (c) => {
    const id = c.req.query('licence');
    if (id) return c.redirect(`/console/public/commitments/${encodeURIComponent(id)}`, 303);
    const thisMonth = chinaDate(ports.clock.now()).slice(0, 7);
    const month = c.req.query('month') || thisMonth;
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw badRequest('invalid month', [{ path: 'month', message: '月份格式应为 YYYY-MM' }]);
    const page = await listPublicCommitments(ports, month, c.req.query('cursor'), 50);
    const earlier = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)) - 2, 1)).toISOString().slice(0, 7);
    return d.render(
      c,
      '告知承诺公示',
      <>
        <section>
          <p>以告知承诺方式取得的许可，其承诺内容、核查进度公开（按许可日期，每月一页起）。</p>
          <LookupForm action="/console/public/commitments" for="month" label="许可月份">
            <input id="month" name="month" type="month" value={month} />
          </LookupForm>
          <LookupForm action="/console/public/commitments" for="licence" label="或按许可记录编号（rec_…）查看">
            <input id="licence" name="licence" required maxlength={40} />
          </LookupForm>
        </section>
        <section class="scroll" id="commitments">
          <h2 style="margin-top:0">{month.replace('-', ' 年 ')} 月</h2>
          <Table
            rows={page.items}
            rowId={(cm) => cm.licenceRecordId}
            empty="这个月没有以告知承诺方式取得的许可。"
            columns={[
              { label: '许可日期', cell: (cm) => cm.grantedOn },
              { label: '统一社会信用代码', class: 'mono', cell: (cm) => cm.creditCode ?? '（个人，不显示）' },
              { label: '许可事项', class: 'mono', cell: (cm) => cm.catalogueItemCode },
              { label: '许可证号', cell: (cm) => cm.licenceNumber ?? '' },
              { label: '承诺', cell: (cm) => cm.promises.join('；') },
              {
                label: '进度',
                cell: (cm) => (
                  <a href={`/console/public/commitments/${cm.licenceRecordId}`}>
                    {STEP_LABELS[cm.step] ?? cm.step}
                    {cm.due ? `（期限 ${cm.due}）` : ''}
                  </a>
                ),
              },
            ]}
          />
          <Pager next={page.next} path="/console/public/commitments" query={{ month }} />
          <p>
            <a href={`/console/public/commitments?month=${earlier}`}>← 上个月</a>
          </p>
        </section>
      </>,
    );
  });
  app.get('/public/commitments/:id', async (c) => {
    const cm = await readCommitment(ports, c.req.param('id'));
    return d.render(
      c,
      '告知承诺',
      <section>
        <dl>
          <dt>统一社会信用代码</dt>
          <dd class="mono">{cm.creditCode}</dd>
          <dt>许可事项</dt>
          <dd class="mono">{cm.catalogueItemCode}</dd>
          {cm.licenceNumber ? (
            <>
              <dt>许可证号</dt>
              <dd>{cm.licenceNumber}</dd>
            </>
          ) : null}
          <dt>许可日期</dt>
          <dd>{cm.grantedOn}</dd>
          <dt>承诺内容</dt>
          <dd>
            <ul>
              {cm.promises.map((p) => (
                <li>{p}</li>
              ))}
            </ul>
          </dd>
          {cm.conditionsDue ? (
            <>
              <dt>条件满足期限</dt>
              <dd>{cm.conditionsDue}</dd>
            </>
          ) : null}
          <dt>当前进度</dt>
          <dd>
            <span class="tag">{STEP_LABELS[cm.step] ?? cm.step}</span>
            {cm.due ? ` 期限 ${cm.due}` : ''}
          </dd>
          <dt>经过</dt>
          <dd>
            <ol>
              {cm.history.map((h) => (
                <li>
                  {h.at.slice(0, 10)} {STEP_LABELS[h.step] ?? h.step}（{h.by}）
                </li>
              ))}
            </ol>
          </dd>
        </dl>
      </section>,
    );
  });

  app.get('/public/plans', async (c) => {
    const department = c.req.query('department') ?? '';
    const page = department ? await listPlans(ports, department, c.req.query('cursor'), 20) : undefined;
    return d.render(
      c,
      '双随机抽查计划',
      <>
        <section>
          <LookupForm action="/console/public/plans" for="department" label="组织部门（如 market）">
            <input id="department" name="department" value={department} required maxlength={32} />
          </LookupForm>
        </section>
        {page ? (
          <section class="scroll">
            <Table
              rows={page.items}
              empty="该部门没有公布抽查计划。"
              columns={[
                { label: '计划', cell: (p) => <a href={`/console/public/plans/${p.id}`}>{p.title}</a> },
                { label: '公布时间', class: 'mono', cell: (p) => p.createdAt.slice(0, 10) },
              ]}
            />
            <Pager next={page.next} path="/console/public/plans" query={{ department }} />
          </section>
        ) : null}
      </>,
    );
  });

  app.get('/public/plans/:id', async (c) => {
    const plan = await readPlan(ports, c.req.param('id'));
    const tasks = plan.draw ? await listTasks(ports, plan.id, c.req.query('cursor'), 50) : undefined;
    return d.render(
      c,
      plan.title,
      <>
        <section>
          <dl>
            <dt>组织部门</dt>
            <dd>{plan.department}</dd>
            <dt>状态</dt>
            <dd>{PLAN_STATUS[plan.status]}</dd>
            <dt>承诺值</dt>
            <dd class="mono">{String(plan.commitment)}</dd>
            <dt>承诺公布</dt>
            <dd class="mono">{plan.committedAt}</dd>
            <dt>抽查事项</dt>
            <dd>{plan.coverage.catalogueItems.map((i) => i.name).join('、')}</dd>
            <dt>地区</dt>
            <dd>{plan.coverage.regionPrefixes.join('、')}</dd>
            <dt>完成期限</dt>
            <dd>{plan.inspectBy}</dd>
            <dt>检查人员</dt>
            <dd>{plan.roster.length} 名</dd>
            {plan.pool ? (
              <>
                <dt>对象库</dt>
                <dd>
                  {plan.pool.size} 户，摘要 <code>{plan.pool.hash}</code>
                </dd>
              </>
            ) : null}
            {plan.draw ? (
              <>
                <dt>抽取</dt>
                <dd>
                  {plan.draw.drawnAt}，{plan.draw.tasks} 项任务；公开密钥 <code>{plan.draw.secret}</code>
                </dd>
              </>
            ) : null}
          </dl>
        </section>
        {plan.draw ? (
          <section>
            <h2 style="margin-top:0">自行复核抽取结果</h2>
            <p>任何人都可以用公开的抽取文件重算一遍，结果应与下表一致（需要 Node.js 20 以上）：</p>
            <pre class="mono" style="white-space:pre-wrap">
              {`curl -s ${new URL(c.req.url).origin}/v1/public/plans/${plan.id}/draw > draw.json
node scripts/redraw.mjs draw.json --commitment ${String(plan.commitment)} --pool-hash ${plan.pool?.hash ?? ''} --roster-hash ${plan.pool?.rosterHash ?? ''}`}
            </pre>
            <p>
              <a href={`/v1/public/plans/${plan.id}/draw`}>下载抽取文件</a>
            </p>
          </section>
        ) : null}
        {tasks ? (
          <section class="scroll">
            <h2 style="margin-top:0">抽查任务与结果</h2>
            <Table
              rows={tasks.items}
              columns={[
                { label: '企业', class: 'mono', cell: (t) => t.creditCode },
                { label: '检查人员', cell: (t) => t.inspectors.map((i) => i.name).join('、') },
                { label: '状态', cell: (t) => (t.status === 'closed' ? '已完成' : t.status === 'open' ? '待检查' : '未能分派') },
                { label: '结果', cell: (t) => (t.result ? `${t.result.date} ${t.result.result}` : '') },
              ]}
            />
            <Pager next={tasks.next} path={`/console/public/plans/${plan.id}`} />
          </section>
        ) : null}
      </>,
    );
  });
}
