/** @jsxImportSource hono/jsx */
/**
 * The enterprise page (企业画像): identity and status, risk class and list memberships, the
 * timeline of live records (each opening its versions), the licence cover of each 许可项目, and
 * who read the profile (audit scope). Every read goes through the API's core functions with the
 * purpose the user states, so it lands in the enterprise's access log exactly as an API read does.
 */
import { CREDIT_LISTS, type CreditList } from '../../schemas/credit';
import { INSPECTION_RESULTS, RECORD_KINDS, type RecordKind } from '../../schemas/records';
import { readAccessLog, readHistory, readProfile, readRecord } from '../core/profile';
import { creditCheck, listHistory } from '../core/credit';
import type { ConsoleDeps, ConsoleEnv } from './app';
import { problemErrors } from './app';
import { FieldErrors, Pager, Table } from './layout';
import type { Hono } from 'hono';
import type { FieldError } from '../core/errors';

export const KIND_LABELS: Record<RecordKind, string> = { registration: '登记注册', licence: '行政许可', filing: '备案', inspection: '检查', penalty: '行政处罚' };
export const LIST_LABELS: Record<CreditList, string> = { blacklist: '严重违法失信名单', abnormal: '经营异常名录', redlist: '红名单' };
const STATUS_LABELS: Record<string, string> = { active: '存续', deregistered: '已注销', unregistered: '无登记记录' };
const REFORM_LABELS: Record<string, string> = { cancelled: '直接取消审批', filing: '审批改为备案', commitment: '实行告知承诺', optimised: '优化审批服务' };
const RESOURCE_LABELS: Record<string, string> = { profile: '画像', history: '记录时间线', 'credit-check': '信用核查', party: '相对人查询' };

/** A record's summary fields worth a glance in a list, in this order when present. */
/** Chinese names of the coded values a summary line shows. */
const VALUE_LABELS: Record<string, string> = { establish: '设立', change: '变更', deregister: '注销', valid: '有效', revoked: '已撤销', expired: '已过期', cancelled: '已注销', ...INSPECTION_RESULTS };
const GLANCE = ['name', 'action', 'licenceName', 'certificateName', 'itemName', 'filingNumber', 'result', 'resultCode', 'decisionNumber', 'violationType', 'status', 'validTo', 'catalogueItemCode'];
const glance = (r: Record<string, unknown>) =>
  GLANCE.filter((k) => typeof r[k] === 'string' || typeof r[k] === 'number')
    .slice(0, 3)
    .map((k) => VALUE_LABELS[String(r[k])] ?? String(r[k]))
    .join(' · ');

/** Any value shown as text: nested objects as compact JSON. */
export const show = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function PurposeForm(props: { code?: string; purpose?: string; errors?: FieldError[]; action?: string }) {
  return (
    <section>
      <form method="get" action={props.action ?? '/console/enterprise'}>
        <div class="row">
          <div>
            <label for="code">统一社会信用代码</label>
            <input id="code" name="code" value={props.code ?? ''} required maxlength={40} />
            <FieldErrors errors={props.errors} path="creditCode" />
          </div>
          <div>
            <label for="purpose">查询目的（记入查询日志）</label>
            <input id="purpose" name="purpose" value={props.purpose ?? ''} required maxlength={200} placeholder="如：日常监管核查" />
            <FieldErrors errors={props.errors} path="Access-Purpose" />
          </div>
          <div style="flex:0 0 auto">
            <button type="submit">查询</button>
          </div>
        </div>
      </form>
    </section>
  );
}

export function registerEnterprise(app: Hono<ConsoleEnv>, d: ConsoleDeps) {
  const { ports } = d;

  app.get('/enterprises', d.signedIn, (c) => d.render(c, '企业查询', <PurposeForm />));

  app.get('/enterprise', d.signedIn, async (c) => {
    const client = d.client(c);
    const code = (c.req.query('code') ?? '').trim().toUpperCase();
    const purpose = c.req.query('purpose') ?? '';
    let profile;
    try {
      profile = await readProfile(ports, client, code, purpose);
    } catch (e) {
      const errors = problemErrors(e);
      if (errors) return d.render(c, '企业查询', <PurposeForm code={code} purpose={purpose} errors={errors} />, 400);
      throw e;
    }
    const cursor = c.req.query('cursor');
    const logCursor = c.req.query('logCursor');
    const [history, credit, lists, log] = await Promise.all([
      readHistory(ports, client, code, { cursor, limit: 20, purpose }),
      client.scopes.includes('credit:read') ? creditCheck(ports, client, code, { purpose }, d.credit) : undefined,
      Promise.all(CREDIT_LISTS.map((l) => listHistory(ports, l, code))),
      client.scopes.includes('audit:read') ? readAccessLog(ports, client, code, { cursor: logCursor, limit: 20, purpose }) : undefined,
    ]);
    const here = { code, purpose };
    const reg = profile.registration;
    return d.render(
      c,
      profile.name ?? code,
      <>
        <section>
          <dl>
            <dt>统一社会信用代码</dt>
            <dd class="mono">{profile.creditCode}</dd>
            <dt>名称</dt>
            <dd>{profile.name ?? '（个体工商户名称属个人信息，不显示）'}</dd>
            <dt>状态</dt>
            <dd>
              <span class={`tag ${profile.status === 'active' ? 'good' : 'warn'}`}>{STATUS_LABELS[profile.status]}</span>
            </dd>
            {reg ? (
              <>
                <dt>最近登记</dt>
                <dd>
                  {reg.date} {glance(reg)}
                </dd>
              </>
            ) : null}
            <dt>风险分类</dt>
            <dd>
              {credit ? (
                <span class={`tag ${credit.risk.riskClass === 'D' ? 'bad' : credit.risk.riskClass === 'C' ? 'warn' : 'good'}`}>{credit.risk.riskClass} 类</span>
              ) : (
                <span class="muted">需要信用查询权限</span>
              )}
            </dd>
            <dt>名单</dt>
            <dd>
              {lists.filter((l) => l.current).length === 0 ? '未列入任何名单' : null}
              {lists
                .filter((l) => l.current)
                .map((l) => (
                  <span class={`tag ${l.list === 'redlist' ? 'good' : 'bad'}`}>
                    {LIST_LABELS[l.list]}（{l.current?.decisionDate} 列入）
                  </span>
                ))}
              {lists.some((l) => l.past.length) ? <span class="muted"> 历史移出 {lists.reduce((n, l) => n + l.past.length, 0)} 次</span> : null}
            </dd>
            <dt>记录数</dt>
            <dd>
              {RECORD_KINDS.map((k) => (
                <span class="tag">
                  {KIND_LABELS[k]} {profile.counts[k]}
                </span>
              ))}
            </dd>
            <dt>查询目的</dt>
            <dd>{purpose}</dd>
          </dl>
        </section>

        <h2>许可覆盖（证照匹配）</h2>
        <section class="scroll">
          {profile.permitCover.covered.length + profile.permitCover.uncovered.length + profile.permitCover.notRequired.length === 0 ? (
            <p class="muted">经营范围中没有许可项目。</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>经营范围</th>
                  <th>许可事项</th>
                  <th>状态</th>
                </tr>
              </thead>
              <tbody>
                {(
                  [
                    ['covered', profile.permitCover.covered],
                    ['uncovered', profile.permitCover.uncovered],
                    ['notRequired', profile.permitCover.notRequired],
                  ] as const
                ).flatMap(([state, entries]) =>
                  entries.map((e) => (
                    <tr>
                      <td>{e.terms.join('、')}</td>
                      <td>{e.items.map((i) => `${i.name}（${REFORM_LABELS[i.reformMode] ?? i.reformMode}）`).join(' 或 ')}</td>
                      <td>
                        {state === 'covered' ? (
                          <span class="tag good">已取得{e.coveredBy?.kind === 'filing' ? '备案' : '许可'}</span>
                        ) : state === 'uncovered' ? (
                          <span class="tag bad">未取得</span>
                        ) : (
                          <span class="tag">无需许可</span>
                        )}
                      </td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          )}
        </section>

        <h2>记录时间线</h2>
        <section class="scroll">
          <Table
            rows={history.items}
            columns={[
              { label: '日期', cell: (r) => r.date },
              { label: '类别', cell: (r) => KIND_LABELS[r.kind] },
              { label: '摘要', cell: (r) => glance(r) },
              { label: '版本', cell: (r) => <a href={`/console/records/${r.id}?${new URLSearchParams({ purpose })}`}>第 {r.version} 版</a> },
              { label: '报送部门', cell: (r) => r.postedBy },
            ]}
          />
          <Pager next={history.next} path="/console/enterprise" query={here} />
        </section>

        {log ? (
          <>
            <h2>查询日志（谁查阅了本企业、为何查阅）</h2>
            <section class="scroll">
              <Table
                rows={log.items}
                columns={[
                  { label: '时间', class: 'mono', cell: (e) => e.at.replace('T', ' ').slice(0, 19) },
                  { label: '部门', cell: (e) => e.department },
                  { label: '内容', cell: (e) => RESOURCE_LABELS[e.resource.split(':')[0]] ?? e.resource },
                  { label: '目的', cell: (e) => e.purpose },
                  { label: '方式', cell: (e) => (e.channel === 'push' ? '推送' : e.channel === 'pull' ? '拉取' : '查询') },
                ]}
              />
              <Pager next={log.next} path="/console/enterprise" query={{ ...here, cursor }} param="logCursor" />
            </section>
          </>
        ) : null}
      </>,
    );
  });

  app.get('/records/:id', d.signedIn, async (c) => {
    const record = await readRecord(ports, d.client(c), c.req.param('id'), c.req.query('purpose'));
    return d.render(
      c,
      `${KIND_LABELS[record.kind]}记录`,
      <>
        <p>
          <a href={`/console/enterprise?${new URLSearchParams({ code: record.creditCode ?? '', purpose: c.req.query('purpose') ?? '' })}`}>← {record.creditCode}</a>
        </p>
        {record.versions.map((v) => (
          <section>
            <h2>
              第 {v.version} 版{v.version === record.version ? '（现行）' : ''}
            </h2>
            <p class="muted">
              {v.provenance.department} 于 {v.provenance.receivedAt} 报送{v.corrects ? `，更正第 ${v.corrects} 版` : ''}；来源编号 <code>{v.sourceId}</code>
            </p>
            <dl>
              {Object.entries(v.data).map(([k, value]) => (
                <>
                  <dt>{k}</dt>
                  <dd>{show(value)}</dd>
                </>
              ))}
            </dl>
          </section>
        ))}
      </>,
    );
  });
}
