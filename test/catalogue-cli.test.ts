/**
 * `npm run catalogue`: administrators load the shipped catalogue (idempotently), add versions and
 * export the catalogue of a date.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedCatalogue } from '../schemas/catalogue-data';
import { main } from '../local/catalogue';
import { commandRunner, useFreshTable } from './helpers';

const run = commandRunner(main);

beforeAll(useFreshTable);

describe('catalogue command', () => {
  it('prints its usage on bad input', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('add', 'ZJ-SC-FOOD-01')).text).toContain('usage: npm run catalogue');
  });

  it('loads the shipped catalogue once: a second load adds nothing', async () => {
    const versions = shippedCatalogue().catalogue.items.reduce((n, i) => n + i.versions.length, 0);
    expect((await run('load')).text).toContain(`${versions} version(s) added`);
    expect((await run('load')).text).toContain('0 version(s) added');
  });

  it('adds a version effective later and exports the catalogue of either date', async () => {
    const current = shippedCatalogue().catalogue.items.find((i) => i.code === 'ZJ-YC-TOBACCO-01')?.versions[0];
    const file = join(mkdtempSync(join(tmpdir(), 'catalogue-')), 'version.json');
    writeFileSync(file, JSON.stringify({ ...current, effectiveFrom: '2099-01-01', quota: { ...current?.quota, total: 300 } }));
    const added = await run('add', 'ZJ-YC-TOBACCO-01', '--file', file, '--by', 'jx-tobacco', '--note', '零售点总量');
    expect(added.code).toBe(0);
    expect(added.text).toContain('ZJ-YC-TOBACCO-01 amended');
    const later = JSON.parse((await run('export', '--as-of', '2099-01-01')).text);
    expect(later.items.find((i: { code: string }) => i.code === 'ZJ-YC-TOBACCO-01').quota.total).toBe(300);
    const csv = (await run('export', '--csv')).text;
    expect(csv.split('\r\n')[0]).toMatch(/^序号,事项编码,事项名称/);
  });
});
