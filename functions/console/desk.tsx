/** @jsxImportSource hono/jsx */
/**
 * The department desk (部门工作台): the inbox with acknowledge and feedback, the 双告知 notices
 * (in the inbox) and the claim pool with claim and pass, overdue notifications, failed webhook
 * deliveries with redrive, subscriptions, and the department's own records. Every action is a
 * plain form POST carrying the session's form token, answered with a redirect back (post/redirect/get).
 */
import type { Hono } from 'hono';
import { EVENT_TYPES, isNoticeEventType } from '../../schemas/event-types';
import { FEEDBACK_OUTCOMES } from '../../schemas/events';
import { RECORD_KINDS, type RecordKind } from '../../schemas/records';
import { PostedQuery } from '../../schemas/api';
import { claimNotice, listPool, passNotice } from '../core/claims';
import { acknowledge, giveFeedback, listInbox, listOverdue, redrive } from '../core/inbox';
import { listPosted } from '../core/own-data';
import { createSubscription, listSubscriptions, rotateSecret, updateSubscription } from '../core/subscriptions';
import { badRequest, type FieldError } from '../core/errors';
import type { ConsoleContext, ConsoleDeps, ConsoleEnv } from './app';
import { problemErrors } from './app';
import { KIND_LABELS, show } from './enterprise';
import { Csrf, FieldErrors, Pager, Table } from './layout';
import { parseOrThrow } from '../core/validation';

const EVENT_LABELS: Record<string, string> = {
  [EVENT_TYPES.recordCreated]: '新记录',
  [EVENT_TYPES.recordCorrected]: '记录更正',
  [EVENT_TYPES.feedback]: '反馈',
  [EVENT_TYPES.overdue]: '逾期督办',
  [EVENT_TYPES.taskAssigned]: '检查任务',
  [EVENT_TYPES.taskOverdue]: '检查任务逾期',
  [EVENT_TYPES.creditListChanged]: '名单变更',
  [EVENT_TYPES.creditProposal]: '列入建议',
  [EVENT_TYPES.creditBlacklistedLicence]: '失信主体获许可',
  [EVENT_TYPES.commitmentVerification]: '承诺核查',
  [EVENT_TYPES.commitmentRevocation]: '撤销许可申请',
  [EVENT_TYPES.commitmentOverdue]: '承诺逾期',
  [EVENT_TYPES.permitNeeded]: '双告知：需办理许可',
  [EVENT_TYPES.supervise]: '双告知：纳入监管',
  [EVENT_TYPES.catalogueChanged]: '清单变更',
};
const DELIVERY_LABELS = { queued: '排队中', delivered: '已送达', failed: '推送失败', none: '待拉取' } as const;
const DONE: Record<string, string> = {
  ack: '已签收。',
  feedback: '反馈已提交。',
  claim: '已认领，通知已转入本部门收件箱。',
  pass: '已放弃，该通知留给其他部门认领。',
  paused: '订阅已暂停。',
  active: '订阅已恢复。',
};

type Shown = {
  id: string;
  event: { type: string; subject: string; time: string; data: Record<string, unknown> };
  createdAt: string;
  ackBy: string;
  acknowledgedAt?: string;
  delivery: { status: keyof typeof DELIVERY_LABELS; lastError?: string; attempts: number };
  feedback: { outcome: string; at: string }[];
  claimedBy?: string;
};

/** What a notification is about, in a line: the enterprise, the item of a notice, the record kind. */
function About(props: { n: Shown }) {
  const d = props.n.event.data;
  const enterprise = d.enterprise as { name?: string } | undefined;
  const item = d.item as { name?: string } | undefined;
  return (
    <>
      <span class="mono">{props.n.event.subject}</span> {enterprise?.name ?? ''}
      {item?.name ? <div class="muted">许可事项：{item.name}</div> : null}
      {typeof d.kind === 'string' ? <div class="muted">{KIND_LABELS[d.kind as RecordKind] ?? d.kind}</div> : null}
      {typeof d.outcome === 'string' ? <div class="muted">反馈：{FEEDBACK_OUTCOMES[d.outcome as keyof typeof FEEDBACK_OUTCOMES] ?? d.outcome}</div> : null}
    </>
  );
}

const Done = (props: { c: ConsoleContext }) => {
  const done = DONE[props.c.req.query('done') ?? ''];
  return done ? (
    <p class="box-ok" role="status">
      {done}
    </p>
  ) : null;
};

export function registerDesk(app: Hono<ConsoleEnv>, d: ConsoleDeps) {
  const { ports } = d;
  /** An action (post/redirect/get): do it, then back to the page it came from, which says what was done. */
  const act = (path: `${string}/:id/${string}`, page: string, run: (c: ConsoleContext, id: string, fields: Record<string, string>) => Promise<keyof typeof DONE>) =>
    app.post(path, d.signedIn, async (c) => c.redirect(`/console/${page}?done=${await run(c, c.req.param('id') ?? '', await d.form(c))}`, 303));

  app.get('/inbox', d.signedIn, async (c) => {
    const client = d.client(c);
    const open = c.req.query('all') !== '1';
    const page = await listInbox(ports, client, { open, cursor: c.req.query('cursor'), limit: 20 });
    const canAct = client.scopes.includes('inbox:act');
    const csrf = c.get('csrf');
    return d.render(
      c,
      '收件箱',
      <>
        <Done c={c} />
        <p>
          {open ? (
            <>
              显示未签收的通知。<a href="/console/inbox?all=1">显示全部</a>
            </>
          ) : (
            <>
              显示全部通知。<a href="/console/inbox">只看未签收</a>
            </>
          )}
        </p>
        <section class="scroll">
          <Table
            rows={page.items as Shown[]}
            rowId={(n) => n.id}
            empty="没有通知。"
            columns={[
              { label: '时间', class: 'mono', cell: (n) => n.createdAt.replace('T', ' ').slice(0, 16) },
              {
                label: '类型',
                cell: (n) => (
                  <>
                    {EVENT_LABELS[n.event.type] ?? n.event.type}
                    {isNoticeEventType(n.event.type) ? <span class="tag warn">双告知</span> : null}
                  </>
                ),
              },
              { label: '对象', cell: (n) => <About n={n} /> },
              {
                label: '状态',
                cell: (n) => (
                  <>
                    {n.acknowledgedAt ? <span class="tag good">已签收</span> : <span class="tag warn">待签收（{n.ackBy.slice(0, 10)} 前）</span>}
                    <span class="tag">{DELIVERY_LABELS[n.delivery.status]}</span>
                    {n.feedback.map((f) => (
                      <div class="muted">反馈：{FEEDBACK_OUTCOMES[f.outcome as keyof typeof FEEDBACK_OUTCOMES] ?? f.outcome}</div>
                    ))}
                  </>
                ),
              },
              canAct && {
                label: '处理',
                cell: (n) => (
                  <>
                    {n.acknowledgedAt ? null : (
                      <form class="inline" method="post" action={`/console/inbox/${n.id}/ack`}>
                        <Csrf token={csrf} />
                        <button type="submit">签收</button>
                      </form>
                    )}
                    <form method="post" action={`/console/inbox/${n.id}/feedback`}>
                      <Csrf token={csrf} />
                      <label for={`o-${n.id}`}>反馈</label>
                      <select id={`o-${n.id}`} name="outcome">
                        {Object.entries(FEEDBACK_OUTCOMES).map(([k, v]) => (
                          <option value={k}>{v}</option>
                        ))}
                      </select>
                      <input name="comment" maxlength={2000} placeholder="说明（可选）" aria-label="反馈说明" />
                      <button type="submit" class="secondary">
                        提交反馈
                      </button>
                    </form>
                  </>
                ),
              },
            ]}
          />
          <Pager next={page.next} path="/console/inbox" query={{ all: open ? undefined : '1' }} />
        </section>
      </>,
    );
  });

  act('/inbox/:id/ack', 'inbox', async (c, id) => {
    await acknowledge(ports, d.client(c), id);
    return 'ack';
  });
  act('/inbox/:id/feedback', 'inbox', async (c, id, fields) => {
    await giveFeedback(ports, d.client(c), id, { outcome: fields.outcome, ...(fields.comment?.trim() ? { comment: fields.comment.trim() } : {}) });
    return 'feedback';
  });

  app.get('/claims', d.signedIn, async (c) => {
    const page = await listPool(ports, d.client(c), { cursor: c.req.query('cursor'), limit: 20 });
    const csrf = c.get('csrf');
    return d.render(
      c,
      '认领池（双告知）',
      <>
        <Done c={c} />
        <p class="muted">无法确定审批或主管部门的双告知通知在此等待认领；只有一个部门能认领成功。</p>
        <section class="scroll">
          <Table
            rows={page.items as Shown[]}
            rowId={(n) => n.id}
            empty="认领池是空的。"
            columns={[
              { label: '时间', class: 'mono', cell: (n) => n.createdAt.replace('T', ' ').slice(0, 16) },
              { label: '对象', cell: (n) => <About n={n} /> },
              { label: '原因', cell: (n) => show(n.event.data.pool) },
              {
                label: '操作',
                cell: (n) => (
                  <>
                    <form class="inline" method="post" action={`/console/claims/${n.id}/claim`}>
                      <Csrf token={csrf} />
                      <button type="submit">认领</button>
                    </form>{' '}
                    <form class="inline" method="post" action={`/console/claims/${n.id}/pass`}>
                      <Csrf token={csrf} />
                      <button type="submit" class="secondary">
                        放弃
                      </button>
                    </form>
                  </>
                ),
              },
            ]}
          />
          <Pager next={page.next} path="/console/claims" />
        </section>
      </>,
    );
  });
  act('/claims/:id/claim', 'claims', async (c, id) => {
    await claimNotice(ports, d.client(c), id);
    return 'claim';
  });
  act('/claims/:id/pass', 'claims', async (c, id) => {
    await passNotice(ports, d.client(c), id);
    return 'pass';
  });

  app.get('/overdue', d.signedIn, async (c) => {
    const department = c.req.query('department') || undefined;
    const { items, next } = await listOverdue(ports, d.client(c), { department, cursor: c.req.query('cursor'), limit: 50 });
    return d.render(
      c,
      '逾期未签收',
      <section class="scroll">
        <Table
          rows={items as (Shown & { department: string })[]}
          empty="没有逾期未签收的通知。"
          columns={[
            { label: '部门', cell: (n) => n.department },
            { label: '类型', cell: (n) => EVENT_LABELS[n.event.type] ?? n.event.type },
            { label: '对象', cell: (n) => <About n={n} /> },
            { label: '应签收时间', class: 'mono', cell: (n) => n.ackBy.replace('T', ' ').slice(0, 16) },
          ]}
        />
        <Pager next={next} path="/console/overdue" query={{ department }} />
      </section>,
    );
  });

  // Failed deliveries are open notifications whose webhook delivery failed; one page of the inbox at a time.
  app.get('/deliveries', d.signedIn, async (c) => {
    const client = d.client(c);
    const page = await listInbox(ports, client, { open: true, cursor: c.req.query('cursor'), limit: 50 });
    const failed = page.items.filter((n) => n.delivery.status === 'failed');
    const redriven = c.req.query('redriven');
    return d.render(
      c,
      '推送失败',
      <>
        {redriven !== undefined ? (
          <p class="box-ok" role="status">
            已重新排队 {redriven} 条推送{c.req.query('batch') !== undefined && c.req.query('batch') !== redriven ? `（本次 ${c.req.query('batch')} 条）` : ''}。
            {c.req.query('more') ? '还有未检查的通知，请点击“继续重投”接着处理。' : '已检查全部未签收通知。'}
          </p>
        ) : null}
        <section>
          <form method="post" action="/console/deliveries/redrive">
            <Csrf token={c.get('csrf')} />
            {c.req.query('more') ? (
              <>
                <input type="hidden" name="cursor" value={c.req.query('more')} />
                <input type="hidden" name="sofar" value={redriven ?? '0'} />
              </>
            ) : null}
            <button type="submit">{c.req.query('more') ? '继续重投' : '全部重投'}</button> <span class="muted">每次最多处理 1,000 条未签收通知中的失败推送。</span>
          </form>
        </section>
        <section class="scroll">
          <Table
            rows={failed as Shown[]}
            empty="本页没有推送失败的通知。"
            columns={[
              { label: '时间', class: 'mono', cell: (n) => n.createdAt.replace('T', ' ').slice(0, 16) },
              { label: '类型', cell: (n) => EVENT_LABELS[n.event.type] ?? n.event.type },
              { label: '尝试次数', cell: (n) => n.delivery.attempts },
              { label: '最后错误', cell: (n) => n.delivery.lastError ?? '' },
            ]}
          />
          <Pager next={page.next} path="/console/deliveries" />
        </section>
      </>,
    );
  });
  app.post('/deliveries/redrive', d.signedIn, async (c) => {
    const fields = await d.form(c);
    const out = await redrive(ports, d.client(c), fields.cursor || undefined);
    // A long redrive goes on page after page; the count is the whole run's, the batch this click's.
    const total = (Number(fields.sofar) || 0) + out.redriven;
    return c.redirect(`/console/deliveries?${new URLSearchParams({ redriven: String(total), batch: String(out.redriven), ...(out.next ? { more: out.next } : {}) })}`, 303);
  });

  const subscriptionsPage = async (c: ConsoleContext, extra: { errors?: FieldError[]; values?: Record<string, string>; secret?: { id: string; secret: string } } = {}, status = 200) => {
    const subs = await listSubscriptions(ports, d.client(c));
    const csrf = c.get('csrf');
    const v = extra.values ?? {};
    return d.render(
      c,
      '订阅',
      <>
        <Done c={c} />
        {extra.secret ? (
          <div class="box-ok" role="status">
            <p>
              订阅 <code>{extra.secret.id}</code> 的签名密钥如下，<b>只显示这一次</b>，请立即保存到接收系统：
            </p>
            <p>
              <code id="secret">{extra.secret.secret}</code>
            </p>
          </div>
        ) : null}
        <section class="scroll">
          <Table
            rows={subs}
            empty="还没有订阅。"
            columns={[
              { label: '名称', cell: (s) => s.name },
              { label: '目的', cell: (s) => s.purpose ?? '' },
              { label: '范围', cell: (s) => s.filters.kinds?.map((k) => (k === 'catalogue' ? '清单变更' : KIND_LABELS[k])).join('、') ?? '全部' },
              { label: '推送地址', class: 'mono', cell: (s) => (s.webhook ? `${s.webhook.url}（…${s.webhook.secretHint}）` : '仅收件箱') },
              { label: '状态', cell: (s) => (s.status === 'active' ? <span class="tag good">启用</span> : <span class="tag warn">暂停</span>) },
              {
                label: '操作',
                cell: (s) => (
                  <>
                    <form class="inline" method="post" action={`/console/subscriptions/${s.id}/status`}>
                      <Csrf token={csrf} />
                      <input type="hidden" name="status" value={s.status === 'active' ? 'paused' : 'active'} />
                      <button type="submit" class="secondary">
                        {s.status === 'active' ? '暂停' : '恢复'}
                      </button>
                    </form>{' '}
                    {s.webhook ? (
                      <form class="inline" method="post" action={`/console/subscriptions/${s.id}/rotate`}>
                        <Csrf token={csrf} />
                        <button type="submit" class="secondary">
                          更换密钥
                        </button>
                      </form>
                    ) : null}
                  </>
                ),
              },
            ]}
          />
        </section>
        <h2>新建订阅</h2>
        <section>
          <form method="post" action="/console/subscriptions">
            <Csrf token={csrf} />
            <label for="name">名称</label>
            <input id="name" name="name" value={v.name ?? ''} maxlength={100} />
            <FieldErrors errors={extra.errors} path="/name" />
            <label for="purpose">目的（记入被推送企业的查询日志）</label>
            <input id="purpose" name="purpose" value={v.purpose ?? ''} maxlength={200} />
            <FieldErrors errors={extra.errors} path="/purpose" />
            <fieldset>
              <legend>记录类别（不选为全部）</legend>
              {RECORD_KINDS.map((k) => (
                <label style="display:inline-block;font-weight:normal;margin-right:1rem">
                  <input type="checkbox" name={`kind-${k}`} value="1" checked={v[`kind-${k}`] === '1'} /> {KIND_LABELS[k]}
                </label>
              ))}
            </fieldset>
            <FieldErrors errors={extra.errors} path="/filters" />
            <label for="url">推送地址（HTTPS，可不填：只进收件箱）</label>
            <input id="url" name="url" type="url" value={v.url ?? ''} maxlength={500} />
            <FieldErrors errors={extra.errors} path="/webhook" />
            <p>
              <button type="submit">创建</button>
            </p>
          </form>
        </section>
      </>,
      status,
    );
  };

  app.get('/subscriptions', d.signedIn, (c) => subscriptionsPage(c));
  app.post('/subscriptions', d.signedIn, async (c) => {
    const f = await d.form(c);
    const kinds = RECORD_KINDS.filter((k) => f[`kind-${k}`] === '1');
    const body = { name: f.name ?? '', purpose: f.purpose ?? '', filters: kinds.length ? { kinds } : {}, ...(f.url?.trim() ? { webhook: { url: f.url.trim() } } : {}) };
    try {
      const created = await createSubscription(ports, d.client(c), body, d.webhooks);
      return subscriptionsPage(c, created.webhookSecret ? { secret: { id: created.id, secret: created.webhookSecret } } : {}, 201);
    } catch (e) {
      const errors = problemErrors(e);
      if (errors) return subscriptionsPage(c, { errors, values: f }, 422);
      throw e;
    }
  });
  act('/subscriptions/:id/status', 'subscriptions', async (c, id, fields) => {
    const status = fields.status === 'paused' ? 'paused' : 'active';
    await updateSubscription(ports, d.client(c), id, { status }, d.webhooks);
    return status;
  });
  app.post('/subscriptions/:id/rotate', d.signedIn, async (c) => {
    const out = await rotateSecret(ports, d.client(c), c.req.param('id'), {});
    return subscriptionsPage(c, out.webhookSecret ? { secret: { id: out.id, secret: out.webhookSecret } } : {});
  });

  app.get('/records', d.signedIn, async (c) => {
    const q = parseOrThrow(PostedQuery, { kind: c.req.query('kind') || 'licence', ...pick(c.req.query(), ['from', 'to', 'cursor']), limit: '20' }, (errors) => badRequest('invalid query', errors));
    const page = await listPosted(ports, d.client(c), q);
    return d.render(
      c,
      '本部门报送的数据',
      <>
        <section>
          <form method="get" action="/console/records" class="row">
            <div>
              <label for="kind">类别</label>
              <select id="kind" name="kind">
                {RECORD_KINDS.map((k) => (
                  <option value={k} selected={k === q.kind}>
                    {KIND_LABELS[k]}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="from">起始日期</label>
              <input id="from" name="from" type="date" value={q.from ?? ''} />
            </div>
            <div>
              <label for="to">截止日期</label>
              <input id="to" name="to" type="date" value={q.to ?? ''} />
            </div>
            <div style="flex:0 0 auto">
              <button type="submit">筛选</button>
            </div>
          </form>
        </section>
        <section class="scroll">
          <Table
            rows={page.items}
            empty="没有记录。"
            columns={[
              { label: '日期', cell: (r) => r.date },
              { label: '企业', class: 'mono', cell: (r) => r.creditCode },
              { label: '版本', cell: (r) => `第 ${r.version} 版` },
              { label: '接收时间', class: 'mono', cell: (r) => r.receivedAt.replace('T', ' ').slice(0, 16) },
            ]}
          />
          <Pager next={page.next} path="/console/records" query={{ kind: q.kind, from: q.from, to: q.to }} />
        </section>
      </>,
    );
  });
}

const pick = (q: Record<string, string>, keys: string[]) => Object.fromEntries(keys.filter((k) => q[k]).map((k) => [k, q[k]]));
