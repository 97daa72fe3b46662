/**
 * Regenerates schemas/refdata/*.json from the official code lists (GB/T 2260, GB/T 4754-2017).
 * Usage: npm run refdata -- <directory holding the CSV files>
 * The output is committed; the exchange never reads the CSV files at run time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const source = process.argv[2];
if (!source) {
  console.error('usage: npm run refdata -- <directory with gbt2260_*.csv and gbt4754_2017_industry.csv>');
  process.exit(2);
}

function rows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(source, file), 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

const current: Record<string, string> = {};
for (const r of rows('gbt2260_divisions_2025.csv')) current[r.code] = r.name;

// A retired code keeps the last name it had and the codes that replaced it.
const retired: Record<string, { name: string; until: number; successors: string }> = {};
for (const r of rows('gbt2260_history_1981_2024.csv')) {
  if (current[r.code] || r.status === '在用') continue;
  const until = Number(r.end_year) || 0;
  const prior = retired[r.code];
  if (!prior || until > prior.until) {
    retired[r.code] = { name: r.name, until, successors: r.new_codes.split(/[;| ]/).filter(Boolean).join(' ') };
  }
}
// Codes the 2025 list dropped but the 1981-2024 history still shows in use (the Nov 2025 Chongqing change).
for (const r of rows('gbt2260_history_1981_2024.csv')) {
  if (r.status === '在用' && !current[r.code] && !retired[r.code]) retired[r.code] = { name: r.name, until: 2025, successors: '' };
}

const industry: Record<string, string> = {};
const sectionOfDivision: Record<string, string> = {};
for (const r of rows('gbt4754_2017_industry.csv')) {
  industry[r.code] = r.name;
  if (r.level === 'division') sectionOfDivision[r.code] = r.section;
}

const out = 'schemas/refdata';
writeFileSync(
  join(out, 'gbt2260.json'),
  JSON.stringify({
    edition: 'GB/T 2260, Ministry of Civil Affairs list as of 2024-12-31 plus the Chongqing change of Nov 2025; history 1981-2024',
    current,
    // "name|last year in use|successor codes", compact because it ships in every api bundle
    retired: Object.fromEntries(Object.entries(retired).map(([code, r]) => [code, `${r.name}|${r.until}|${r.successors}`])),
  }),
);
writeFileSync(join(out, 'gbt4754.json'), JSON.stringify({ edition: 'GB/T 4754-2017 (2019 amendment not applied)', codes: industry }));
// Small on purpose: subscription matching (in the fan-out function) needs only this.
writeFileSync(join(out, 'gbt4754-sections.json'), JSON.stringify({ edition: 'GB/T 4754-2017', sectionOfDivision }));
console.log(`divisions: ${Object.keys(current).length} current, ${Object.keys(retired).length} retired; industry codes: ${Object.keys(industry).length}`);
