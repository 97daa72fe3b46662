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

/** The codes on the list, as of at most EXCEPTIONS_TTL_MS ago (at once after a change made through this process). */
export async function exceptionCodes(ports: Deps): Promise<ReadonlySet<string>> {
  const now = ports.clock.now().getTime();
  const hit = cache.get(ports.creditCodeExceptions);
  if (hit && hit.until > now) return hit.codes;
  const codes = new Set((await ports.creditCodeExceptions.list()).map((e) => e.creditCode));
  cache.set(ports.creditCodeExceptions, { codes, until: now + EXCEPTIONS_TTL_MS });
  return codes;
}

export async function addCreditCodeException(ports: Deps, e: CreditCodeException): Promise<void> {
  await ports.creditCodeExceptions.put(e);
  cache.delete(ports.creditCodeExceptions);
}

export async function removeCreditCodeException(ports: Deps, creditCode: string): Promise<boolean> {
  const removed = await ports.creditCodeExceptions.delete(creditCode);
  cache.delete(ports.creditCodeExceptions);
  return removed;
}
