/**
 * 双随机 draw figures: the exchange's draw and the public re-draw script on pools of 10,000 and
 * 1,000,000 enterprises, each next to a baseline from the same run (SHA-256 of the pool's
 * canonical JSON for the draw; reading and parsing the published JSON for the re-draw). Prints a
 * table; asserts nothing. Usage: npx tsx bench/draw.ts [pool sizes...]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRoster, commitmentOf, draw, freezePool, poolHash, type Rules } from '../functions/core/draw';
import { samplePool, sampleRoster } from '../local/draw-samples';

const sizes = process.argv.slice(2).map(Number);
if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) {
  console.error('usage: npx tsx bench/draw.ts [pool size ...]   (default: 10000 1000000)');
  process.exit(2);
}
const SCRIPT = join(import.meta.dirname, '../scripts/redraw.mjs');
const RULES: Rules = { ratios: { A: 300, B: 500, C: 1000, D: 2000, unrated: 500 }, inspectorsPerTask: 2, requiredFields: ['食品安全'], departments: ['health', 'market'] };
const dir = mkdtempSync(join(tmpdir(), 'bench-draw-'));
const rows: [string, string][] = [];
const report = (name: string, value: string) => {
  rows.push([name, value]);
  console.log(`${name.padEnd(58)} ${value}`);
};
const progress = (s: string) => process.stderr.write(`  … ${s}\n`);
const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
};
const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`);

try {
  for (const size of sizes.length ? sizes : [10_000, 1_000_000]) {
    const label = size.toLocaleString('en');
    progress(`building a sample pool of ${label} enterprises`);
    const entries = samplePool(size, 1);
    const [pool, freezeMs] = time(() => freezePool(entries));
    const codes = Object.values(pool).flat();
    const members = sampleRoster({ departments: RULES.departments, perDepartment: 150, conflictCodes: codes, conflictRate: 0.3 });
    const previous = codes.filter((_, i) => i % 25 === 0).map((creditCode, i) => ({ creditCode, inspectors: [members[i % members.length].id, members[(i * 7 + 1) % members.length].id] }));
    const roster = buildRoster(members, previous, pool);
    const secret = 'a1'.repeat(32);

    const [, hashMs] = time(() => poolHash(pool));
    const [doc, drawMs] = time(() => draw({ planId: `SJ-BENCH-${size}`, commitment: commitmentOf(secret), secret, rules: RULES, pool, roster }, progress));
    report(`pool ${label}: freeze (sort, check classes)`, ms(freezeMs));
    report(`pool ${label}: baseline SHA-256 of the canonical pool`, ms(hashMs));
    report(`pool ${label}: draw (${doc.tasks.length.toLocaleString('en')} tasks, 300 inspectors)`, `${ms(drawMs)} (${(drawMs / hashMs).toFixed(1)}× baseline)`);

    const file = join(dir, `draw-${size}.json`);
    writeFileSync(file, JSON.stringify(doc));
    const [, parseMs] = time(() => JSON.parse(readFileSync(file, 'utf8')));
    progress(`re-drawing with node scripts/redraw.mjs (${(statSync(file).size / 1e6).toFixed(1)} MB document)`);
    const [run, redrawMs] = time(() => spawnSync(process.execPath, [SCRIPT, file], { encoding: 'utf8' }));
    if (run.status !== 0) throw new Error(`re-draw did not reproduce: ${run.stdout}${run.stderr}`);
    report(`pool ${label}: baseline read + JSON.parse of the document`, ms(parseMs));
    report(`pool ${label}: re-draw script, whole process`, `${ms(redrawMs)} (${(redrawMs / parseMs).toFixed(1)}× baseline)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
