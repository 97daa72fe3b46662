/**
 * Every problem type the API answers with (RFC 9457). A problem's `type` is `/problems/<slug>`,
 * and that URI serves a page describing it, rendered from this table (functions/api/docs.ts).
 */

export interface ProblemTypeInfo {
  title: string;
  /** The HTTP statuses this type comes with. */
  statuses: number[];
  /** What happened and what the caller does about it. */
  description: string;
  /** Extension members the problem carries beside the standard ones. */
  extensions?: string[];
}

export const PROBLEM_TYPES = {
  'validation-failed': {
    title: 'Invalid input',
    statuses: [422, 400],
    description:
      'The body (or, with 400, a batch envelope) is well-formed JSON but some fields break the contract. `errors` names every one: `path` is a JSON pointer into the body, `code` the rule (e.g. `required`, `credit-code-check`, `unknown-field`). Nothing was stored; fix every listed field and send again.',
  },
  'bad-request': {
    title: 'Bad request',
    statuses: [400],
    description: 'The request could not be read: malformed JSON, a bad query parameter, cursor or header (e.g. a missing Access-Purpose). `errors` names the parameter when one is at fault.',
  },
  unauthorized: {
    title: 'Unauthorized',
    statuses: [401],
    description: 'No API key, a malformed one, or a revoked one. Send `Authorization: Bearer edx.<clientId>.<secret>`; the response carries `WWW-Authenticate: Bearer realm="exchange"`.',
  },
  forbidden: {
    title: 'Forbidden',
    statuses: [403],
    description: 'The client lacks the scope the operation needs (see the operation’s scopes), or tries to act for another department. Ask the exchange’s administrators to grant the scope.',
  },
  'not-found': {
    title: 'Not found',
    statuses: [404],
    description: 'Nothing is there, or nothing this client may see. The exchange does not say which, so that ids cannot be probed.',
  },
  'method-not-allowed': {
    title: 'Method not allowed',
    statuses: [405],
    description: 'The path exists but not with this method. The `Allow` header lists the methods it takes.',
  },
  'record-exists': {
    title: 'Conflict',
    statuses: [409],
    description:
      'A record with this `sourceId` was posted by the department before with other content. To change it, post it again with `"corrects": <currentVersion>`; posting the same content again is a harmless replay (201 with Idempotent-Replayed: true).',
    extensions: ['recordId', 'currentVersion'],
  },
  'stale-version': {
    title: 'Conflict',
    statuses: [409],
    description: 'The correction names a version that is no longer the latest. Read the record (`recordId`), check the latest version, and correct `currentVersion`.',
    extensions: ['recordId', 'currentVersion'],
  },
  'correction-target-missing': {
    title: 'Conflict',
    statuses: [409],
    description: 'A correction (`corrects`) names a record the department never posted. Post it without `corrects` first.',
    extensions: ['recordId'],
  },
  'kind-mismatch': {
    title: 'Conflict',
    statuses: [409],
    description: 'A correction cannot change a record’s kind. Post the other kind under a new `sourceId`.',
    extensions: ['recordId'],
  },
  'concurrent-correction': {
    title: 'Conflict',
    statuses: [409],
    description: 'Another correction of the same record landed at the same moment. Read the record and try again.',
    extensions: ['recordId'],
  },
  'subscription-limit': {
    title: 'Conflict',
    statuses: [409],
    description: 'The department holds `held` subscriptions, the most allowed (`limit`). Delete one, or widen the filters of one (it takes several kinds, prefixes and codes).',
    extensions: ['limit', 'held'],
  },
  'rate-limited': {
    title: 'Too many requests',
    statuses: [429],
    description:
      'The client made more requests this second than it may (`limit` per second: its own limit, or the deployment’s default). Wait `Retry-After` seconds (`retryAfter`) and send again; spread a bulk load out, or ask the exchange’s administrators for a higher limit.',
    extensions: ['limit', 'retryAfter'],
  },
  'plan-already-fixed': { title: 'Conflict', statuses: [409], description: 'The inspection plan (双随机 plan) is fixed already; its pool and roster no longer change.' },
  'plan-not-fixed': { title: 'Conflict', statuses: [409], description: 'The inspection plan must be fixed before it is drawn.' },
  'plan-already-drawn': { title: 'Conflict', statuses: [409], description: 'The inspection plan is drawn already; a plan is drawn once.' },
  'payload-too-large': { title: 'Payload too large', statuses: [413], description: 'The body exceeds the operation’s limit (64 KiB for one record, 4 MiB for a batch). Split a batch.' },
  'unsupported-media-type': { title: 'Unsupported media type', statuses: [415], description: 'Bodies are sent as `Content-Type: application/json` in UTF-8.' },
  internal: {
    title: 'Internal error',
    statuses: [500],
    description: 'Something failed on the exchange’s side. Nothing half-done is kept; retry later, and quote the request id in `detail` (also in the `x-request-id` header) to the operators.',
  },
} as const satisfies Record<string, ProblemTypeInfo>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;
export const PROBLEM_PREFIX = '/problems/';
