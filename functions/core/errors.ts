/**
 * Domain errors, raised where the problem is known and turned into RFC 9457 problem+json in one
 * place (functions/api/app.ts).
 */
export interface FieldError {
  /** JSON-pointer-like path of the bad field, e.g. `/data/validTo`, or a header or query name. */
  path: string;
  message: string;
  code?: string;
}

/** RFC 9457 problem details, with `errors` naming every bad field. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Problem types are relative URIs resolved against the API's base, documented at /docs#problems. */
export const problemType = (slug: string) => `/problems/${slug}`;

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail);
  }

  toProblem(instance?: string): Problem {
    return {
      type: problemType(this.type),
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const invalidInput = (detail: string, errors: FieldError[], status = 422) => new ProblemError(status, 'validation-failed', 'Invalid input', detail, errors);
export const badRequest = (detail: string, errors?: FieldError[]) => new ProblemError(400, 'bad-request', 'Bad request', detail, errors);
export const invalidCursor = (name = 'cursor') => badRequest('the cursor is not one this API returned', [{ path: name, message: 'invalid cursor', code: 'invalid-cursor' }]);
export const unauthorized = (detail: string) => new ProblemError(401, 'unauthorized', 'Unauthorized', detail);
export const forbidden = (detail: string) => new ProblemError(403, 'forbidden', 'Forbidden', detail);
export const notFound = (detail: string) => new ProblemError(404, 'not-found', 'Not found', detail);
export const conflict = (type: string, detail: string, extra?: Record<string, unknown>) => new ProblemError(409, type, 'Conflict', detail, undefined, extra);
