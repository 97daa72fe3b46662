/**
 * The catalogue index every ingest, fan-out and job judges by, and the shipped scope terms and
 * department directory. Kept free of zod so the push functions stay small.
 *
 * A process keeps the whole catalogue indexed and reads the stamp item (one small GetItem) at most
 * every CATALOGUE_TTL_MS to learn of another process's write; a write through this process drops
 * its cache at once (forgetCatalogue). A steady stream of records costs no catalogue read at all.
 */
import departmentsJson from '../../schemas/catalogue/departments.json' with { type: 'json' };
import type { Department, ScopeTerm } from '../../schemas/catalogue';
import { shippedData } from '../../schemas/data-files';
import { indexCatalogue, indexScopeTerms, type CatalogueIndex, type ScopeTable } from './catalogue';
import type { CatalogueStore, Clock } from './ports';
import { chinaDate } from './china-time';
import { SharedReads } from './shared-reads';

/** How stale another process's catalogue may be: a write elsewhere is seen within this time. */
export const CATALOGUE_TTL_MS = 30_000;

type Deps = { catalogue: CatalogueStore; clock: Clock };
const cache = new WeakMap<CatalogueStore, { index: CatalogueIndex; stamp: number; checkedAt: number }>();

/** The calendar date in China (UTC+8), on which "today" in the catalogue is judged. */
export const chinaToday = (clock: Clock) => chinaDate(clock.now());

/** A refill under way, joined by every caller meanwhile (the api starts one while it starts up). */
const reads = new SharedReads<CatalogueStore, { index: CatalogueIndex; stamp: number }>();

export async function catalogueIndex(ports: Deps): Promise<CatalogueIndex> {
  const now = ports.clock.now().getTime();
  const hit = cache.get(ports.catalogue);
  if (hit && now - hit.checkedAt < CATALOGUE_TTL_MS) return hit.index;
  const read = async () => {
    const stamp = await ports.catalogue.stamp();
    return { stamp, index: hit && hit.stamp === stamp ? hit.index : indexCatalogue(await ports.catalogue.items()) };
  };
  const { index } = await reads.join(ports.catalogue, read, (fresh) => cache.set(ports.catalogue, { ...fresh, checkedAt: now }));
  return index;
}

export function forgetCatalogue(store: CatalogueStore) {
  cache.delete(store);
  reads.forget(store);
}

// The shipped files are checked against their schemas by the unit tests (test/unit/catalogue.test.ts).
let terms: ScopeTable | undefined;
/** The standard scope terms (经营范围规范表述), shipped with the code. */
export const scopeTable = () => (terms ??= indexScopeTerms(shippedData<{ terms: ScopeTerm[] }>('catalogue/scope-terms.json').terms));

let directory: Map<string, Department> | undefined;
/** The department directory, shipped with the code. */
export const departmentDirectory = () => (directory ??= new Map((departmentsJson.departments as Department[]).map((d) => [d.id, d])));
