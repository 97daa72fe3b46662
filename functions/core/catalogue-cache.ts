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

/** How stale another process's catalogue may be: a write elsewhere is seen within this time. */
export const CATALOGUE_TTL_MS = 30_000;

type Deps = { catalogue: CatalogueStore; clock: Clock };
const cache = new WeakMap<CatalogueStore, { index: CatalogueIndex; stamp: number; checkedAt: number }>();

/** The calendar date in China (UTC+8), on which "today" in the catalogue is judged. */
export const chinaToday = (clock: Clock) => chinaDate(clock.now());

/**
 * A read of the catalogue under way, which every caller in the meantime joins (the api starts one
 * while it starts up). Dropped by a write through this process, so the read it overtook keeps
 * nothing.
 */
const loading = new WeakMap<CatalogueStore, Promise<CatalogueIndex>>();

export function catalogueIndex(ports: Deps): Promise<CatalogueIndex> {
  const now = ports.clock.now().getTime();
  const hit = cache.get(ports.catalogue);
  if (hit && now - hit.checkedAt < CATALOGUE_TTL_MS) return Promise.resolve(hit.index);
  const under = loading.get(ports.catalogue);
  if (under) return under;
  const load: Promise<CatalogueIndex> = ports.catalogue.stamp().then(async (stamp) => {
    const index = hit && hit.stamp === stamp ? hit.index : indexCatalogue(await ports.catalogue.items());
    if (loading.get(ports.catalogue) === load) cache.set(ports.catalogue, { index, stamp, checkedAt: now });
    return index;
  });
  loading.set(ports.catalogue, load);
  const done = () => loading.get(ports.catalogue) === load && loading.delete(ports.catalogue);
  load.then(done, done);
  return load;
}

export function forgetCatalogue(store: CatalogueStore) {
  cache.delete(store);
  loading.delete(store);
}

// The shipped files are checked against their schemas by the unit tests (test/unit/catalogue.test.ts).
let terms: ScopeTable | undefined;
/** The standard scope terms (经营范围规范表述), shipped with the code. */
export const scopeTable = () => (terms ??= indexScopeTerms(shippedData<{ terms: ScopeTerm[] }>('catalogue/scope-terms.json').terms));

let directory: Map<string, Department> | undefined;
/** The department directory, shipped with the code. */
export const departmentDirectory = () => (directory ??= new Map((departmentsJson.departments as Department[]).map((d) => [d.id, d])));
