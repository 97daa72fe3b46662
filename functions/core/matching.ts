/**
 * Whether a record is what a subscription asks for. Kept apart from the subscription API so the
 * fan-out function carries no request validation.
 */
import type { CreditChange } from '../../schemas/credit';
import type { SubscriptionFilters } from '../../schemas/events';
import { industrySection } from '../../schemas/refdata/industry-sections';
import type { RecordSummary, StoredVersion } from './model';

/** What filters are matched against: the record, and where the enterprise is and what it does. */
export interface MatchTarget {
  record: Pick<StoredVersion, 'kind' | 'creditCode' | 'summary'>;
  registration?: RecordSummary;
}

export function matches(filters: SubscriptionFilters, t: MatchTarget): boolean {
  const { record, registration } = t;
  const reg = registration?.summary ?? (record.kind === 'registration' ? record.summary : undefined);
  // Chars 3-8 of a credit code are the registering authority's division: the region when no registration is known.
  const region = typeof reg?.regionCode === 'string' ? reg.regionCode : record.creditCode.slice(2, 8);
  const industry = typeof reg?.industryCode === 'string' ? reg.industryCode : undefined;
  const item = record.summary.catalogueItemCode;
  // A subscription to credit lists receives records only when it names record kinds too.
  if (filters.creditLists && !filters.kinds) return false;
  if (filters.kinds && !filters.kinds.includes(record.kind)) return false;
  if (filters.creditCodes && !filters.creditCodes.includes(record.creditCode)) return false;
  if (filters.catalogueItemCodes && !(typeof item === 'string' && filters.catalogueItemCodes.includes(item))) return false;
  if (filters.regionPrefixes && !filters.regionPrefixes.some((p) => region.startsWith(p))) return false;
  if (filters.industryPrefixes && !(industry && filters.industryPrefixes.some((p) => (/^[A-T]$/.test(p) ? industrySection(industry) === p : industry.startsWith(p))))) {
    return false;
  }
  return true;
}

/** Whether a credit list change is what a subscription asks for: its list, and the watch list or region (from the credit code) if given. */
export function matchesListChange(filters: SubscriptionFilters, c: Pick<CreditChange, 'list' | 'entry'>): boolean {
  const code = c.entry.creditCode;
  if (!filters.creditLists?.includes(c.list)) return false;
  if (filters.creditCodes && !filters.creditCodes.includes(code)) return false;
  if (filters.regionPrefixes && !filters.regionPrefixes.some((p) => code.slice(2, 8).startsWith(p))) return false;
  return true;
}
