/**
 * File imports (批量导入) as jobs. An uploaded file's rows are stored in chunks first; each request
 * to the job's page then takes one chunk through the ingest path of POST /v1/records and keeps its
 * per-row report, so the page can show "n of N" as it goes and no request runs longer than one
 * chunk however large the file. This works behind API Gateway's HTTP API, which answers a Lambda
 * only with a whole response (no streaming), and without scripts in the browser: the page reloads
 * itself until the job is done.
 *
 * Two requests working on the same job at once ingest the same chunk twice, which is harmless
 * (ingest is idempotent by sourceId); only one of them records the chunk's report and moves the
 * job on (a conditional write), the other reads the job again.
 */
import { WRITE_SCOPES, type ApiClient } from './model';
import type { RecordKind } from '../../schemas/records';
import { requireScope } from './clients';
import { notFound, type FieldError } from './errors';
import { ingestBatch, MAX_RECORD_BYTES } from './ingest';
import type { IngestRules } from './ingest-rules';
import type { Ports } from './ports';

/** Rows one request takes through ingest; a chunk also stays under CHUNK_BYTES so it fits one table item. */
export const IMPORT_STEP_ROWS = 50;
const CHUNK_BYTES = 300_000;
/** How long a job and its report are kept. */
export const IMPORT_KEEP_DAYS = 7;

export interface ImportJob {
  id: string;
  department: string;
  clientId: string;
  kind: RecordKind;
  fileName: string;
  /** The file's column of each field it has (a field path to a header), to name it in the report. */
  headers: Record<string, string>;
  /** Rows in the file, rows done, and the chunks they are stored in. */
  total: number;
  processed: number;
  chunks: number;
  nextChunk: number;
  counts: { created: number; replayed: number; rejected: number };
  createdAt: string;
  expiresAt: string;
}

/** One row of the report: the file's line, and what became of it. */
export interface ImportRowResult {
  line: number;
  sourceId?: string;
  outcome: 'created' | 'replayed' | 'rejected';
  recordId?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
}

/** A row as stored: its body, or, for a row larger than any record may be, only what the report needs. */
type StoredRow = { line: number; body: Record<string, unknown> } | { line: number; sourceId?: string; bytes: number };

const sourceIdOf = (body: Record<string, unknown>) => (typeof body.sourceId === 'string' ? body.sourceId : undefined);

/** Stores the rows of an uploaded file (`line` is the file's line of each) and creates the job. */
export async function startImport(
  ports: Ports,
  client: ApiClient,
  kind: RecordKind,
  fileName: string,
  rows: { line: number; body: Record<string, unknown> }[],
  headers: Record<string, string>,
): Promise<ImportJob> {
  requireScope(client, WRITE_SCOPES[kind]);
  const chunks: string[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  for (const { line, body } of rows) {
    const size = Buffer.byteLength(JSON.stringify(body));
    const stored = JSON.stringify(size > MAX_RECORD_BYTES ? ({ line, sourceId: sourceIdOf(body), bytes: size } satisfies StoredRow) : ({ line, body } satisfies StoredRow));
    const length = Buffer.byteLength(stored) + 1;
    if (chunk.length && (chunk.length >= IMPORT_STEP_ROWS || bytes + length > CHUNK_BYTES)) {
      chunks.push(`[${chunk.join(',')}]`);
      [chunk, bytes] = [[], 0];
    }
    chunk.push(stored);
    bytes += length;
  }
  if (chunk.length) chunks.push(`[${chunk.join(',')}]`);
  const now = ports.clock.now();
  const job: ImportJob = {
    id: `imp_${ports.ids.random(12)}`,
    department: client.department,
    clientId: client.clientId,
    kind,
    fileName: fileName.slice(0, 200),
    headers,
    total: rows.length,
    processed: 0,
    chunks: chunks.length,
    nextChunk: 0,
    counts: { created: 0, replayed: 0, rejected: 0 },
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + IMPORT_KEEP_DAYS * 86_400_000).toISOString(),
  };
  await ports.importJobs.create(job, chunks);
  return job;
}

/** A job of the caller's department. */
export async function readImport(ports: Ports, client: ApiClient, id: string): Promise<ImportJob> {
  const job = /^imp_[A-Za-z0-9_-]{16}$/.test(id) ? await ports.importJobs.get(id) : undefined;
  if (!job || job.department !== client.department) throw notFound(`no import ${id}`);
  return job;
}

/** Takes the job's next chunk through ingest (if any is left) and returns the job as it is after. */
export async function stepImport(ports: Ports, client: ApiClient, id: string, rules: IngestRules): Promise<ImportJob> {
  const job = await readImport(ports, client, id);
  if (job.nextChunk >= job.chunks) return job;
  const rows = JSON.parse((await ports.importJobs.chunk(id, job.nextChunk)) ?? '[]') as StoredRow[];
  const bodies = rows.flatMap((r) => ('body' in r ? [r.body] : []));
  const results = await ingestBatch(ports, client, bodies, rules);
  let i = 0;
  const report = rows.map((row): ImportRowResult => {
    if (!('body' in row)) return { line: row.line, sourceId: row.sourceId, outcome: 'rejected', status: 413, detail: `the record is ${row.bytes} bytes; at most ${MAX_RECORD_BYTES} are accepted` };
    const r = results[i++];
    const base = { line: row.line, sourceId: sourceIdOf(row.body) };
    if (r.outcome && r.record) return { ...base, outcome: r.outcome, recordId: r.record.id };
    return { ...base, outcome: 'rejected', status: r.status, detail: r.problem?.detail, ...(r.problem?.errors?.length ? { errors: r.problem.errors } : {}) };
  });
  const counts = { ...job.counts };
  for (const r of report) counts[r.outcome]++;
  const after: ImportJob = { ...job, processed: job.processed + rows.length, nextChunk: job.nextChunk + 1, counts };
  return (await ports.importJobs.advance(after, job.nextChunk, report)) ? after : readImport(ports, client, id);
}
