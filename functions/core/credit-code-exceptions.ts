/**
 * The credit code exception list (信用代码例外名单): real codes from early pilot issuance that fail
 * the check character and are let in by an administrator. Validation reads it on every request,
 * so a warm process reuses it for a minute (by the clock port) instead of reading it each time.
 */
import type { CreditCodeException } from './model';
import type { Clock, CreditCodeExceptionStore } from './ports';
import { SharedReads } from './shared-reads';

/** How long a process reuses the list; administrators are told changes apply within this time. */
export const EXCEPTIONS_TTL_MS = 60_000;

type Deps = { creditCodeExceptions: CreditCodeExceptionStore; clock: Clock };
const cache = new WeakMap<CreditCodeExceptionStore, { codes: ReadonlySet<string>; until: number }>();

/** A refill under way, joined by every caller meanwhile (the api starts one while it starts up). */
const reads = new SharedReads<CreditCodeExceptionStore, ReadonlySet<string>>();

/** The codes on the list, as of at most EXCEPTIONS_TTL_MS ago (at once after a change made through this process). */
export async function exceptionCodes(ports: Deps): Promise<ReadonlySet<string>> {
  const now = ports.clock.now().getTime();
  const hit = cache.get(ports.creditCodeExceptions);
  if (hit && hit.until > now) return hit.codes;
  const read = async () => new Set((await ports.creditCodeExceptions.list()).map((e) => e.creditCode));
  return reads.join(ports.creditCodeExceptions, read, (codes) => cache.set(ports.creditCodeExceptions, { codes, until: now + EXCEPTIONS_TTL_MS }));
}

/** Drops what this process keeps of the list, and any read of it under way. */
function forget(store: CreditCodeExceptionStore) {
  cache.delete(store);
  reads.forget(store);
}

export async function addCreditCodeException(ports: Deps, e: CreditCodeException): Promise<void> {
  await ports.creditCodeExceptions.put(e);
  forget(ports.creditCodeExceptions);
}

export async function removeCreditCodeException(ports: Deps, creditCode: string): Promise<boolean> {
  const removed = await ports.creditCodeExceptions.delete(creditCode);
  forget(ports.creditCodeExceptions);
  return removed;
}
