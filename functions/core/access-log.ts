/**
 * The access log (查询留痕) as a hash chain per enterprise: entry n carries `seq` n, the hash of
 * entry n-1 in `prev` and its own `hash` over everything it says. The store writes an entry only
 * while its `seq` is free, so two reads of one enterprise at once get consecutive entries.
 *
 * Why a chain rather than an HMAC per entry: the functions that append would hold the key, so a
 * compromised one could forge entries either way; a chain needs no secret, anyone holding an
 * export can check it, and it shows an entry rewritten or removed. No function may update or
 * delete a log item (IAM, see WRITE_PROTECTED in functions/store/table.ts), so a put over an
 * existing entry is the one way to rewrite it; each append's hash also goes to the function's log
 * (CloudWatch Logs, out of the table's reach) as an anchor, so even a re-chained tail is caught.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { AccessLogEntry, AccessRecord } from './model';

/** The `prev` of an enterprise's first entry. */
export const GENESIS = '0'.repeat(64);

type Chained = AccessRecord & { seq: number; prev: string };

/** The hash of an entry: SHA-256 over every field but `hash`, keys sorted. */
export function entryHash(entry: Chained & { hash?: string }): string {
  const { hash: _own, ...rest } = entry;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** The entry that follows `previous` (undefined: the enterprise's first). */
export function chain(record: AccessRecord, previous: AccessLogEntry | undefined): AccessLogEntry & Chained & { hash: string } {
  const unhashed: Chained = { ...record, seq: (previous?.seq ?? 0) + 1, prev: previous?.hash ?? GENESIS };
  return { ...unhashed, hash: entryHash(unhashed) };
}

export type ChainCheck = { ok: true; entries: number } | { ok: false; seq: number; reason: 'hash-mismatch' | 'broken-link' | 'gap' | 'anchor-mismatch' | 'truncated' };

/**
 * Checks a run of one enterprise's chained entries (any order): each hash matches its content,
 * each links to the one before, no position is missing, and each anchored hash (from the function
 * log) is the one stored. A run may start after seq 1 where retention removed the oldest entries;
 * entries written before the chain (without `seq`) are left out.
 */
export function verifyAccessLog(entries: AccessLogEntry[], anchors: { seq: number; hash: string }[] = []): ChainCheck {
  const sorted = entries.filter((e): e is AccessLogEntry & Chained & { hash: string } => e.seq !== undefined && e.prev !== undefined && e.hash !== undefined).sort((a, b) => a.seq - b.seq);
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    if (entryHash(e) !== e.hash) return { ok: false, seq: e.seq, reason: 'hash-mismatch' };
    const before = sorted[i - 1];
    if (before && e.seq !== before.seq + 1) return { ok: false, seq: before.seq + 1, reason: 'gap' };
    if (before ? e.prev !== before.hash : e.seq === 1 && e.prev !== GENESIS) return { ok: false, seq: e.seq, reason: 'broken-link' };
  }
  const bySeq = new Map(sorted.map((e) => [e.seq, e.hash]));
  const last = sorted.at(-1)?.seq ?? 0;
  for (const a of anchors) {
    const stored = bySeq.get(a.seq);
    if (stored !== undefined && stored !== a.hash) return { ok: false, seq: a.seq, reason: 'anchor-mismatch' };
    if (stored === undefined && a.seq > last) return { ok: false, seq: a.seq, reason: 'truncated' };
  }
  return { ok: true, entries: sorted.length };
}
