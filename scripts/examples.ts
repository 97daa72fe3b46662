/**
 * Records examples of the OpenAPI document from the real API: walks an integrator's day through a
 * running exchange (`npm start`, with its demo departments) and keeps the first successful answer
 * of every operation (its lists cut to two entries), and the body it sent where the route table
 * has no example of its own. The document attaches them
 * to the responses (schemas/openapi.ts); test/unit/recorded-examples.test.ts parses each with its
 * route's response schema, so a schema change that the examples no longer meet fails there.
 *
 *   npm start                     # in one terminal
 *   npm run examples [-- <base>]  # in another; base defaults to http://127.0.0.1:3000
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ROUTES, type Route, type RouteId } from '../schemas/api';
import { calendarExample, listingExample, planExample, recordExamples, removalExample, reportExample, subscriptionExample } from '../schemas/examples';
import { ENTERPRISES, licence, makeCreditCode, penalty, registration } from '../local/samples';
import { RECORDED_EXAMPLES_FILE } from '../schemas/recorded-examples';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
if (!/^https?:\/\//.test(base)) {
  console.error('usage: npm run examples [-- <base URL of a running exchange with the demo data, default http://127.0.0.1:3000>]');
  process.exit(2);
}
const credentials = JSON.parse(readFileSync('.data/demo-credentials.json', 'utf8')) as { department: string; apiKey: string }[];
const keyOf = (department: string) => credentials.find((c) => c.department === department)?.apiKey ?? '';

type Json = Record<string, unknown>;
const taken: Partial<Record<RouteId, unknown>> = {};
const sent: Partial<Record<RouteId, unknown>> = {};
const failed: string[] = [];

/** Lists longer than two entries are cut to two: an example shows the shape, not the data. */
const trim = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.slice(0, 2).map(trim)
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, trim(x)]))
      : typeof v === 'string' && v.startsWith('whsec_')
        ? EXAMPLE_SECRET
        : typeof v === 'string'
          ? v.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'https://hooks.example.gov.cn')
          : v;
/** The signing secrets shown once in subscription answers are replaced (a document is no place for one), and the demo receiver's loopback address by a department's public one. */
const EXAMPLE_SECRET = `whsec_${Buffer.from('example secret, never used to sign').toString('base64')}`;

interface CallOptions {
  as?: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  purpose?: boolean;
  /** Ask again on 404 for a few seconds: what fan-out makes appears a moment after the post. */
  waitFor?: boolean;
}

async function call(op: RouteId, opts: CallOptions = {}): Promise<Json | undefined> {
  const route: Route = ROUTES[op];
  let path: string = route.path;
  for (const [k, v] of Object.entries(opts.params ?? {})) path = path.replace(`{${k}}`, encodeURIComponent(v));
  const url = new URL(path, base);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (opts.as) headers.authorization = `Bearer ${keyOf(opts.as)}`;
  if (opts.purpose) headers['access-purpose'] = 'api-documentation';
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const send = () => fetch(url, { method: route.method.toUpperCase(), headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  let res = await send();
  for (let i = 0; opts.waitFor && res.status === 404 && i < 30; i++) {
    await new Promise((r) => setTimeout(r, 500));
    res = await send();
  }
  const text = await res.text();
  if (res.status >= 300) {
    failed.push(`${op}: ${res.status} ${text.slice(0, 300)}`);
    console.log(`  ${op} ${res.status}`);
    return undefined;
  }
  if (!text) return {};
  const body = JSON.parse(text) as Json;
  taken[op] ??= trim(body);
  if (opts.body !== undefined && !route.examples) sent[op] ??= opts.body;
  console.log(`  ${op} ${res.status}`);
  return body;
}

const items = (page: Json | undefined) => (page?.items ?? []) as Json[];
const restaurant = ENTERPRISES.restaurant.creditCode;
const examples = recordExamples();
const chinaToday = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const inDays = (date: string, days: number) => new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);
// A fresh enterprise per run, so records, proposals and commitments are made anew.
const fresh = makeCreditCode(
  '91',
  '330402',
  `MA2X${Date.now()
    .toString(36)
    .toUpperCase()
    .replace(/[IOSVZ]/g, 'A')
    .slice(-4)}`,
);

console.log(`recording response examples from ${base}`);
await call('me', { as: 'market' });
const posted = await call('postRecord', { as: 'market', body: examples.licence });
await call('postRecordBatch', { as: 'market', body: { records: [registration(fresh, `DJ-${fresh}`), licence(fresh, `XK-${fresh}`)] } });
await call('getRecord', { as: 'market', params: { id: String(posted?.id) }, purpose: true });
await call('getProfile', { as: 'market', params: { creditCode: restaurant }, purpose: true });
await call('getHistory', { as: 'market', params: { creditCode: restaurant }, purpose: true });
await call('listPosted', { as: 'market', query: { kind: 'licence' } });
await call('compareEnterprises', { as: 'credit', body: { creditCodes: [restaurant, ENTERPRISES.haulier.creditCode, fresh] }, purpose: true });
await call('searchEnterprises', { as: 'market', query: { name: '嘉兴市南湖区', limit: '2' }, purpose: true });
await call('findParty', { as: 'market', body: { idDocument: examples.registration.data.legalRepresentative.idDocument }, purpose: true });
await call('getAccessLog', { as: 'supervision', params: { creditCode: restaurant }, purpose: true });

const range = (date: string) => ({ from: date, to: inDays(date, 30) });
await call('exportStandard', { as: 'credit', params: { kind: 'licence' }, query: range(examples.licence.data.decisionDate), purpose: true });
await call('publicLicences', { query: range(examples.licence.data.decisionDate) });
await call('publicPenalties', { query: range(examples.penalty.data.decisionDate) });
await call('publicInspections', { query: range(examples.inspection.data.date) });

const subscription = await call('createSubscription', { as: 'health', body: { ...subscriptionExample(), filters: { creditCodes: [fresh] } } });
const subId = String(subscription?.id);
await call('listSubscriptions', { as: 'health' });
await call('getSubscription', { as: 'health', params: { id: subId } });
await call('updateSubscription', { as: 'health', params: { id: subId }, body: { status: 'paused' } });
await call('rotateSecret', { as: 'health', params: { id: subId }, body: { overlapHours: 12 } });
await call('retirePreviousSecret', { as: 'health', params: { id: subId } });
await call('deleteSubscription', { as: 'health', params: { id: subId } });

const inbox = items(await call('listInbox', { as: 'health', query: { open: 'true' } }));
if (inbox[0]) {
  await call('getNotification', { as: 'health', params: { id: String(inbox[0].id) } });
  await call('acknowledge', { as: 'health', params: { id: String(inbox[0].id) } });
}
const recordNotice = inbox.find((n) => String((n.event as Json | undefined)?.type).startsWith('cn.edx.record.'));
if (recordNotice) await call('giveFeedback', { as: 'health', params: { id: String(recordNotice.id) }, body: { outcome: 'taken-into-supervision', comment: '已纳入日常监管名单' } });
await call('redrive', { as: 'health' });
await call('listOverdue', { as: 'supervision' });

await call('getCatalogue', { query: { asOf: chinaToday } });
const item = await call('getCatalogueItem', { params: { code: 'ZJ-SC-FOOD-01' } });
await call('getQuota', { params: { code: 'ZJ-JT-TAXI-01' } });
const latest = ((item?.versions ?? []) as Json[]).at(-1);
if (latest)
  await call('addCatalogueVersion', {
    as: 'market',
    params: { code: 'ZJ-SC-FOOD-01' },
    body: { version: { ...latest, effectiveFrom: inDays(chinaToday, 365 + (Date.now() % 1000)) }, note: '按新版清单调整监管措施' },
  });
await call('getCatalogueChanges');
await call('listUnmatchedPhrases', { as: 'market' });
// An employment agency's registration: its 许可项目 goes to a department with no place on the exchange, so to the claim pool.
const agency = makeCreditCode('91', '330402', `MA2Y${fresh.slice(12, 16)}`);
await call('postRecord', {
  as: 'market',
  body: registration(agency, `DJ-${agency}`, { name: '嘉兴市南湖区才聚人力资源有限公司', businessScope: { licensed: ['职业中介活动'], general: ['人力资源服务（不含职业中介活动、劳务派遣服务）'] } }),
});
let pool: Json[] = [];
for (let i = 0; i < 30 && !pool.some((n) => (n.event as Json).subject === agency); i++) {
  await new Promise((r) => setTimeout(r, 500));
  pool = items((await fetch(new URL('/v1/claims?limit=100', base), { headers: { authorization: `Bearer ${keyOf('market')}` } }).then((r) => r.json())) as Json);
}
await call('listClaimPool', { as: 'market' });
pool = pool.filter((n) => (n.event as Json).subject === agency);
// The market department passes on the notice; the supervision platform claims it.
if (pool[0]) await call('passNotice', { as: 'market', params: { id: String(pool[0].id) } });
if (pool[0]) await call('claimNotice', { as: 'supervision', params: { id: String(pool[0].id) } });
await call('listUncovered', { as: 'supervision', query: { region: '330402', days: '0' } });

await call('putCalendarYear', { as: 'supervision', params: { year: '2026' }, body: calendarExample() });
await call('getCalendar');
const plan = await call('createPlan', { as: 'market', body: { ...planExample(), inspectBy: inDays(chinaToday, 40) } });
const planId = String(plan?.id);
await call('getPlan', { as: 'market', params: { id: planId } });
await call('fixPlan', { as: 'market', params: { id: planId } });
await call('drawPlan', { as: 'market', params: { id: planId } });
await call('listPlanTasks', { as: 'market', params: { id: planId } });
await call('listPublicPlans', { query: { department: 'market' } });
await call('getPublicPlan', { params: { id: planId } });
await call('listPublicTasks', { params: { id: planId } });

// Credit: a listing and its removal, the feed, the check, a report; a proposal from a heavy penalty; a commitment.
await call('addListEntry', {
  as: 'credit',
  params: { list: 'abnormal' },
  body: {
    ...listingExample(),
    sourceId: `LR-${fresh}`,
    creditCode: fresh,
    reason: '通过登记的住所或者经营场所无法联系',
    legalBasis: '《市场主体登记管理条例》',
    decisionNumber: `南市监异〔2026〕${fresh.slice(-4)}号`,
    decisionDate: chinaToday,
  },
});
await call('getList', { as: 'credit', params: { list: 'abnormal' } });
await call('getListChanges', { as: 'credit', params: { list: 'abnormal' } });
await call('getPublicList', { params: { list: 'abnormal' } });
await call('getPublicListHistory', { params: { list: 'abnormal', creditCode: fresh } });
await call('creditCheck', { as: 'market', params: { creditCode: fresh }, query: { item: 'ZJ-WJ-PLACE-01' }, purpose: true });
await call('removeListEntry', { as: 'credit', params: { list: 'abnormal', creditCode: fresh }, body: { ...removalExample(), date: chinaToday } });
await call('reportMeasure', { as: 'market', body: { ...reportExample(), creditCode: fresh } });
await call('listReports', { as: 'credit', query: { month: chinaToday.slice(0, 7) } });
await call('listRisk', { as: 'market', query: { region: '330402', class: 'B' } });

const granted = await call('postRecord', {
  as: 'market',
  body: licence(fresh, `XK-C-${fresh}`, { catalogueItemCode: 'ZJ-WJ-PLACE-01', grantMode: 'commitment', decisionDate: chinaToday, validFrom: chinaToday, certificateName: '公共场所卫生许可证' }),
});
await call('getCommitment', { as: 'market', params: { id: String(granted?.id) }, waitFor: true });
await call('getPublicCommitment', { params: { id: String(granted?.id) } });
await call('postRecord', { as: 'market', body: penalty(fresh, `CF-${fresh}`, { fineFen: 20_000_000, decisionDate: chinaToday, publicUntil: inDays(chinaToday, 3 * 365) }) });
// Fan-out turns the heavy fine (at least 10万元) into a listing proposal in the credit department's inbox.
let proposalId: string | undefined;
for (let i = 0; i < 30 && !proposalId; i++) {
  await new Promise((r) => setTimeout(r, 500));
  const page = (await fetch(new URL('/v1/inbox?open=true&limit=100', base), { headers: { authorization: `Bearer ${keyOf('credit')}` } }).then((r) => r.json())) as Json;
  const event = items(page)
    .map((n) => n.event as Json)
    .find((e) => e?.type === 'cn.edx.credit.proposal' && e.subject === fresh);
  proposalId = (event?.data as Json | undefined)?.proposalId as string | undefined;
}
if (proposalId) {
  await call('getProposal', { as: 'credit', params: { id: proposalId } });
  await call('rejectProposal', { as: 'credit', params: { id: proposalId }, body: { reason: '处罚已由上级机关撤销，不符合列入条件' } });
} else failed.push('no listing proposal arrived for the heavy penalty');

// 问题数据: a licence about an enterprise the exchange holds no registration of comes back to its poster as a problem item.
const unregistered = makeCreditCode('91', '330402', `MA2W${fresh.slice(12, 16)}`);
const unchecked = await call('postRecord', { as: 'market', body: licence(unregistered, `XK-U-${unregistered}`) });
let problem: Json | undefined;
for (let i = 0; i < 30 && !problem; i++) {
  await new Promise((r) => setTimeout(r, 500));
  const page = (await fetch(new URL('/v1/problem-data?limit=100', base), { headers: { authorization: `Bearer ${keyOf('market')}` } }).then((r) => r.json())) as Json;
  problem = items(page).find((p) => p.recordId === unchecked?.id);
}
await call('listProblemData', { as: 'market', query: { kind: 'unknown-enterprise', limit: '2' } });
if (problem) {
  await call('getProblemData', { as: 'market', params: { id: String(problem.id) } });
  await call('explainProblemData', { as: 'market', params: { id: String(problem.id) }, body: { reason: '该企业由外省迁入，登记信息尚未推送至本平台，许可依法作出' } });
} else failed.push('no problem item arrived for the licence of an unregistered enterprise');

const quarter = `${chinaToday.slice(0, 4)}Q${Math.floor((Number(chinaToday.slice(5, 7)) - 1) / 3) + 1}`;
await call('getStatistics', { as: 'market', query: { quarter } });
await call('listStatistics', { as: 'supervision', query: { quarter } });

writeFileSync(RECORDED_EXAMPLES_FILE, JSON.stringify({ requests: sent, responses: taken }, null, 2) + '\n');
const missing = (Object.keys(ROUTES) as RouteId[]).filter((op) => !(op in taken));
console.log(`wrote ${Object.keys(sent).length} request and ${Object.keys(taken).length} response examples to ${RECORDED_EXAMPLES_FILE}; none for ${missing.join(', ') || 'no operation'}`);
for (const f of failed) console.log(`failed: ${f}`);
