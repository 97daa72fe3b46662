/** Loads the shipped permit catalogue (schemas/catalogue/items.json, validated) into the table. */
import { shippedCatalogue } from '../../schemas/catalogue-data';
import { forgetCatalogue } from './catalogue-cache';
import { changeOf } from './permits';
import type { CatalogueStore, Clock } from './ports';

/** Loads the shipped catalogue into the table: versions not stored yet are added (so running it twice adds nothing). */
export async function seedCatalogue(ports: { catalogue: CatalogueStore; clock: Clock }): Promise<{ added: number; edition: string }> {
  const shipped = shippedCatalogue().catalogue;
  const stored = new Map((await ports.catalogue.items()).map((i) => [i.code, new Set(i.versions.map((v) => v.effectiveFrom))]));
  const at = ports.clock.now().toISOString();
  const entries = shipped.items.flatMap((item) =>
    item.versions
      .filter((v) => !stored.get(item.code)?.has(v.effectiveFrom))
      .map((version, i) => ({ code: item.code, version, change: changeOf(item.code, version, i > 0 || stored.has(item.code) ? item : undefined, at, { seed: shipped.edition.slice(0, 200) }) })),
  );
  const added = entries.length ? await ports.catalogue.addVersions(entries) : 0;
  if (added) forgetCatalogue(ports.catalogue);
  return { added, edition: shipped.edition };
}
