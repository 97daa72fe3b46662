/**
 * `npm run bench` (bundle part): each Lambda's cold-start bundle and cold import time next to a
 * bare Hono + DynamoDB document client + zod handler (bench/baseline/handler.ts) built by the same
 * script in the same run. The import is timed in a fresh `node` per run, baseline and function
 * runs interleaved so that load on the machine hits both alike; the median is printed.
 * BENCH_IMPORT_RUNS sets the runs per bundle (default 9). Prints a table; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { buildEntry, buildFunctions } from '../scripts/build';

const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 9);
if (!Number.isSafeInteger(RUNS) || RUNS < 1) {
  console.error('usage: BENCH_IMPORT_RUNS=<runs per bundle, at least 1> npx tsx bench/bundle.ts');
  process.exit(2);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

// What a function needs in its environment to be imported at all (nothing is called).
const ENV = {
  ...process.env,
  TABLE_NAME: 'bench',
  DELIVERY_QUEUE_URL: 'http://127.0.0.1:1/queue',
  CURSOR_KEY: 'bench-cursor-key-of-at-least-32-characters',
  CONTENT_HASH_KEY: 'bench-content-hash-key-of-32-characters',
  EXCHANGE_ENV: 'bench',
  AWS_REGION: 'cn-north-1',
};

/** Milliseconds a fresh node process takes to import `file` (module load and evaluation only). */
function coldImport(file: string): number {
  const url = pathToFileURL(file).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const t=performance.now();await import(${JSON.stringify(url)});console.log(performance.now()-t)`], {
    env: ENV,
    encoding: 'utf8',
  });
  const ms = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isFinite(ms)) throw new Error(`importing ${file} failed: ${r.stderr}`);
  return ms;
}

const dir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
try {
  console.log('building the functions and the baseline handler ...');
  const [built, baseline] = await Promise.all([buildFunctions(dir), buildEntry('bench/baseline/handler.ts', join(dir, 'baseline'))]);
  const times = new Map<string, number[]>([['baseline', []], ...Object.keys(built).map((n) => [n, []] as [string, number[]])]);
  for (let run = 1; run <= RUNS; run++) {
    process.stderr.write(`\r  cold imports: run ${run} of ${RUNS}`);
    for (const [name, list] of times) list.push(coldImport(name === 'baseline' ? baseline.file : built[name as keyof typeof built].file));
  }
  process.stderr.write('\n');
  const base = median(times.get('baseline') ?? []);
  const row = (a: string, b: string, c: string, d: string, e: string, f: string) => console.log(`${a.padEnd(10)} ${b.padStart(9)} ${c.padStart(9)} ${d.padStart(12)} ${e.padStart(9)}  ${f}`);
  console.log(`\ncold-start bundle and cold import (median of ${RUNS} fresh node processes), against the baseline`);
  row('bundle', 'size', '× base', 'cold import', '× base', 'loaded later (lazy chunks, data files read on first use)');
  row('baseline', kb(baseline.bytes), '1.00', `${base.toFixed(1)} ms`, '1.00', 'bare Hono + DynamoDB document client + zod handler');
  for (const [name, b] of Object.entries(built)) {
    const t = median(times.get(name) ?? []);
    const later = [...b.lazy, ...b.data].reduce((n, f) => n + f.bytes, 0);
    row(name, kb(b.bytes), (b.bytes / baseline.bytes).toFixed(2), `${t.toFixed(1)} ms`, (t / base).toFixed(2), `${kb(later)} in ${b.lazy.length} chunks and ${b.data.length} data files`);
  }
  console.log('targets: the api ≤ 1.15× the baseline in size and ≤ 1.1× in cold import\n');

  // What a logger and EMF metrics cost a function: the project's own (functions/telemetry.ts, in
  // every bundle above) next to Powertools' Logger and Metrics, each bundled alone as a function would.
  writeFileSync(join(dir, 'empty.mjs'), 'export const handler = async () => ({});\n');
  const emptyTimes = Array.from({ length: RUNS }, () => coldImport(join(dir, 'empty.mjs')));
  const empty = median(emptyTimes);
  const apiCold = median(times.get('api') ?? []);
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
    const t = median(Array.from({ length: RUNS }, () => coldImport(file))) - empty;
    console.log(
      `${label.padEnd(44)} ${(bytes / 1024).toFixed(1)} KB (${((100 * bytes) / built.api.bytes).toFixed(1)}% of api), +${Math.max(0, t).toFixed(1)} ms cold import over an empty module (${((100 * Math.max(0, t)) / Math.max(apiCold - empty, 0.01)).toFixed(1)}% of api's)`,
    );
  }
  console.log('');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
