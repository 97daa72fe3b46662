/**
 * Field types shared by the record kinds: dates, money, code-list fields, privacy classes.
 */
import { z } from 'zod';
import { division, industryName } from './refdata/index';

/**
 * Privacy class of a record field (个人信息保护), marked on every field of every record kind. It is
 * the one rule masking, summaries (profiles, history pages) and events all apply (functions/core/privacy.ts):
 * - `public` (公开): published under 双公示 anyway; may appear in summaries and events.
 * - `individual`: about a natural person when the enterprise is an individual business (个体工商户,
 *   credit code 92…): the operator's name, often a home address; then it is treated as personal,
 *   otherwise as public.
 * - `restricted` (受限): free text and detail a department reads through the API with its scope (and
 *   the read logged); free text can name anyone, so never in a summary or an event.
 * - `personal` (个人信息): masked unless the caller holds `personal:read`; never in a summary or an event.
 * A field takes the class of its nearest marked ancestor when it has none of its own.
 */
export type Privacy = 'public' | 'individual' | 'restricted' | 'personal';

declare module 'zod' {
  interface GlobalMeta {
    privacy?: Privacy;
  }
}

/** Marks a field as personal data: masked in every response unless the caller may see it. */
export function personal<T extends z.ZodType>(schema: T, description: string): T {
  return schema.meta({ privacy: 'personal', description: `${description} (personal data, masked without personal:read)` });
}

/** A calendar date, `YYYY-MM-DD`, that exists. */
export const IsoDate = z.iso.date().meta({ description: 'calendar date, YYYY-MM-DD', examples: ['2026-03-15'] });

/** 2099-12-31 is how the 双公示 standard writes "long-term" (长期). */
export const LONG_TERM = '2099-12-31';

/** An amount of money in integer fen (分); the standard's 万元 is only a display unit. */
export const Fen = z
  .int()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  // int64 tells generated clients to use a 64-bit type: amounts above 2^31 fen (about 21 million yuan) are real.
  .meta({ description: 'amount in fen (分, 1/100 yuan), integer', format: 'int64', examples: [500000] });

/**
 * Characters no text field takes: C0 and C1 control characters and DEL (tab, line feed and
 * carriage return only in multi-line text), the bidirectional embedding, override and isolate
 * characters that make text display other than it reads (U+202A-U+202E, U+2066-U+2069), and lone
 * surrogates, which are not Unicode text at all.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const REFUSED_IN_LINE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const REFUSED_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;

/** Why `value` is not acceptable text, or undefined when it is; the one rule every text field and the Access-Purpose header share. */
export function textProblem(value: string, multiline = false): string | undefined {
  const found = (multiline ? REFUSED_IN_TEXT : REFUSED_IN_LINE).exec(value)?.[0];
  if (found === undefined) return undefined;
  const code = `U+${(found.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (/\p{Cs}/u.test(found)) return `contains a lone surrogate (${code}): not valid Unicode text`;
  if (found >= '\u202A') return `contains the bidirectional control character ${code}`;
  return `contains the control character ${code}`;
}

const plainText = (multiline: boolean) => (value: string, ctx: z.core.$RefinementCtx<string>) => {
  const problem = textProblem(value, multiline);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { rule: 'invalid-character' } });
};

/** One line of text, trimmed, 1 to `max` characters, without control or bidirectional characters. */
export const Text = (max: number) => z.string().trim().min(1).max(max).superRefine(plainText(false));
/** Free text that may hold line breaks and tabs, otherwise as Text. */
export const LongText = (max: number) => z.string().trim().min(1).max(max).superRefine(plainText(true));

/** One page of a listing: the items, and the cursor of the next page unless this is the last. */
export const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z.strictObject({ items: z.array(item), next: z.string().optional().meta({ description: 'cursor of the next page; absent on the last' }) }).meta({ id });

/** The paging fields of every listing's query string. */
export const pageQuery = (defaultLimit: number) => ({
  cursor: z.string().max(1000).optional().meta({ description: '`next` of the previous page' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(defaultLimit)
    .meta({ description: `page size, 1-100, default ${defaultLimit}` }),
});

/** GB/T 2260 administrative division code: must be a current division; a retired one passes with a warning. */
export const RegionCode = z
  .string()
  .regex(/^\d{6}$/, 'must be 6 digits (GB/T 2260)')
  .refine((code) => division(code) !== undefined, { message: 'not a GB/T 2260 administrative division code' })
  .meta({ description: '行政区划代码 (GB/T 2260), 6 digits, county level or above', examples: ['330402'] });

/** GB/T 4754-2017 industry code: a section letter, or a 2/3/4-digit division, group or class that exists. */
export const IndustryCode = z
  .string()
  .regex(/^([A-T]|\d{2,4})$/, 'must be a section letter A-T or 2-4 digits (GB/T 4754-2017)')
  .refine((code) => industryName(code) !== undefined, { message: 'not a GB/T 4754-2017 section, division, group or class' })
  .meta({ description: '国民经济行业代码 (GB/T 4754-2017): section letter or 2/3/4-digit code', examples: ['5211'] });

/** Code of an item in the permit catalogue (涉企经营许可事项清单). */
export const CatalogueItemCode = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'letters, digits, dot, underscore or hyphen, at most 40')
  .meta({ privacy: 'public', description: '许可事项编码: code of the item in the permit catalogue', examples: ['ZJ-SC-001'] });

/** Identity document of a natural person (证件类型 + 证件号码). */
export const IdDocument = z
  .strictObject({
    type: z
      .enum(['resident-id', 'passport', 'hk-macao-permit', 'taiwan-permit', 'foreign-permanent-residence', 'other'])
      .meta({ privacy: 'restricted', description: '证件类型: resident ID card (身份证), passport, HK/Macao or Taiwan permit, foreign permanent residence card' }),
    number: personal(Text(40), '证件号码: document number'),
  })
  .meta({ privacy: 'restricted', description: 'identity document of a natural person' });
