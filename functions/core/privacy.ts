/**
 * The privacy rule of the exchange, applied from the privacy class each field carries in its
 * schema (see `Privacy` in schemas/common.ts): masking in responses, the summary a record is
 * indexed and profiled with, and the summary its event carries. A field marked in the contract is
 * treated the same everywhere; the written-out summary table (schemas/summary-sharing.ts) that
 * zod-free modules use is checked against these classes by a unit test.
 */
import { z } from 'zod';
import type { Privacy } from '../../schemas/common';
import { RECORD_DATA, SUMMARY_FIELDS, type RecordKind } from '../../schemas/records';
import type { Sharing } from '../../schemas/summary-sharing';
import type { ApiClient, StoredVersion } from './model';
import { isTombstone, personalIfIndividual } from './summary';

/** Keeps the first 2 and last 4 characters of longer values: enough to tell two people apart. */
export function maskText(value: string): string {
  const chars = [...value];
  if (chars.length <= 6) return '*'.repeat(chars.length);
  return chars.slice(0, 2).join('') + '*'.repeat(chars.length - 6) + chars.slice(-4).join('');
}

/** The class a field has for this enterprise: `individual` fields are personal for an individual business (个体工商户). */
export function effectivePrivacy(privacy: Privacy, creditCode: string): Exclude<Privacy, 'individual'> {
  if (privacy !== 'individual') return privacy;
  return personalIfIndividual(creditCode) ? 'personal' : 'public';
}

// meta() looks a schema up in zod's registry (and its parents' in turn) on every call; responses
// mask on every request, so each schema's class is looked up once.
const ownClass = new WeakMap<z.ZodType, Privacy | null>();
function own(schema: z.ZodType): Privacy | undefined {
  let privacy = ownClass.get(schema);
  if (privacy === undefined) ownClass.set(schema, (privacy = schema.meta()?.privacy ?? null));
  return privacy ?? undefined;
}
const unwrap = (schema: z.ZodType) => (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable ? (schema.unwrap() as z.ZodType) : undefined);

function mask(schema: z.ZodType, value: unknown, inherited: Privacy | undefined, creditCode: string): unknown {
  if (value === undefined || value === null || isTombstone(value)) return value;
  const privacy = own(schema) ?? inherited;
  const inner = unwrap(schema);
  if (inner) return mask(inner, value, privacy, creditCode);
  const leaf = !(schema instanceof z.ZodObject) && !(schema instanceof z.ZodArray);
  if (leaf && privacy && effectivePrivacy(privacy, creditCode) === 'personal') return typeof value === 'string' ? maskText(value) : '***';
  if (schema instanceof z.ZodObject && typeof value === 'object') {
    const shape = schema.shape as Record<string, z.ZodType>;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape[k] ? mask(shape[k], v, privacy, creditCode) : v]));
  }
  if (schema instanceof z.ZodArray && Array.isArray(value)) return value.map((v) => mask(schema.element as z.ZodType, v, privacy, creditCode));
  return value;
}

/** The record body as a caller without `personal:read` sees it. */
export function maskRecordData(kind: RecordKind, data: Record<string, unknown>, creditCode: string): Record<string, unknown> {
  return mask(RECORD_DATA[kind], data, undefined, creditCode) as Record<string, unknown>;
}

/** Every leaf field of a kind with its privacy class (its own, or its nearest marked ancestor's), by dotted path. */
const classes = new Map<RecordKind, Map<string, Privacy | undefined>>();
export function fieldClasses(kind: RecordKind): Map<string, Privacy | undefined> {
  const known = classes.get(kind);
  if (known) return known;
  const out = new Map<string, Privacy | undefined>();
  const walk = (schema: z.ZodType, path: string, inherited: Privacy | undefined) => {
    const privacy = own(schema) ?? inherited;
    const inner = unwrap(schema);
    if (inner) walk(inner, path, privacy);
    else if (schema instanceof z.ZodObject) for (const [k, s] of Object.entries(schema.shape as Record<string, z.ZodType>)) walk(s, path ? `${path}.${k}` : k, privacy);
    else if (schema instanceof z.ZodArray) walk(schema.element as z.ZodType, `${path}[]`, privacy);
    else out.set(path, privacy);
  };
  walk(RECORD_DATA[kind], '', undefined);
  classes.set(kind, out);
  return out;
}

/** Dotted paths of the fields of a kind that are personal for this enterprise (masked without `personal:read`). */
export function personalPaths(kind: RecordKind, creditCode = '91'): string[] {
  return [...fieldClasses(kind)].filter(([, p]) => p && effectivePrivacy(p, creditCode) === 'personal').map(([path]) => path);
}

/**
 * Which summary fields of a kind may leave in a summary or an event, as the privacy classes give
 * it: `public` when every leaf of the field is public, `individual` when some are public only for
 * a company; fields with any other leaf are left out. schemas/summary-sharing.ts writes it out.
 */
export function summarySharing(kind: RecordKind): Record<string, Sharing> {
  const out: Record<string, Sharing> = {};
  for (const field of SUMMARY_FIELDS[kind]) {
    const classes = [...fieldClasses(kind)].filter(([path]) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[]`)).map(([, p]) => p);
    if (classes.length === 0) continue;
    if (classes.every((p) => p === 'public')) out[field] = 'public';
    else if (classes.every((p) => p === 'public' || p === 'individual')) out[field] = 'individual';
  }
  return out;
}

/**
 * A stored version as a caller may see it. The content hash is a fingerprint of the unmasked
 * data, so only a caller who may read that data sees it.
 */
export function presentVersion(v: StoredVersion, client: ApiClient) {
  const personal = client.scopes.includes('personal:read');
  return {
    id: v.id,
    version: v.version,
    kind: v.kind,
    creditCode: v.creditCode,
    sourceId: v.sourceId,
    ...(v.corrects === undefined ? {} : { corrects: v.corrects }),
    ...(v.supersededBy === undefined ? {} : { supersededBy: v.supersededBy }),
    data: personal ? v.data : maskRecordData(v.kind, v.data, v.creditCode),
    warnings: v.warnings,
    provenance: { department: v.department, clientId: v.clientId, receivedAt: v.receivedAt, ...(personal ? { contentHash: v.contentHash } : {}) },
    ...(v.source ? { sourceUnit: v.source } : {}),
  };
}
