/** @jsxImportSource hono/jsx */
/**
 * The console (控制台): web pages for department staff, supervisors and the public, rendered on
 * the server and working without client scripts. It is loaded on the first /console request (a
 * chunk of its own, so API cold starts do not pay for it) and calls the same core functions as
 * the API routes, so every scope check, masking rule and access log entry is the API's own.
 *
 * Sign-in exchanges a department API key for a session (functions/core/sessions.ts); the key is
 * read from the sign-in form's body only and never appears in a page or a URL. Every form that
 * changes something carries the session's form token and is refused without it.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Child } from 'hono/jsx';
import type { ClientLookup } from '../core/clients';
import { ProblemError, type FieldError } from '../core/errors';
import type { IngestRules } from '../core/ingest-rules';
import type { CreditConfig } from '../core/credit-rules';
import type { ApiClient } from '../core/model';
import type { Ports } from '../core/ports';
import { csrfToken, sameToken, SESSION_HOURS, sessionClient, signIn, signOut } from '../core/sessions';
import type { WebhookPolicy } from '../core/subscriptions';
import { InvalidCursor, STORE_RETRY_AFTER_SECONDS, StoreUnavailable } from '../core/store-errors';
import { Page, SCOPE_LABELS } from './layout';
import { registerDesk } from './desk';
import { registerEnterprise } from './enterprise';
import { registerPublic } from './public';
import { IMPORT_MAX_BYTES, registerEntry } from './entry';
import { registerCharts } from './charts';
import { registerStatistics } from './statistics';

export interface ConsoleOptions {
  lookup: ClientLookup;
  /** The environment marker API keys must carry; `local` when absent. */
  keyEnvironment?: string;
  /** Marks cookies Secure (HTTPS only): on AWS, not on the local http://127.0.0.1 runner. */
  secureCookies: boolean;
  webhooks: WebhookPolicy;
  ingest: IngestRules;
  credit: CreditConfig;
}

export type ConsoleEnv = { Variables: { client?: ApiClient; csrf?: string; session?: string } };
export type ConsoleContext = Context<ConsoleEnv>;
export interface ConsoleDeps extends ConsoleOptions {
  ports: Ports;
  /** Renders a page for the signed-in (or anonymous) user; one that shows work under way reloads itself every `refreshSeconds`. */
  render(c: ConsoleContext, title: string, body: Child, status?: number, refreshSeconds?: number): Response | Promise<Response>;
  /**
   * The 503 page when the table does not answer, saying `body`: with Retry-After, and for a GET
   * (safe to repeat) reloading itself after that time, so work shown under way goes on by itself.
   */
  storeUnavailable(c: ConsoleContext, body: Child): Response | Promise<Response>;
  /** Middleware: the page needs a signed-in user; forms posted to it need the session's form token. */
  signedIn: MiddlewareHandler<ConsoleEnv>;
  /** The signed-in client (after `signedIn`). */
  client(c: ConsoleContext): ApiClient;
  /** The posted form's fields as strings (files are read separately). */
  form(c: ConsoleContext): Promise<Record<string, string>>;
}

const SESSION_COOKIE = 'edx_session';
const LOGIN_COOKIE = 'edx_login';
const FORM_LIMIT = 64 * 1024;

const STATUS_TITLES: Record<number, string> = {
  400: '请求有误',
  401: '请先登录',
  403: '无权访问',
  404: '未找到',
  409: '操作冲突',
  413: '内容过大',
  415: '格式不支持',
  422: '填写有误',
  503: '服务暂不可用',
};

export function createConsole(ports: Ports, options: ConsoleOptions): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>().basePath('/console');
  const cookieBase = { path: '/console', httpOnly: true, secure: options.secureCookies, sameSite: 'Lax' as const };

  const render: ConsoleDeps['render'] = (c, title, body, status = 200, refreshSeconds) => {
    const page = Page({ title, client: c.get('client'), csrf: c.get('csrf'), children: body, refreshSeconds });
    // Pages show enterprise data: never cached by the browser or anything in between.
    c.header('cache-control', 'no-store');
    return c.html(`<!doctype html>${String(page)}`, status as 200);
  };
  const storeUnavailable: ConsoleDeps['storeUnavailable'] = (c, body) => {
    c.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
    return render(c, STATUS_TITLES[503], body, 503, c.req.method === 'GET' ? STORE_RETRY_AFTER_SECONDS : undefined);
  };

  app.use('*', async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const client = await sessionClient(ports, options.lookup, token);
    if (client && token) {
      c.set('client', client);
      c.set('session', token);
      c.set('csrf', csrfToken(token));
    }
    await next();
  });
  const tooLarge = (limit: number) => () => {
    throw new ProblemError(413, { type: 'payload-too-large', title: 'Payload too large', detail: `最多可提交 ${limit / 1024} KiB` });
  };
  const formLimit = bodyLimit({ maxSize: FORM_LIMIT, onError: tooLarge(FORM_LIMIT) });
  const importLimit = bodyLimit({ maxSize: IMPORT_MAX_BYTES + FORM_LIMIT, onError: tooLarge(IMPORT_MAX_BYTES) });
  app.use('*', (c, next) => (c.req.path === '/console/import' ? importLimit(c, next) : formLimit(c, next)));

  const form: ConsoleDeps['form'] = async (c) => {
    const body = await c.req.parseBody();
    return Object.fromEntries(Object.entries(body).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])));
  };

  const signedIn: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
    if (!c.get('client')) {
      if (c.req.method === 'GET') return c.redirect('/console/login', 303);
      throw new ProblemError(401, { type: 'unauthorized', title: 'Unauthorized', detail: '会话已过期，请重新登录' });
    }
    if (c.req.method === 'POST') {
      const fields = await form(c);
      if (!sameToken(fields._csrf, c.get('csrf') ?? '')) throw new ProblemError(403, { type: 'forbidden', title: 'Forbidden', detail: '表单校验码缺失或不符：请从本站页面重新提交' });
    }
    await next();
  };
  const client: ConsoleDeps['client'] = (c) => {
    const found = c.get('client');
    if (!found) throw new ProblemError(401, { type: 'unauthorized', title: 'Unauthorized', detail: '请先登录' });
    return found;
  };

  app.onError((caught, c) => {
    const err = caught instanceof InvalidCursor ? new ProblemError(400, { type: 'invalid-cursor', title: 'Bad request', detail: '翻页参数无效，请从第一页重新开始' }) : caught;
    if (err instanceof StoreUnavailable) return storeUnavailable(c, <p>数据存储暂时无法访问，请稍后重试。</p>);
    if (err instanceof ProblemError) {
      const problem = err.toProblem(c.req.path);
      if (problem.status === 401 && c.req.method === 'GET') return c.redirect('/console/login', 303);
      return render(
        c,
        STATUS_TITLES[problem.status] ?? '出错了',
        <div class="box-err">
          <p>{problem.detail}</p>
          {problem.errors?.length ? (
            <ul>
              {problem.errors.map((e) => (
                <li>
                  <code>{e.path}</code>：{e.message}
                </li>
              ))}
            </ul>
          ) : null}
          <p>
            <a href="/console">返回首页</a>
          </p>
        </div>,
        problem.status,
      );
    }
    console.log(JSON.stringify({ level: 'error', message: err.message, stack: err.stack, path: c.req.path }));
    return render(c, '出错了', <p class="box-err">服务出现内部错误，请稍后重试。</p>, 500);
  });

  const loginPage = (c: ConsoleContext, error?: string, status = 200) => {
    const nonce = ports.ids.random(16);
    setCookie(c, LOGIN_COOKIE, nonce, { ...cookieBase, path: '/console/login', sameSite: 'Strict', maxAge: 3600 });
    return render(
      c,
      '部门登录',
      <section>
        {error ? (
          <p class="box-err" role="alert">
            {error}
          </p>
        ) : null}
        <form method="post" action="/console/login" autocomplete="off">
          <input type="hidden" name="_csrf" value={nonce} />
          <label for="apiKey">部门接入密钥（API key）</label>
          <input id="apiKey" name="apiKey" type="password" required autocomplete="off" spellcheck={false} />
          <p class="muted">密钥只用于换取会话（{SESSION_HOURS} 小时内有效），不会保存在浏览器中。</p>
          <button type="submit">登录</button>
        </form>
      </section>,
      status,
    );
  };

  app.get('/login', (c) => (c.get('client') ? c.redirect('/console', 303) : loginPage(c)));
  app.post('/login', async (c) => {
    const fields = await form(c);
    // Login CSRF: the form's nonce must match the cookie set with the form (double submit).
    if (!sameToken(fields._csrf, getCookie(c, LOGIN_COOKIE) ?? '')) return loginPage(c, '登录表单已失效，请重新输入密钥。', 403);
    try {
      const { token } = await signIn(ports, options.lookup, fields.apiKey ?? '', options.keyEnvironment);
      deleteCookie(c, LOGIN_COOKIE, { path: '/console/login', secure: options.secureCookies });
      setCookie(c, SESSION_COOKIE, token, { ...cookieBase, maxAge: SESSION_HOURS * 3600 });
      return c.redirect('/console', 303);
    } catch (e) {
      if (e instanceof ProblemError && (e.status === 401 || e.status === 400)) return loginPage(c, '密钥无效或已被吊销。', 401);
      throw e;
    }
  });
  app.post('/logout', signedIn, async (c) => {
    await signOut(ports, c.get('session'));
    deleteCookie(c, SESSION_COOKIE, { path: '/console', secure: options.secureCookies });
    return c.redirect('/console/public', 303);
  });

  app.get('/', (c) => {
    const me = c.get('client');
    if (!me) return c.redirect('/console/public', 303);
    return render(
      c,
      '工作台',
      <section>
        <dl>
          <dt>接入系统</dt>
          <dd>{me.name}</dd>
          <dt>部门</dt>
          <dd>{me.department}</dd>
          <dt>权限</dt>
          <dd>
            {me.scopes.map((s) => (
              <span class="tag">{SCOPE_LABELS[s]}</span>
            ))}
          </dd>
        </dl>
      </section>,
    );
  });

  const deps: ConsoleDeps = { ...options, ports, render, storeUnavailable, signedIn, client, form };
  registerEnterprise(app, deps);
  registerDesk(app, deps);
  registerPublic(app, deps);
  registerEntry(app, deps);
  registerCharts(app, deps);
  registerStatistics(app, deps);
  return app;
}

/** Field errors of a problem, for showing next to their fields. */
export const problemErrors = (e: unknown): FieldError[] | undefined => (e instanceof ProblemError && (e.status === 400 || e.status === 422) ? (e.toProblem('').errors ?? []) : undefined);
