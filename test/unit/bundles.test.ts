/**
 * The functions that run on every stream batch, delivery and sweep stay small: zod and the
 * national code lists (GB/T 2260 divisions, GB/T 4754 industries) belong to the api alone. The
 * api's own entry loads neither zod nor any route's schemas: each route group is a chunk loaded
 * on its first request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { buildEntry, ENTRY_POINTS } from '../../scripts/build';
import { ROUTE_TABLE } from '../../functions/api/route-table';

const HEAVY = [/node_modules\/zod\//, /schemas\/refdata\/gbt2260\.json$/, /schemas\/refdata\/gbt4754\.json$/];

describe('bundles of the non-api functions', () => {
  for (const name of ['fanout', 'deliver', 'overdue'] as const) {
    it(`${name} bundles neither zod nor the code lists`, async () => {
      const { metafile } = await build({ entryPoints: [ENTRY_POINTS[name]], bundle: true, platform: 'node', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
      const heavy = Object.keys(metafile.inputs).filter((path) => HEAVY.some((h) => h.test(path)));
      expect(heavy).toEqual([]);
    });
  }
});

describe('the api bundle', () => {
  it('loads zod and the route schemas only with the route group a request needs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edx-bundle-'));
    try {
      const built = await buildEntry(ENTRY_POINTS.api, dir);
      const { outputs } = built.metafile;
      const root = process.cwd();
      const lazy = new Set(built.lazy.map((l) => l.file));
      const eager = Object.entries(outputs).filter(([file]) => file.endsWith('.mjs') && !lazy.has(resolve(root, file)));
      const eagerInputs = eager.flatMap(([, o]) => Object.keys(o.inputs));
      expect(eagerInputs.filter((p) => /node_modules\/zod\/|schemas\/(api|records)\.ts$/.test(p))).toEqual([]);
      const groupChunks = Object.values(outputs).filter((o) => o.entryPoint?.startsWith('functions/api/routes/'));
      expect(groupChunks.length).toBe(new Set(Object.values(ROUTE_TABLE).map((r) => r.group)).size);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
