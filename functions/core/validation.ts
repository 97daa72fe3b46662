/**
 * Turns zod issues into the field errors of a problem response, and the checks zod cannot make
 * alone (warnings on accepted input).
 */
import type { z } from 'zod';
import { division } from '../../schemas/refdata/index';
import { creditCodeWarnings } from '../../schemas/credit-code';
import type { RecordInput, Warning } from '../../schemas/records';
import type { FieldError, ProblemError } from './errors';

export const pointer = (path: readonly PropertyKey[]) => '/' + path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** Parse options that name a missing field "required" instead of "expected string, received undefined". */
export const PARSE_OPTIONS = {
  error: (issue: { code: string; input?: unknown }) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined),
};

export function fieldErrors(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: pointer([...path, key]), message: 'unknown field', code: 'unknown-field' });
    } else if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
      out.push({ path: pointer(path), message: issue.message, code: 'invalid-discriminator' });
    } else {
      const rule = issue.message === 'required' ? 'required' : issue.code === 'custom' && typeof issue.params?.rule === 'string' ? issue.params.rule : issue.code.replaceAll('_', '-');
      out.push({ path: pointer(path), message: issue.message, code: rule });
    }
  }
  return out;
}

/**
 * The one parse-or-throw: the parsed value, or the problem `fail` builds from every field error
 * (a 422 for a body, a 400 for query parameters).
 */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, fail: (errors: FieldError[]) => ProblemError): z.infer<T> {
  const parsed = schema.safeParse(value, PARSE_OPTIONS);
  if (!parsed.success) throw fail(fieldErrors(parsed.error));
  return parsed.data;
}

/** Warnings for a record that passed validation. */
export function recordWarnings(input: RecordInput): Warning[] {
  const warnings: Warning[] = input.creditCode === undefined ? [] : [...creditCodeWarnings(input.creditCode, '/creditCode')];
  if (input.kind === 'licence' || input.kind === 'penalty') {
    warnings.push(...creditCodeWarnings(input.data.authorityCreditCode, '/data/authorityCreditCode'));
  }
  if (input.kind === 'registration') {
    const d = division(input.data.regionCode);
    if (d?.status === 'retired') {
      const successors = d.successors.length ? `; now ${d.successors.join(', ')}` : '';
      warnings.push({
        path: '/data/regionCode',
        code: 'retired-region-code',
        message: `${d.code} ${d.name} was retired after ${d.lastYear}${successors}`,
      });
    }
  }
  return warnings;
}
