/**
 * Domain errors, raised where the problem is known and turned into RFC 9457 problem+json in one
 * place (functions/api/app.ts).
 */
import type { z } from 'zod';
import type { FieldError as FieldErrorSchema, Problem as ProblemSchema } from '../../schemas/api';

/** One invalid field: its JSON-pointer-like path (e.g. `/data/validTo`, or a header or query name), a message and the rule. */
export type FieldError = z.infer<typeof FieldErrorSchema>;
/** RFC 9457 problem details, with `errors` naming every bad field. */
export type Problem = z.infer<typeof ProblemSchema>;

/** Problem types are relative URIs resolved against the API's base, documented at /docs#problems. */
export const problemType = (slug: string) => `/problems/${slug}`;

export interface ProblemOptions {
  /** The problem type's slug, documented at /docs#problems. */
  type: string;
  title: string;
  detail: string;
  errors?: FieldError[];
  /** Extension members of the problem (e.g. `currentVersion` of a conflict). */
  extra?: Record<string, unknown>;
  /** What caused it, kept for the logs; never sent to the client. */
  cause?: unknown;
}

export class ProblemError extends Error {
  readonly type: string;
  readonly title: string;
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;

  constructor(
    readonly status: number,
    options: ProblemOptions,
  ) {
    super(options.detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProblemError';
    this.type = options.type;
    this.title = options.title;
    this.errors = options.errors;
    this.extra = options.extra;
  }

  toProblem(instance?: string): Problem {
    // Extension members come first, so none can replace a standard member such as `status`.
    return {
      ...this.extra,
      type: problemType(this.type),
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const invalidInput = (detail: string, errors: FieldError[], status = 422) => new ProblemError(status, { type: 'validation-failed', title: 'Invalid input', detail, errors });
export const badRequest = (detail: string, errors?: FieldError[], cause?: unknown) => new ProblemError(400, { type: 'bad-request', title: 'Bad request', detail, errors, cause });
export const invalidCursor = (name = 'cursor') => badRequest('the cursor is not one this API returned', [{ path: name, message: 'invalid cursor', code: 'invalid-cursor' }]);
export const unauthorized = (detail: string) => new ProblemError(401, { type: 'unauthorized', title: 'Unauthorized', detail });
export const forbidden = (detail: string) => new ProblemError(403, { type: 'forbidden', title: 'Forbidden', detail });
export const notFound = (detail: string) => new ProblemError(404, { type: 'not-found', title: 'Not found', detail });
export const conflict = (type: string, detail: string, extra?: Record<string, unknown>) => new ProblemError(409, { type, title: 'Conflict', detail, extra });
export const payloadTooLarge = (detail: string) => new ProblemError(413, { type: 'payload-too-large', title: 'Payload too large', detail });
export const unsupportedMediaType = (detail: string, errors: FieldError[]) => new ProblemError(415, { type: 'unsupported-media-type', title: 'Unsupported media type', detail, errors });
