/**
 * 证照匹配 (licence cover) kept current: each enterprise's cover item holds what its latest
 * registration's scope needs and the licences and filings it holds; every registration, licence or
 * filing that arrives updates it (fan-out), and the daily recheck looks again at covers on the
 * date one of their licences expires or starts, found through the recheck index instead of a scan.
 * Saving a cover also moves the quota stock of each item whose valid-licence count changed.
 */
import { licenceCover, matchScope, type CatalogueIndex } from './catalogue';
import type { CoverHolding, RecordSummary, StoredCover, StoredVersion } from './model';
import { catalogueIndex, chinaToday, scopeTable } from './catalogue-cache';
import type { Ports } from './ports';

const LONG_TERM = '2099-12-31';
const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
export const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

type CoverRecord = Pick<StoredVersion, 'id' | 'version' | 'kind' | 'creditCode' | 'date' | 'summary'>;

/** The cover with one record taken in: the newer registration wins; a licence or filing replaces its older versions. */
export function takeRecord(cover: StoredCover, r: CoverRecord): StoredCover {
  const s = r.summary;
  if (r.kind === 'registration') {
    const reg = cover.registration;
    const newer = !reg || (reg.recordId === r.id ? r.version > reg.version : `${r.date}#${r.id}` > `${reg.date}#${reg.recordId}`);
    if (!newer) return cover;
    const scope = s.businessScope as { licensed: string[]; general: string[] };
    return {
      ...cover,
      region: String(s.regionCode),
      registration: { recordId: r.id, version: r.version, date: r.date, action: String(s.action), requirements: matchScope(scope, scopeTable()).requirements },
    };
  }
  if (r.kind !== 'licence' && r.kind !== 'filing') return cover;
  const held = cover.holdings[r.id];
  if (held && held.version >= r.version) return cover;
  const holding: CoverHolding = {
    version: r.version,
    kind: r.kind,
    catalogueItemCode: String(s.catalogueItemCode),
    date: r.date,
    ...(r.kind === 'licence' ? { status: String(s.status), validFrom: String(s.validFrom), validTo: String(s.validTo) } : {}),
    counted: held?.counted ?? false,
  };
  return { ...cover, holdings: { ...cover.holdings, [r.id]: holding } };
}

const validOn = (h: CoverHolding, date: string) => h.kind === 'licence' && h.status === 'valid' && (h.validFrom ?? '') <= date && date <= (h.validTo ?? '');

/** Judges a cover on `today`: what is uncovered and since when, when to look again, and how each item's stock moves. */
export function judge(cover: StoredCover, today: string, index: CatalogueIndex): { cover: StoredCover; stock: Record<string, number> } {
  const holdings = Object.values(cover.holdings);
  const reg = cover.registration;
  const needs = reg && reg.action !== 'deregister' ? reg.requirements : [];
  const result = licenceCover(
    needs,
    {
      licences: holdings
        .filter((h) => h.kind === 'licence')
        .map((h) => ({ catalogueItemCode: h.catalogueItemCode, status: h.status as 'valid', validFrom: h.validFrom ?? '', validTo: h.validTo ?? '' })),
      filings: holdings.filter((h) => h.kind === 'filing').map((h) => ({ catalogueItemCode: h.catalogueItemCode, date: h.date })),
    },
    today,
    index,
  );
  const uncovered = result.uncovered.map((e) => e.items.map((i) => i.code).join('|'));
  const stock: Record<string, number> = {};
  const nextHoldings: Record<string, CoverHolding> = {};
  const upcoming: string[] = [];
  for (const [id, h] of Object.entries(cover.holdings)) {
    const counts = validOn(h, today);
    if (counts !== h.counted) stock[h.catalogueItemCode] = (stock[h.catalogueItemCode] ?? 0) + (counts ? 1 : -1);
    nextHoldings[id] = { ...h, counted: counts };
    if (h.kind === 'licence' && h.status === 'valid') {
      if ((h.validFrom ?? '') > today) upcoming.push(h.validFrom ?? '');
      else if ((h.validTo ?? '') >= today && h.validTo !== LONG_TERM) upcoming.push(dayAfter(h.validTo ?? today));
    }
    if (h.kind === 'filing' && h.date > today) upcoming.push(h.date);
  }
  const { uncoveredSince: _since, recheckOn: _recheck, ...rest } = cover;
  const since = uncovered.length ? (cover.uncoveredSince ?? today) : undefined;
  const recheckOn = upcoming.sort()[0];
  return {
    cover: { ...rest, holdings: nextHoldings, uncovered, asOf: today, ...(since ? { uncoveredSince: since } : {}), ...(recheckOn ? { recheckOn } : {}) },
    stock,
  };
}

const emptyCover = (creditCode: string, today: string): StoredCover => ({ creditCode, rev: 0, region: creditCode.slice(2, 8), holdings: {}, uncovered: [], asOf: today });

/** Takes `records` into an enterprise's cover and saves it, retrying when another writer came first. */
export async function updateCover(ports: Ports, creditCode: string, records: CoverRecord[]): Promise<StoredCover> {
  for (let attempt = 0; ; attempt++) {
    const today = chinaToday(ports.clock);
    const stored = (await ports.cover.get(creditCode)) ?? emptyCover(creditCode, today);
    const taken = records.reduce(takeRecord, stored);
    const { cover, stock } = judge(taken, today, await catalogueIndex(ports));
    const next = { ...cover, rev: stored.rev + 1 };
    if (await ports.cover.save(next, stock)) return next;
    if (attempt >= 5) throw new Error(`licence cover of ${creditCode} kept changing under the writer`);
  }
}

/** How many days back the recheck looks, so a job that did not run for a few days catches up. */
export const RECHECK_LOOKBACK_DAYS = 7;

/** The daily recheck: covers due on any of the last few days are judged again (licences expired, started). */
export async function recheckCovers(ports: Ports): Promise<{ rechecked: number }> {
  const today = chinaToday(ports.clock);
  let rechecked = 0;
  for (let back = RECHECK_LOOKBACK_DAYS; back >= 0; back--) {
    const date = daysBefore(today, back);
    for (const code of await ports.cover.due(date)) {
      await updateCover(ports, code, []);
      rechecked++;
    }
  }
  return { rechecked };
}

/** The cover a profile shows: each 许可项目 need of the latest registration, covered or not, judged today. */
export async function profileCover(ports: Ports, records: RecordSummary[]) {
  const today = chinaToday(ports.clock);
  const cover = records
    .sort((a, b) => (`${a.date}#${a.id}` < `${b.date}#${b.id}` ? -1 : 1))
    .reduce<StoredCover>((c, r) => takeRecord(c, { ...r, creditCode: c.creditCode }), emptyCover(records[0]?.creditCode ?? '', today));
  const reg = cover.registration;
  const holdings = Object.values(cover.holdings);
  return licenceCover(
    reg && reg.action !== 'deregister' ? reg.requirements : [],
    {
      licences: holdings
        .filter((h) => h.kind === 'licence')
        .map((h) => ({ catalogueItemCode: h.catalogueItemCode, status: h.status as 'valid', validFrom: h.validFrom ?? '', validTo: h.validTo ?? '' })),
      filings: holdings.filter((h) => h.kind === 'filing').map((h) => ({ catalogueItemCode: h.catalogueItemCode, date: h.date })),
    },
    today,
    await catalogueIndex(ports),
  );
}
