/**
 * The permit catalogue as stored data, for the API: the public reads (as of a date, one item with
 * its versions, the change list, CSV), administrators' versioned writes, quotas, and the unmatched
 * scope phrases. The cached index is in catalogue-cache.ts, the seed in catalogue-seed.ts.
 */
import { CatalogueVersionInput, type CatalogueItem, type CatalogueItemVersion } from '../../schemas/catalogue';
import { CatalogueItemCode } from '../../schemas/common';
import { requireScope } from './clients';
import { catalogueAsOf, catalogueCsv, itemAsOf } from './catalogue';
import { catalogueIndex, chinaToday, departmentDirectory, forgetCatalogue } from './catalogue-cache';
import { cursorBinding, sealPage, type Cursors } from './cursor';
import { conflict, invalidInput, notFound, type FieldError } from './errors';
import type { ApiClient, CatalogueChange } from './model';
import type { CatalogueStore, Clock, Page, ScopePhraseStore } from './ports';

type Deps = { catalogue: CatalogueStore; clock: Clock };
import { fieldErrors, PARSE_OPTIONS } from './validation';

// ---------------------------------------------------------------------------------------------
// Public reads

export async function readCatalogue(ports: Deps, asOf?: string) {
  const date = asOf ?? chinaToday(ports.clock);
  return { asOf: date, items: catalogueAsOf(await catalogueIndex(ports), date) };
}

export async function readCatalogueCsv(ports: Deps, asOf?: string) {
  const { items } = await readCatalogue(ports, asOf);
  return catalogueCsv(items, departmentDirectory());
}

function requireItemCode(code: string) {
  if (!CatalogueItemCode.safeParse(code).success) throw notFound(`no catalogue item ${code}`);
}

/** One item with every version, and where it stands today. */
export async function readCatalogueItem(ports: Deps, code: string) {
  requireItemCode(code);
  const index = await catalogueIndex(ports);
  const item = index.items.get(code);
  if (!item) throw notFound(`no catalogue item ${code}`);
  const today = chinaToday(ports.clock);
  return { code, asOf: today, standing: itemAsOf(index, code, today).status, versions: item.versions };
}

export async function readCatalogueChanges(ports: Deps & { cursors: Cursors }, cursor: string | undefined, limit: number): Promise<Page<CatalogueChange>> {
  const binding = cursorBinding('catalogue-changes', 'public');
  return sealPage(ports.cursors, await ports.catalogue.changes(cursor === undefined ? undefined : ports.cursors.open(cursor, binding), limit), binding);
}

/** A quota item's places: total and layout plan from the catalogue, stock from the counter kept as licences change. */
export async function readQuota(ports: Deps, code: string) {
  requireItemCode(code);
  const today = chinaToday(ports.clock);
  const standing = itemAsOf(await catalogueIndex(ports), code, today);
  if (standing.status !== 'in-force') throw notFound(`no catalogue item ${code} in force on ${today}`);
  const quota = standing.item.quota;
  if (!quota) throw notFound(`${code} ${standing.item.name} has no quota`);
  const stock = await ports.catalogue.stock(code);
  return {
    code,
    name: standing.item.name,
    asOf: today,
    ...(quota.total === undefined ? {} : { total: quota.total, placesLeft: Math.max(0, quota.total - stock) }),
    stock,
    layoutPlan: quota.layoutPlan,
  };
}

// ---------------------------------------------------------------------------------------------
// Writes

export function changeOf(code: string, version: CatalogueItemVersion, existing: CatalogueItem | undefined, at: string, by: CatalogueChange['by'], note?: string): CatalogueChange {
  return {
    code,
    effectiveFrom: version.effectiveFrom,
    at,
    change: version.withdrawn ? 'withdrawn' : existing ? 'amended' : 'added',
    name: version.name,
    reformMode: version.reformMode,
    by,
    ...(note ? { note } : {}),
  };
}

/**
 * Adds a version to an item (or a new item). It takes effect on its date and never rewrites what
 * was judged already: the date is today or later, or earlier than the item's first version (which
 * gives records from before the list something to be judged by).
 */
export async function addCatalogueVersion(ports: Deps, client: ApiClient, code: string, body: unknown) {
  requireScope(client, 'catalogue:admin');
  const errors: FieldError[] = [];
  if (!CatalogueItemCode.safeParse(code).success) errors.push({ path: 'code', message: 'not a catalogue item code', code: 'invalid-code' });
  const parsed = CatalogueVersionInput.safeParse(body, PARSE_OPTIONS);
  if (!parsed.success) errors.push(...fieldErrors(parsed.error));
  if (errors.length || !parsed.success) throw invalidInput('invalid catalogue version', errors);
  const { version, note } = parsed.data;
  const departments = departmentDirectory();
  for (const field of ['competentDepartment', 'approvingDepartment'] as const) {
    const id = version[field];
    if (id !== undefined && !departments.has(id)) errors.push({ path: `/version/${field}`, message: `${id} is not in the department directory`, code: 'unknown-department' });
  }
  const existing = await ports.catalogue.item(code);
  const today = chinaToday(ports.clock);
  const first = existing?.versions[0]?.effectiveFrom;
  if (version.effectiveFrom < today && !(first && version.effectiveFrom < first)) {
    errors.push({ path: '/version/effectiveFrom', message: `a change takes effect today (${today}) or later, or before the item's first version`, code: 'effective-in-past' });
  }
  if (errors.length) throw invalidInput('invalid catalogue version', errors);
  if (existing?.versions.some((v) => v.effectiveFrom === version.effectiveFrom)) {
    throw conflict('catalogue-version-exists', `${code} already has a version effective ${version.effectiveFrom}; versions are kept as history, add one with another date`);
  }
  const change = changeOf(code, version, existing, ports.clock.now().toISOString(), { department: client.department, clientId: client.clientId }, note);
  const added = await ports.catalogue.addVersions([{ code, version, change }]);
  if (added === 0) throw conflict('catalogue-version-exists', `${code} already has a version effective ${version.effectiveFrom}`);
  forgetCatalogue(ports.catalogue);
  return change;
}

// ---------------------------------------------------------------------------------------------
// 规范化字库: scope phrases nothing matched

export async function listUnmatchedPhrases(ports: { scopePhrases: ScopePhraseStore; cursors: Cursors }, client: ApiClient, cursor: string | undefined, limit: number) {
  requireScope(client, 'catalogue:admin');
  const binding = cursorBinding('unmatched-phrases', client.clientId);
  return sealPage(ports.cursors, await ports.scopePhrases.list(cursor === undefined ? undefined : ports.cursors.open(cursor, binding), limit), binding);
}
