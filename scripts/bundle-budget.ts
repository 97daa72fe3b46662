/**
 * Fails when a Lambda bundle outgrows its budget in bundle-budget.json, so growth is seen the
 * day it happens. `npm run bundle:check`; run by .ci/run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFunctions, ENTRY_POINTS, type FunctionName } from './build';

const budgets = JSON.parse(readFileSync(new URL('../bundle-budget.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const names = Object.keys(ENTRY_POINTS) as FunctionName[];
const missing = names.filter((n) => typeof budgets[n] !== 'number');
if (missing.length) {
  console.error(`bundle-budget.json has no budget for ${missing.join(', ')}; add one (KiB) per function`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'bundle-budget-'));
try {
  console.log('building the functions...');
  const built = await buildFunctions(dir);
  let over = 0;
  for (const name of names) {
    const kib = built[name].bytes / 1024;
    const budget = budgets[name] as number;
    const ok = kib <= budget;
    if (!ok) over++;
    const entry = built[name].entryBytes === built[name].bytes ? '' : `; the entry alone ${(built[name].entryBytes / 1024).toFixed(0)} KiB, with the first request's chunks ${kib.toFixed(0)} KiB`;
    console.log(`${ok ? 'ok  ' : 'OVER'} ${name.padEnd(8)} ${kib.toFixed(0).padStart(5)} KiB of ${budget} KiB (${((100 * kib) / budget).toFixed(0)}%${entry})`);
    // Lazy chunks load on first use, not at cold start; they are shown, and the budget is the cold start's.
    for (const chunk of built[name].lazy) console.log(`       ${name.padEnd(8)} ${(chunk.bytes / 1024).toFixed(0).padStart(5)} KiB lazy chunk ${chunk.file.split('/').slice(-2).join('/')}`);
    for (const d of built[name].data) console.log(`       ${name.padEnd(8)} ${(d.bytes / 1024).toFixed(0).padStart(5)} KiB data file read on first use ${d.file.split('/').slice(-3).join('/')}`);
  }
  if (over) {
    console.error(`${over} bundle(s) over budget: find what grew with \`npm run build\` (largest packages per function), then shrink it or raise the budget in bundle-budget.json with a reason`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
