/**
 * Ingest (数据归集): validates a posted record, stores it idempotently and keeps its versions.
 *
 * A record's identity is (posting department, its own sourceId). Posting the same content again
 * returns what was stored; different content under the same identity is a conflict unless the
 * post names the version it corrects, which then becomes the previous version.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { recordInputSchema, recordDate, RECORD_KINDS, type Party, type RecordInput, type RecordKind } from '../../schemas/records';
import type { CreditCodeExceptions } from '../../schemas/credit-code';
import { conflict, forbidden, invalidInput, payloadTooLarge, ProblemError, type Problem } from './errors';
import { WRITE_SCOPES, type ApiClient, type StoredVersion } from './model';
import type { Ports } from './ports';
import { exceptionCodes } from './credit-code-exceptions';
import { summarise } from './summary';
import { DEFAULT_INGEST_RULES, type IngestRules } from './ingest-rules';
import { TooDeep, tooDeep } from './json-body';
import { chinaDate } from './china-time';
import { parseOrThrow, recordWarnings } from './validation';
import { sourceUnit } from './departments';
import { personPartyKey, registrationPartyKey } from '../store/table';
import { licenceCreditWarnings } from './credit-warnings';
import { catalogueWarnings, checkAgainstCatalogue, matchScope } from './catalogue';
import { catalogueIndex, scopeTable } from './catalogue-cache';
import { MAX_RECORD_BYTES } from './limits';

export interface IngestResult {
  outcome: 'created' | 'replayed';
  record: StoredVersion;
}

export const recordId = (department: string, sourceId: string) => 'rec_' + createHash('sha256').update(`${department}\n${sourceId}`).digest('hex').slice(0, 26);

export { canonicalJson };

/**
 * Who the record is about, as the enterprise partition is keyed: the credit code, else the party
 * key derived from the party (see "Party keys" in functions/store/table.ts).
 */
export function partyKeyOf(input: Pick<RecordInput, 'creditCode' | 'kind' | 'data'>, secret: string): string {
  if (input.creditCode !== undefined) return input.creditCode;
  const party = input.kind === 'licence' || input.kind === 'penalty' ? (input.data as { party?: Party }).party : undefined;
  if (party?.category === 'natural-person' && party.idDocument) return personPartyKey(party.idDocument, secret);
  if (party?.registrationNumber) return registrationPartyKey(party.registrationNumber);
  // The schema lets no record through without one of the above.
  throw new Error('record without a party key passed validation');
}

type HashedContent = Pick<RecordInput, 'kind' | 'creditCode' | 'data'>;
const hashedJson = (input: HashedContent) => canonicalJson({ kind: input.kind, creditCode: input.creditCode, data: input.data });

/** The prefix of a keyed content hash; versions stored before it carry a bare SHA-256 hex digest. */
export const CONTENT_HASH_PREFIX = 'hmac-sha256:';

/** The content hash of a new version: an HMAC under the exchange's own key (see IngestRules.contentHashKey). */
export const contentHash = (input: HashedContent, key: string) => CONTENT_HASH_PREFIX + createHmac('sha256', key).update(hashedJson(input)).digest('hex');

/**
 * Whether a post carries the content of a stored version, whichever form of hash the version was
 * stored with: replays of records stored before the keyed hash are still recognised.
 */
export function sameContent(stored: string, input: HashedContent, key: string): boolean {
  const computed = stored.startsWith(CONTENT_HASH_PREFIX) ? contentHash(input, key) : createHash('sha256').update(hashedJson(input)).digest('hex');
  return stored.length === computed.length && timingSafeEqual(Buffer.from(stored), Buffer.from(computed));
}

// The exception list changes rarely and the latest date once a day: one compiled schema per pair.
let compiled: { exceptions: CreditCodeExceptions; latestDate: string; schema: ReturnType<typeof recordInputSchema> } | undefined;
function schemaFor(exceptions: CreditCodeExceptions, latestDate: string) {
  if (compiled?.exceptions !== exceptions || compiled.latestDate !== latestDate) compiled = { exceptions, latestDate, schema: recordInputSchema(exceptions, latestDate) };
  return compiled.schema;
}

export { MAX_RECORD_BYTES };

/** Validates and authorises a posted record without writing anything. */
export async function validateRecord(ports: Ports, client: ApiClient, body: unknown, rules: IngestRules = DEFAULT_INGEST_RULES): Promise<RecordInput> {
  if (body instanceof TooDeep) throw tooDeep();
  const size = Buffer.byteLength(JSON.stringify(body) ?? '');
  if (size > MAX_RECORD_BYTES) throw payloadTooLarge(`the record is ${size} bytes; at most ${MAX_RECORD_BYTES} are accepted`);
  const kind = (body as { kind?: unknown } | null)?.kind;
  if (typeof kind === 'string' && (RECORD_KINDS as readonly string[]).includes(kind) && !client.scopes.includes(WRITE_SCOPES[kind as RecordKind])) {
    throw forbidden(`client ${client.clientId} may not post ${kind} records (needs scope ${WRITE_SCOPES[kind as RecordKind]})`);
  }
  const latestDate = chinaDate(new Date(ports.clock.now().getTime() + rules.maxFutureDays * 86_400_000));
  const input = parseOrThrow(schemaFor(await exceptionCodes(ports), latestDate), body, (errors) =>
    invalidInput(`the record has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}`, errors),
  );
  if (input.department !== undefined && input.department !== client.department) {
    throw forbidden(`client ${client.clientId} belongs to department ${client.department} and cannot post as ${input.department}`);
  }
  if (input.kind === 'licence' || input.kind === 'filing') {
    const errors = checkAgainstCatalogue(input, await catalogueIndex(ports));
    if (errors.length) throw invalidInput(`the ${input.kind} does not fit the permit catalogue on its date`, errors);
  }
  return input;
}

/**
 * The summary of a record; a registration's also says how its scope reads against the standard
 * terms: the terms found, the permits they need (each a list of alternatives) and the phrases no
 * term matched.
 */
function summaryOf(input: RecordInput, party: string): Record<string, unknown> {
  const summary = summarise(input.kind, input.data, party);
  if (input.kind !== 'registration') return summary;
  const match = matchScope(input.data.businessScope, scopeTable());
  const terms = [...new Map(match.matched.map((m) => [m.term.term, { term: m.term.term, kind: m.term.kind }])).values()];
  return { ...summary, scope: { terms, unmatched: match.unmatched, permits: match.requirements.map((r) => r.items) } };
}

export async function ingestRecord(ports: Ports, client: ApiClient, body: unknown, rules: IngestRules = DEFAULT_INGEST_RULES): Promise<IngestResult> {
  const input = await validateRecord(ports, client, body, rules);
  if (input.kind !== 'inspection' || input.data.taskId === undefined) return store(ports, client, input, rules);
  // Only an inspection that closes a 双随机 task needs the plans' code (loaded on first use, a chunk of its own in the api).
  const { checkTaskReference, closeTask } = await import('./inspections');
  const task = await checkTaskReference(ports, client, input);
  const result = await store(ports, client, input, rules);
  if (task) await closeTask(ports, task, result.record);
  return result;
}

async function store(ports: Ports, client: ApiClient, input: RecordInput, rules: IngestRules): Promise<IngestResult> {
  // The reads a version needs, together: the credit lists' answer (a GetItem for a valid licence,
  // refusing a commitment grant to a blacklisted enterprise and warning on an ordinary one) waits
  // on nothing else, and the catalogue and the department directory read only when their caches
  // are due.
  const [catalogue, source, creditWarnings] = await Promise.all([catalogueIndex(ports), sourceUnit(ports, client.department), licenceCreditWarnings(ports, input)]);
  const warnings = [...recordWarnings(input), ...catalogueWarnings(input, catalogue)];
  const id = recordId(client.department, input.sourceId);
  const hash = contentHash(input, rules.contentHashKey);
  const unchanged = (stored: StoredVersion) => sameContent(stored.contentHash, input, rules.contentHashKey);
  const party = partyKeyOf(input, rules.partyKeySecret);
  const version = (n: number, corrects?: number): StoredVersion => ({
    id,
    version: n,
    kind: input.kind,
    creditCode: party,
    sourceId: input.sourceId,
    department: client.department,
    clientId: client.clientId,
    receivedAt: ports.clock.now().toISOString(),
    contentHash: hash,
    date: recordDate(input.kind, input.data),
    data: input.data as Record<string, unknown>,
    summary: summaryOf(input, party),
    warnings: [...warnings, ...creditWarnings],
    source,
    ...(corrects === undefined ? {} : { corrects }),
  });

  if (input.corrects === undefined) {
    const first = version(1);
    const put = await ports.records.putFirstVersion(first);
    // Fan-out counts it (statistics, the directory's per kind) when the stream brings it.
    if (put.created) return { outcome: 'created', record: first };
    // The failed write returned version 1; only if it was corrected since is there a later one to read.
    const latest = put.existing.supersededBy === undefined ? put.existing : ((await ports.records.latestVersion(id)) ?? put.existing);
    if (unchanged(latest)) return { outcome: 'replayed', record: latest };
    throw conflict(
      'record-exists',
      `record ${input.sourceId} of department ${client.department} already exists with different content (version ${latest.version}); to change it, post with "corrects": ${latest.version}`,
      { recordId: id, currentVersion: latest.version },
    );
  }

  // A correction: at most two tries, in case another correction lands between read and write.
  for (let attempt = 0; attempt < 2; attempt++) {
    const latest = await ports.records.latestVersion(id);
    if (!latest) throw conflict('correction-target-missing', `record ${input.sourceId} of department ${client.department} does not exist; post it without "corrects"`, { recordId: id });
    if (unchanged(latest)) return { outcome: 'replayed', record: latest };
    if (latest.kind !== input.kind) throw conflict('kind-mismatch', `record ${input.sourceId} is a ${latest.kind} record; a correction cannot change its kind`, { recordId: id });
    if (latest.version !== input.corrects) {
      throw conflict('stale-version', `"corrects" names version ${input.corrects} but the current version is ${latest.version}`, {
        recordId: id,
        currentVersion: latest.version,
      });
    }
    const next = version(latest.version + 1, latest.version);
    if (await ports.records.putCorrection(next, latest)) return { outcome: 'created', record: next };
  }
  throw conflict('concurrent-correction', `record ${input.sourceId} was corrected concurrently; read it and try again`, { recordId: id });
}

export interface BatchItemResult {
  index: number;
  status: number;
  outcome?: IngestResult['outcome'];
  record?: StoredVersion;
  problem?: Problem;
}

/** Ingests up to 100 records, a few at a time; each gets its own result and one failure stops nothing. */
export async function ingestBatch(ports: Ports, client: ApiClient, bodies: unknown[], rules: IngestRules = DEFAULT_INGEST_RULES, concurrency = 8): Promise<BatchItemResult[]> {
  const results: BatchItemResult[] = new Array(bodies.length);
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const index = next++;
      try {
        const r = await ingestRecord(ports, client, bodies[index], rules);
        results[index] = { index, status: 201, outcome: r.outcome, record: r.record };
      } catch (e) {
        if (!(e instanceof ProblemError)) throw e;
        results[index] = { index, status: e.status, problem: e.toProblem() };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
  return results;
}
