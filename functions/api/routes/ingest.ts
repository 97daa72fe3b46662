/** Posting records (单条与批量), with a metric line per kind accepted and rejected. */
import { BatchRequest } from '../../../schemas/records';
import { RECORD_KINDS } from '../../../schemas/records';
import { invalidInput, ProblemError } from '../../core/errors';
import { ingestBatch, ingestRecord } from '../../core/ingest';
import { DEFAULT_INGEST_RULES } from '../../core/ingest-rules';
import { presentVersion } from '../../core/privacy';
import { parseOrThrow } from '../../core/validation';
import { recordMetrics } from '../../telemetry';
import { jsonBody, type RouteModule } from '../http';

/** Counts a posted record under its kind (`unknown` when the body names none the exchange knows). */
function countRecord(byKind: Map<string, { accepted: number; rejected: number }>, body: unknown, accepted: boolean) {
  const named = (body as { kind?: unknown } | null)?.kind;
  const kind = typeof named === 'string' && (RECORD_KINDS as readonly string[]).includes(named) ? named : 'unknown';
  const n = byKind.get(kind) ?? { accepted: 0, rejected: 0 };
  n[accepted ? 'accepted' : 'rejected']++;
  byKind.set(kind, n);
}

export const handlers: RouteModule<'ingest'>['handlers'] = ({ ports, log, options }) => {
  const ingestRules = options.ingest ?? DEFAULT_INGEST_RULES;
  return {
    postRecordBatch: async (c) => {
      const batch = parseOrThrow(BatchRequest, await jsonBody(c, 'records'), (errors) => invalidInput('invalid batch', errors));
      const client = c.get('client');
      const results = await ingestBatch(ports, client, batch.records, ingestRules);
      const counts = { created: 0, replayed: 0, rejected: 0 };
      for (const r of results) counts[r.outcome ?? 'rejected']++;
      const byKind = new Map<string, { accepted: number; rejected: number }>();
      results.forEach((r, i) => countRecord(byKind, batch.records[i], !!r.outcome));
      for (const line of recordMetrics(client.department, byKind, c.get('logFields'))) log(line);
      return c.json({
        results: results.map((r) => ({ ...r, ...(r.record ? { record: presentVersion(r.record, client) } : {}) })),
        counts,
      });
    },
    postRecord: async (c) => {
      const client = c.get('client');
      const body = await jsonBody(c);
      const byKind = new Map<string, { accepted: number; rejected: number }>();
      let ingested: Awaited<ReturnType<typeof ingestRecord>>;
      try {
        ingested = await ingestRecord(ports, client, body, ingestRules);
        countRecord(byKind, body, true);
      } catch (e) {
        // A record refused for what it says (invalid, conflicting, not this client's to post) counts as rejected; an outage does not.
        if (e instanceof ProblemError && e.status < 500) countRecord(byKind, body, false);
        throw e;
      } finally {
        for (const line of recordMetrics(client.department, byKind, c.get('logFields'))) log(line);
      }
      const { outcome, record } = ingested;
      c.header('location', `/v1/records/${record.id}`);
      if (outcome === 'replayed') c.header('idempotent-replayed', 'true');
      return c.json(presentVersion(record, client), 201);
    },
  };
};
