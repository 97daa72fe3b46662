/**
 * The functions that run on every stream batch, delivery and sweep stay small: zod and the
 * national code lists (GB/T 2260 divisions, GB/T 4754 industries) belong to the api alone.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ENTRY_POINTS } from '../../scripts/build';

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
