/**
 * `npm run bench` (bundle part): each Lambda's cold start next to a bare Hono + DynamoDB document
 * client + zod handler (bench/baseline/handler.ts) built by the same script in the same run.
 *
 * A cold start is timed as Lambda pays it, in a fresh `node` per run: importing the bundle, then
 * for the api and the baseline the first request (a 1 KB licence posted to `POST /v1/records`, an
 * item to the baseline's `POST /items`, both written to DynamoDB Local), less the median of the
 * same request made warm in the same process, so that what is measured is the cost of being cold
 * (loading and compiling code, lazy chunks, first use of the SDK) and not the work of a request.
 * The size is what those processes actually loaded before the first answer (every module file,
 * recorded by a loader hook), next to what scripts/build.ts counts for the budget. The other
 * functions are timed on import alone (their first event is not simulated). Baseline and
 * function runs are interleaved so that load on the machine hits both alike; medians printed.
 * BENCH_IMPORT_RUNS sets the runs per bundle (default 9). Prints a table; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { buildEntry, buildFunctions } from '../scripts/build';
import { createClient } from '../functions/core/clients';
import { seedCatalogue } from '../functions/core/catalogue-seed';
import { runtimePorts } from '../functions/runtime';
import { makeCreditCode } from '../local/samples';
import { ensureTable, startLocalServices, useLocalCredentials } from '../local/services';
import { licenceOf1KB } from './common';

const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 9);
if (!Number.isSafeInteger(RUNS) || RUNS < 1) {
  console.error('usage: BENCH_IMPORT_RUNS=<runs per bundle, at least 1> npx tsx bench/bundle.ts');
  process.exit(2);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
/** Warm requests after the first, whose median is taken off the first. */
const WARM_REQUESTS = 5;
const TABLE = 'bench-cold';
const ENVIRONMENT = 'bench';

useLocalCredentials();
const services = await startLocalServices();
const dir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
try {
  // What a function needs in its environment to start; both handlers reach DynamoDB Local (the
  // baseline through the SDK's endpoint variable, as it names no endpoint itself).
  const ENV = {
    ...process.env,
    TABLE_NAME: TABLE,
    DYNAMODB_ENDPOINT: services.dynamodbEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: services.dynamodbEndpoint,
    DELIVERY_QUEUE_URL: 'http://127.0.0.1:1/queue',
    CURSOR_KEY: 'bench-cursor-key-of-at-least-32-characters',
    CONTENT_HASH_KEY: 'bench-content-hash-key-of-32-characters',
    EXCHANGE_ENV: ENVIRONMENT,
    CLIENT_RATE_LIMIT_PER_SECOND: '100000',
  };
  await ensureTable(services.dynamodbEndpoint, TABLE);
  const ports = runtimePorts({ table: TABLE, dynamodbEndpoint: services.dynamodbEndpoint });
  await seedCatalogue(ports);
  const { apiKey } = await createClient(ports, { department: 'market', name: 'bench cold start', scopes: ['records:write:licence'] }, ENVIRONMENT);

  // The probe a fresh node runs: imports the bundle, answers the first event and the warm ones, and
  // reports the times and every module file loaded before the first answer.
  const probe = join(dir, 'probe.mjs');
  writeFileSync(
    probe,
    `import { registerHooks } from 'node:module';
import { statSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const loaded = new Set();
registerHooks({ load(url, context, next) { if (url.startsWith('file:')) loaded.add(url); return next(url, context); } });
const [file, eventsFile] = process.argv.slice(2);
const events = eventsFile ? JSON.parse(readFileSync(eventsFile, 'utf8')) : [];
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10000 };
const t0 = performance.now();
const mod = await import(file);
const t1 = performance.now();
let first = 0, status = 0, bytes = 0;
const warm = [];
if (events.length) {
  const res = await mod.handler(events[0], context);
  first = performance.now() - t1;
  status = res.statusCode;
  for (const u of loaded) if (u !== import.meta.url) bytes += statSync(fileURLToPath(u)).size;
  for (const e of events.slice(1)) { const t = performance.now(); const r = await mod.handler(e, context); warm.push(performance.now() - t); if (r.statusCode !== status) status = r.statusCode; }
}
warm.sort((a, b) => a - b);
console.log(JSON.stringify({ importMs: t1 - t0, firstMs: first, warmMs: warm[Math.floor(warm.length / 2)] ?? 0, status, bytes }));
`,
  );

  const event = (method: string, path: string, body: unknown, headers: Record<string, string>, id: string) => ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.gov.cn', 'x-forwarded-proto': 'https', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'api.example.gov.cn',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'bench' },
      requestId: id,
      routeKey: '$default',
      stage: '$default',
      time: '27/Nov/2026:02:00:00 +0000',
      timeEpoch: 1_795_744_800_000,
    },
  });
  /** The first request and the warm ones of one cold run, each writing a new item. */
  const eventsFor = (name: string, run: number) => {
    const file = join(dir, `events-${name}-${run}.json`);
    const list = Array.from({ length: 1 + WARM_REQUESTS }, (_, i) =>
      name === 'baseline'
        ? event('POST', '/items', { id: `cold-${run}-${i}`, name: '嘉兴市南湖区基准测试企业有限公司', tags: ['bench'] }, {}, `b${run}-${i}`)
        : event(
            'POST',
            '/v1/records',
            licenceOf1KB(makeCreditCode('91', '330402', `MA2K${String(run).padStart(2, '0')}${String(i).padStart(2, '0')}`), `XK-cold-${run}-${i}`),
            { authorization: `Bearer ${apiKey}` },
            `a${run}-${i}`,
          ),
    );
    writeFileSync(file, JSON.stringify(list));
    return file;
  };

  interface Probe {
    importMs: number;
    firstMs: number;
    warmMs: number;
    status: number;
    bytes: number;
  }
  const coldRun = (file: string, eventsFile?: string): Probe => {
    const r = spawnSync(process.execPath, [probe, pathToFileURL(file).href, ...(eventsFile ? [eventsFile] : [])], { env: ENV, encoding: 'utf8' });
    const line = r.stdout.trim().split('\n').at(-1) ?? '';
    if (r.status !== 0 || !line.startsWith('{')) throw new Error(`cold run of ${file} failed: ${r.stderr}`);
    const p = JSON.parse(line) as Probe;
    if (eventsFile && p.status !== 201) throw new Error(`cold run of ${file}: the request answered ${p.status}`);
    return p;
  };

  console.log('building the functions and the baseline handler ...');
  const [built, baseline] = await Promise.all([buildFunctions(join(dir, 'dist')), buildEntry('bench/baseline/handler.ts', join(dir, 'baseline'))]);
  const withRequest = new Set(['baseline', 'api']);
  const runs = new Map<string, Probe[]>([['baseline', []], ...Object.keys(built).map((n) => [n, []] as [string, Probe[]])]);
  for (let run = 1; run <= RUNS; run++) {
    process.stderr.write(`\r  cold starts: run ${run} of ${RUNS}`);
    for (const [name, list] of runs) {
      const file = name === 'baseline' ? baseline.file : built[name as keyof typeof built].file;
      list.push(coldRun(file, withRequest.has(name) ? eventsFor(name, run) : undefined));
    }
  }
  process.stderr.write('\n');
  const stat = (name: string) => {
    const list = runs.get(name) ?? [];
    return {
      importMs: median(list.map((p) => p.importMs)),
      coldMs: median(list.map((p) => p.importMs + p.firstMs - p.warmMs)),
      warmMs: median(list.map((p) => p.warmMs)),
      bytes: median(list.map((p) => p.bytes)),
    };
  };
  const base = stat('baseline');
  const row = (...cells: string[]) =>
    console.log(
      `${cells[0].padEnd(10)} ${cells[1].padStart(9)} ${cells[2].padStart(6)} ${cells[3].padStart(10)} ${cells[4].padStart(6)} ${cells[5].padStart(12)} ${cells[6].padStart(6)}  ${cells[7]}`,
    );
  console.log(`\ncold start against the baseline (median of ${RUNS} fresh node processes)`);
  console.log('  size: what the process loaded before its first answer (import only: the entry and its static imports)');
  console.log('  cold start: import + first request - the same request warm (the warm request itself is in the last column)');
  row('bundle', 'size', '× base', 'import', '× base', 'cold start', '× base', 'loaded later (lazy chunks, data files read on first use); warm request');
  row(
    'baseline',
    kb(base.bytes),
    '1.00',
    `${base.importMs.toFixed(1)} ms`,
    '1.00',
    `${base.coldMs.toFixed(1)} ms`,
    '1.00',
    `bare Hono + DynamoDB document client + zod handler, POST /items; warm ${base.warmMs.toFixed(1)} ms`,
  );
  for (const [name, b] of Object.entries(built)) {
    const t = stat(name);
    const size = withRequest.has(name) ? t.bytes : b.bytes;
    const later = [...b.lazy, ...b.data].reduce((n, f) => n + f.bytes, 0);
    row(
      name,
      kb(size),
      (size / base.bytes).toFixed(2),
      `${t.importMs.toFixed(1)} ms`,
      (t.importMs / base.importMs).toFixed(2),
      withRequest.has(name) ? `${t.coldMs.toFixed(1)} ms` : '-',
      withRequest.has(name) ? (t.coldMs / base.coldMs).toFixed(2) : '-',
      `${kb(later)} in ${b.lazy.length} chunks and ${b.data.length} data files${withRequest.has(name) ? `; POST /v1/records, warm ${t.warmMs.toFixed(1)} ms; entry alone ${kb(b.entryBytes)} (${(b.entryBytes / base.bytes).toFixed(2)}×), budgeted ${kb(b.bytes)}` : ' (import only)'}`,
    );
  }
  console.log('targets: the api ≤ 1.15× the baseline in size and ≤ 1.1× in cold start\n');
  const apiCold = stat('api').importMs;

  // What a logger and EMF metrics cost a function: the project's own (functions/telemetry.ts, in
  // every bundle above) next to Powertools' Logger and Metrics, each bundled alone as a function would.
  writeFileSync(join(dir, 'empty.mjs'), 'export const handler = async () => ({});\n');
  const empty = median(Array.from({ length: RUNS }, () => coldRun(join(dir, 'empty.mjs')).importMs));
  const probes = {
    'own logger + EMF (functions/telemetry.ts)': `import { createLogger, emfLine } from ${JSON.stringify(resolve('functions/telemetry.ts'))};\nexport const handler = async () => { createLogger({}).info('x'); return emfLine([], {}, [[]]); };\n`,
    'Powertools Logger + Metrics 2.36': `import { Logger } from '@aws-lambda-powertools/logger';\nimport { Metrics } from '@aws-lambda-powertools/metrics';\nconst logger = new Logger({ serviceName: 'edx' });\nconst metrics = new Metrics({ namespace: 'EnterpriseDataExchange', serviceName: 'edx' });\nexport const handler = async () => { logger.info('x'); metrics.publishStoredMetrics(); };\n`,
  };
  for (const [label, source] of Object.entries(probes)) {
    const file = join(dir, `probe-${label.length}.mjs`);
    await build({
      stdin: { contents: source, resolveDir: process.cwd(), loader: 'ts' },
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      minify: true,
      logLevel: 'silent',
    });
    const bytes = statSync(file).size;
    const t = median(Array.from({ length: RUNS }, () => coldRun(file).importMs)) - empty;
    console.log(
      `${label.padEnd(44)} ${(bytes / 1024).toFixed(1)} KB (${((100 * bytes) / built.api.bytes).toFixed(1)}% of api), +${Math.max(0, t).toFixed(1)} ms cold import over an empty module (${((100 * Math.max(0, t)) / Math.max(apiCold - empty, 0.01)).toFixed(1)}% of api's)`,
    );
  }
  console.log('');
} finally {
  rmSync(dir, { recursive: true, force: true });
  await services.stop();
}
