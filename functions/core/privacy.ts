/**
 * Masks personal fields (see `personal()` in schemas/common.ts) by walking the record's own schema,
 * so a field marked personal in the contract is masked everywhere without a second list.
 */
import { z } from 'zod';
import { RECORD_DATA, type RecordKind } from '../../schemas/records';

/** Keeps the first 2 and last 4 characters of longer values: enough to tell two people apart. */
export function maskText(value: string): string {
  const chars = [...value];
  if (chars.length <= 6) return '*'.repeat(chars.length);
  return chars.slice(0, 2).join('') + '*'.repeat(chars.length - 6) + chars.slice(-4).join('');
}

function mask(schema: z.ZodType, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (schema.meta()?.privacy === 'personal') return typeof value === 'string' ? maskText(value) : '***';
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return mask(schema.unwrap() as z.ZodType, value);
  if (schema instanceof z.ZodObject && typeof value === 'object') {
    const shape = schema.shape as Record<string, z.ZodType>;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape[k] ? mask(shape[k], v) : v]));
  }
  if (schema instanceof z.ZodArray && Array.isArray(value)) return value.map((v) => mask(schema.element as z.ZodType, v));
  return value;
}

export function maskRecordData(kind: RecordKind, data: Record<string, unknown>): Record<string, unknown> {
  return mask(RECORD_DATA[kind], data) as Record<string, unknown>;
}

/** Dotted paths of every personal field of a kind, e.g. for documentation and tests. */
export function personalPaths(kind: RecordKind): string[] {
  const out: string[] = [];
  const walk = (schema: z.ZodType, path: string) => {
    if (schema.meta()?.privacy === 'personal') out.push(path);
    else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) walk(schema.unwrap() as z.ZodType, path);
    else if (schema instanceof z.ZodObject) for (const [k, s] of Object.entries(schema.shape as Record<string, z.ZodType>)) walk(s, path ? `${path}.${k}` : k);
    else if (schema instanceof z.ZodArray) walk(schema.element as z.ZodType, `${path}[]`);
  };
  walk(RECORD_DATA[kind], '');
  return out;
}
