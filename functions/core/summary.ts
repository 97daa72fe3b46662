/**
 * The summary of a record and the tombstone of an erased value. Free of zod and the code lists:
 * fan-out, delivery and the overdue sweep build events with it, and their bundles stay small.
 */
import { entityKind } from '../../schemas/entity-kind';
import type { RecordKind } from '../../schemas/records';
import { SUMMARY_SHARING } from '../../schemas/summary-sharing';
import { isDerivedPartyKey } from '../store/table';

/** A value erased by an administrator: shown in place of the value, never masked or re-derived. */
export interface Tombstone {
  erased: { at: string; by: string; reason: string };
}
export const isTombstone = (v: unknown): v is Tombstone => !!v && typeof v === 'object' && 'erased' in v && Object.keys(v).length === 1;

/**
 * Whether `individual` fields are personal for this party: an individual business (个体工商户), or a
 * party keyed by registration number or identity document (an individual business or a natural person).
 */
export const personalIfIndividual = (creditCode: string): boolean => entityKind(creditCode) === 'individual-business' || isDerivedPartyKey(creditCode);

/**
 * The summary of a record: the summary fields of its kind that are public for this enterprise
 * (SUMMARY_SHARING). It is what profiles, history pages and events show; never a personal or
 * free-text field, never an erased one.
 */
export function summarise(kind: RecordKind, data: object, creditCode: string): Record<string, unknown> {
  const d = data as Record<string, unknown>;
  const individual = personalIfIndividual(creditCode);
  const out: Record<string, unknown> = {};
  for (const [f, sharing] of Object.entries(SUMMARY_SHARING[kind])) if (d[f] !== undefined && !isTombstone(d[f]) && (sharing === 'public' || !individual)) out[f] = d[f];
  return out;
}
