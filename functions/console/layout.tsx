/** @jsxImportSource hono/jsx */
/**
 * The console's page frame: one small inline stylesheet (the page's CSP allows inline styles and
 * nothing from elsewhere), a navigation that shows only what the signed-in key's scopes allow,
 * and the small parts every page uses (pager, field errors, hidden form token).
 */
import type { Child } from 'hono/jsx';
import type { FieldError } from '../core/errors';
import { WRITE_SCOPES, type ApiClient, type Scope } from '../core/model';
import { chineseMessage } from './messages';

const STYLE = `*{box-sizing:border-box}body{margin:0;font:15px/1.55 system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#f6f7f9}
header{background:#0b4f8a;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}header a{color:#fff}header b{font-size:1.05rem}
nav{display:flex;flex-wrap:wrap;gap:.25rem .75rem;font-size:14px}nav a{text-decoration:none}nav a:hover{text-decoration:underline}
main{max-width:68rem;margin:0 auto;padding:1rem}h1{font-size:1.35rem;margin:.25rem 0 1rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
section,.card{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{border-bottom:1px solid #e4e7eb;padding:.35rem .4rem;text-align:left;vertical-align:top}th{background:#f0f2f5;font-weight:600}
.scroll{overflow-x:auto}label{display:block;margin:.4rem 0 .15rem;font-weight:600}input,select,textarea{font:inherit;padding:.35rem .45rem;border:1px solid #b8c0ca;border-radius:4px;max-width:100%}
input[type=text],input[type=password],input[type=date],input[type=url],input:not([type]),select,textarea{width:100%}button{font:inherit;padding:.35rem .9rem;border:0;border-radius:4px;background:#0b6bcb;color:#fff;cursor:pointer}
button.secondary{background:#5b6673}form.inline{display:inline}.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}.row>*{flex:1 1 12rem}
.err{color:#b42318;font-size:13px;margin:.15rem 0}.box-err{border-left:4px solid #b42318;background:#fff5f4;padding:.5rem .75rem;margin-bottom:1rem}.box-ok{border-left:4px solid #18794e;background:#f0fbf4;padding:.5rem .75rem;margin-bottom:1rem}
.muted{color:#5b6673;font-size:13px}.tag{display:inline-block;padding:0 .4rem;border-radius:3px;background:#e8eef6;font-size:12px;margin-right:.25rem}.warn{background:#fdecc8}.bad{background:#fbd5d0}.good{background:#d3f3df}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;word-break:break-all}.pager{margin:.75rem 0}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}dt{color:#5b6673}dd{margin:0}
svg{max-width:100%;height:auto}@media(max-width:40rem){main{padding:.5rem}th,td{padding:.3rem .25rem}dl{grid-template-columns:1fr}dt{margin-top:.3rem}}`;

const WRITE = Object.values(WRITE_SCOPES);

/** What the navigation offers, and the scope (any of) each needs; none named: every signed-in key. */
const NAV: { href: string; label: string; any?: Scope[] }[] = [
  { href: '/console/enterprises', label: '企业查询', any: ['profiles:read'] },
  { href: '/console/inbox', label: '收件箱', any: ['inbox:read'] },
  { href: '/console/claims', label: '认领池', any: ['notices:claim'] },
  { href: '/console/overdue', label: '逾期未签收', any: ['notifications:oversee'] },
  { href: '/console/deliveries', label: '推送失败', any: ['inbox:act'] },
  { href: '/console/subscriptions', label: '订阅', any: ['subscriptions:manage'] },
  { href: '/console/entry', label: '在线填报', any: WRITE },
  { href: '/console/import', label: '批量导入', any: WRITE },
  { href: '/console/records', label: '本部门数据', any: ['profiles:read', ...WRITE] },
  { href: '/console/statistics', label: '统计' },
  { href: '/console/charts', label: '图表', any: ['profiles:read', 'notifications:oversee', 'cover:read'] },
];

export const canSee = (client: ApiClient, any: readonly Scope[]) => any.some((s) => client.scopes.includes(s));

export function Page(props: { title: string; client?: ApiClient; csrf?: string; children?: Child; refreshSeconds?: number }) {
  const { client } = props;
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{props.title} · 涉企信息共享平台</title>
        {props.refreshSeconds ? <meta http-equiv="refresh" content={String(props.refreshSeconds)} /> : null}
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <header>
          <b>
            <a href={client ? '/console' : '/console/public'} style="text-decoration:none">
              涉企信息共享平台
            </a>
          </b>
          <nav aria-label="主导航">
            {client ? NAV.filter((n) => !n.any || canSee(client, n.any)).map((n) => <a href={n.href}>{n.label}</a>) : null}
            <a href="/console/public">公开信息</a>
          </nav>
          {client ? (
            <form class="inline" method="post" action="/console/logout" style="margin-left:auto">
              <span class="muted" style="color:#dbe7f3">
                {client.name}（{client.department}）
              </span>{' '}
              <Csrf token={props.csrf} />
              <button class="secondary" type="submit">
                退出
              </button>
            </form>
          ) : (
            <a href="/console/login" style="margin-left:auto">
              部门登录
            </a>
          )}
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

export const Csrf = (props: { token?: string }) => (props.token ? <input type="hidden" name="_csrf" value={props.token} /> : null);

/** The errors of one field, shown next to it in Chinese. */
export function FieldErrors(props: { errors?: FieldError[]; path: string }) {
  const mine = (props.errors ?? []).filter((e) => e.path === props.path || e.path.startsWith(`${props.path}/`));
  return (
    <>
      {mine.map((e) => (
        <p class="err" role="alert">
          {e.path === props.path ? '' : `${e.path.slice(props.path.length + 1)}：`}
          {chineseMessage(e)}
        </p>
      ))}
    </>
  );
}

/** One column of a `Table`: its heading and what a row shows in it. */
export interface Column<T> {
  label: string;
  cell: (row: T) => Child;
  class?: string;
}

/** A listing as a table: a heading per column, a row per item (its `id` from `rowId`), a line when there are none. */
export function Table<T>(props: { columns: (Column<T> | false)[]; rows: T[]; empty?: string; rowId?: (row: T) => string }) {
  const columns = props.columns.filter((c): c is Column<T> => c !== false);
  return (
    <>
      {props.rows.length === 0 && props.empty ? <p class="muted">{props.empty}</p> : null}
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th>{c.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr id={props.rowId?.(row)}>
              {columns.map((c) => (
                <td class={c.class}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** A form that looks something up by one field (GET): its label, the field, and a button. */
export const LookupForm = (props: { action: string; for: string; label: string; children: Child }) => (
  <form method="get" action={props.action} class="row">
    <div>
      <label for={props.for}>{props.label}</label>
      {props.children}
    </div>
    <div style="flex:0 0 auto">
      <button type="submit">查看</button>
    </div>
  </form>
);

/** A link to the next page of a listing, keeping the other query parameters. */
export function Pager(props: { next?: string; path: string; query?: Record<string, string | undefined>; param?: string }) {
  if (!props.next) return <p class="pager muted">已是最后一页</p>;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(props.query ?? {})) if (v !== undefined && v !== '') q.set(k, v);
  q.set(props.param ?? 'cursor', props.next);
  return (
    <p class="pager">
      <a href={`${props.path}?${q}`}>下一页 →</a>
    </p>
  );
}

export const SCOPE_LABELS: Record<Scope, string> = {
  'records:write:registration': '报送登记注册',
  'records:write:licence': '报送行政许可',
  'records:write:filing': '报送备案',
  'records:write:inspection': '报送检查',
  'records:write:penalty': '报送行政处罚',
  'profiles:read': '查阅企业画像',
  'personal:read': '查看个人信息（不打码）',
  'audit:read': '查阅查询日志',
  'subscriptions:manage': '管理订阅',
  'inbox:read': '查看收件箱',
  'inbox:act': '签收、反馈与重投',
  'notifications:oversee': '督办逾期通知',
  'inspections:plan': '双随机抽查计划',
  'calendar:manage': '维护节假日',
  'credit:read': '信用查询',
  'credit:write': '信用名单管理',
  'catalogue:admin': '维护许可事项清单',
  'notices:claim': '认领双告知',
  'cover:read': '查看许可覆盖',
};
