/**
 * The credit code exception list (信用代码例外名单): real codes from early pilot issuance that fail
 * the check character and are let in by an administrator. Validation reads it on every request,
 * so a warm process reuses it for a minute (by the clock port) instead of reading it each time.
 */
import type { CreditCodeException } from './model';
import type { Clock, CreditCodeExceptionStore } from './ports';

/** How long a process reuses the list; administrators are told changes apply within this time. */
export const EXCEPTIONS_TTL_MS = 60_000;

type Deps = { creditCodeExceptions: CreditCodeExceptionStore; clock: Clock };
const cache = new WeakMap<CreditCodeExceptionStore, { codes: ReadonlySet<string>; until: number }>();

/**
 * A read of the list under way, which every caller in the meantime joins (the api starts one while
 * it starts up). Dropped by a change through this process, so the read it overtook keeps nothing.
 */
const loading = new WeakMap<CreditCodeExceptionStore, Promise<ReadonlySet<string>>>();

/** The codes on the list, as of at most EXCEPTIONS_TTL_MS ago (at once after a change made through this process). */
export function exceptionCodes(ports: Deps): Promise<ReadonlySet<string>> {
  const now = ports.clock.now().getTime();
  const hit = cache.get(ports.creditCodeExceptions);
  if (hit && hit.until > now) return Promise.resolve(hit.codes);
  const under = loading.get(ports.creditCodeExceptions);
  if (under) return under;
  const load: Promise<ReadonlySet<string>> = ports.creditCodeExceptions.list().then((list) => {
    const codes: ReadonlySet<string> = new Set(list.map((e) => e.creditCode));
    if (loading.get(ports.creditCodeExceptions) === load) cache.set(ports.creditCodeExceptions, { codes, until: now + EXCEPTIONS_TTL_MS });
    return codes;
  });
  loading.set(ports.creditCodeExceptions, load);
  const done = () => loading.get(ports.creditCodeExceptions) === load && loading.delete(ports.creditCodeExceptions);
  load.then(done, done);
  return load;
}

/** Drops what this process keeps of the list, and any read of it under way. */
function forget(store: CreditCodeExceptionStore) {
  cache.delete(store);
  loading.delete(store);
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
