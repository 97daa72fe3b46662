/**
 * The local stand-ins for Lambda's event source mappings, calling the very same handlers:
 * - StreamPoller: DynamoDB stream → handler, in order per shard, batches of up to 100, with
 *   reportBatchItemFailures (retry from the failed record), bisect on error, a bounded number of
 *   retries and an on-failure destination for what still fails.
 * - QueuePoller: SQS → handler, batches of up to 10, deleting what succeeded and leaving the
 *   reported failures for the queue to redeliver (and finally move to the DLQ).
 * - every(): a schedule.
 */
import { writeFileSync, existsSync, readFileSync } from 'node:fs';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StreamPollerOptions {
  dynamodbEndpoint: string;
  table: string;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  batchSize?: number;
  /** Retries of a failing batch before its first record goes to `onFailure` (Lambda: MaximumRetryAttempts). */
  maxRetries?: number;
  bisectOnError?: boolean;
  /** Where records that kept failing go (Lambda: the on-failure destination). */
  onFailure?: (record: DynamoDBRecord, error: unknown) => void;
  /** Keeps the per-shard position here, so a restart resumes where it stopped. */
  checkpointFile?: string;
  /** Lambda event filter patterns; records matching none are skipped without calling the handler. */
  filters?: object[];
  idleMs?: number;
}

function toLambdaRecord(r: _Record, streamArn: string): DynamoDBRecord {
  return {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: r.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: r.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(r.dynamodb as DynamoDBRecord['dynamodb']),
      ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime ? Math.floor(r.dynamodb.ApproximateCreationDateTime.getTime() / 1000) : undefined,
    },
  } as DynamoDBRecord;
}

/**
 * Lambda's event filtering, for the patterns this project uses: a list matches a value in it, or
 * `{ exists: true }` matches a present field; an object descends into the record.
 */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((p) => (p && typeof p === 'object' && 'exists' in p ? (value !== undefined) === (p as { exists: boolean }).exists : p === value));
  }
  if (pattern && typeof pattern === 'object') {
    const v = (value ?? {}) as Record<string, unknown>;
    return Object.entries(pattern).every(([k, p]) => matchesPattern(v[k], p));
  }
  return pattern === value;
}

export class StreamPoller {
  private running = false;
  private loop?: Promise<void>;
  private readonly checkpoints: Record<string, string>;
  private readonly streams: DynamoDBStreamsClient;
  private readonly db: DynamoDBClient;
  /** Records handed to the handler so far (tests and benchmarks wait on it). */
  processed = 0;
  failures = 0;

  constructor(private readonly o: StreamPollerOptions) {
    this.streams = new DynamoDBStreamsClient({ endpoint: o.dynamodbEndpoint });
    this.db = new DynamoDBClient({ endpoint: o.dynamodbEndpoint });
    this.checkpoints = o.checkpointFile && existsSync(o.checkpointFile) ? JSON.parse(readFileSync(o.checkpointFile, 'utf8')) : {};
  }

  start() {
    this.running = true;
    this.loop = this.run().catch((e) => console.error('stream poller stopped:', e));
    return this;
  }

  async stop() {
    this.running = false;
    await this.loop;
    this.streams.destroy();
    this.db.destroy();
  }

  private checkpoint(shardId: string, sequenceNumber: string) {
    this.checkpoints[shardId] = sequenceNumber;
    if (this.o.checkpointFile) writeFileSync(this.o.checkpointFile, JSON.stringify(this.checkpoints));
  }

  private async run() {
    const table = await this.db.send(new DescribeTableCommand({ TableName: this.o.table }));
    const streamArn = table.Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`table ${this.o.table} has no stream`);
    const iterators = new Map<string, string | undefined>();
    const finished = new Set<string>();
    let lastDescribe = 0;
    while (this.running) {
      if (Date.now() - lastDescribe > 1000) {
        lastDescribe = Date.now();
        const shards = (await this.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
        for (const s of shards) {
          if (!s.ShardId || iterators.has(s.ShardId) || finished.has(s.ShardId)) continue;
          const after = this.checkpoints[s.ShardId];
          const it = await this.streams.send(
            new GetShardIteratorCommand({
              StreamArn: streamArn,
              ShardId: s.ShardId,
              ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
            }),
          );
          iterators.set(s.ShardId, it.ShardIterator);
        }
      }
      let busy = false;
      for (const [shardId, iterator] of iterators) {
        if (!iterator) {
          iterators.delete(shardId);
          finished.add(shardId);
          continue;
        }
        const out = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.o.batchSize ?? 100 }));
        const all = (out.Records ?? []).map((r) => toLambdaRecord(r, streamArn));
        const filters = this.o.filters;
        const records = filters ? all.filter((r) => filters.some((f) => matchesPattern(r, f))) : all;
        if (records.length) await this.process(shardId, records, 0);
        else if (all.length) this.checkpoint(shardId, all[all.length - 1].dynamodb?.SequenceNumber ?? '');
        busy ||= all.length > 0;
        iterators.set(shardId, out.NextShardIterator);
      }
      if (!busy) await sleep(this.o.idleMs ?? 25);
    }
  }

  /** One batch with Lambda's semantics; returns when every record succeeded or was given up on. */
  private async process(shardId: string, records: DynamoDBRecord[], depth: number): Promise<void> {
    let pending = records;
    let attempt = 0;
    while (pending.length) {
      let failedAt: number;
      let error: unknown;
      try {
        const res = await this.o.handler({ Records: pending });
        this.processed += pending.length;
        const failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        failedAt = pending.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
        error = failedAt >= 0 ? new Error('reported as failed by the handler') : undefined;
      } catch (e) {
        error = e;
        if ((this.o.bisectOnError ?? true) && pending.length > 1) {
          const mid = Math.ceil(pending.length / 2);
          await this.process(shardId, pending.slice(0, mid), depth + 1);
          await this.process(shardId, pending.slice(mid), depth + 1);
          return;
        }
        failedAt = 0;
      }
      if (failedAt === -1) {
        this.checkpoint(shardId, pending[pending.length - 1].dynamodb?.SequenceNumber ?? '');
        return;
      }
      if (failedAt > 0) this.checkpoint(shardId, pending[failedAt - 1].dynamodb?.SequenceNumber ?? '');
      pending = pending.slice(failedAt);
      if (++attempt > (this.o.maxRetries ?? 3)) {
        this.failures++;
        (this.o.onFailure ?? ((r, e) => console.error('stream record given up:', r.eventID, e)))(pending[0], error);
        this.checkpoint(shardId, pending[0].dynamodb?.SequenceNumber ?? '');
        pending = pending.slice(1);
        attempt = 0;
      } else {
        await sleep(Math.min(2000, 50 * 2 ** attempt));
      }
    }
  }
}

export interface QueuePollerOptions {
  sqsEndpoint: string;
  queueUrl: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  batchSize?: number;
  /** Batches handled at once (Lambda would scale out). */
  concurrency?: number;
  waitSeconds?: number;
}

export class QueuePoller {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly sqs: SQSClient;
  private queueArn = '';
  handled = 0;
  /** Start times of receives that came back empty while no batch was being handled. */
  private idleSince: number[] = [];
  private inFlight = 0;

  constructor(private readonly o: QueuePollerOptions) {
    this.sqs = new SQSClient({ endpoint: o.sqsEndpoint });
  }

  async start() {
    const attrs = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.o.queueUrl, AttributeNames: ['QueueArn'] }));
    this.queueArn = attrs.Attributes?.QueueArn ?? '';
    this.running = true;
    this.loops = Array.from({ length: this.o.concurrency ?? 2 }, () => this.run().catch((e) => console.error('queue poller stopped:', e)));
    return this;
  }

  async stop() {
    this.running = false;
    await Promise.all(this.loops);
    this.sqs.destroy();
  }

  /**
   * Resolves once every message visible when it was called has been handled: each loop has since
   * started a receive that came back empty while no batch was in hand. Messages waiting out a
   * retry delay are not visible and not waited for.
   */
  async drained(timeoutMs = 15_000): Promise<void> {
    const since = performance.now();
    const deadline = since + timeoutMs;
    while (this.idleSince.filter((t) => t >= since).length < this.loops.length) {
      if (performance.now() > deadline) throw new Error(`the delivery queue did not drain within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async run() {
    while (this.running) {
      const started = performance.now();
      const out = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.o.queueUrl,
          MaxNumberOfMessages: this.o.batchSize ?? 10,
          WaitTimeSeconds: this.o.waitSeconds ?? 1,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const messages = out.Messages ?? [];
      if (!messages.length) {
        if (this.inFlight === 0) this.idleSince = [...this.idleSince.slice(-15), started];
        continue;
      }
      this.inFlight++;
      const event: SQSEvent = {
        Records: messages.map((m) => ({
          messageId: m.MessageId ?? '',
          receiptHandle: m.ReceiptHandle ?? '',
          body: m.Body ?? '',
          attributes: {
            ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
            SentTimestamp: m.Attributes?.SentTimestamp ?? '',
            SenderId: m.Attributes?.SenderId ?? '',
            ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? '',
          },
          messageAttributes: {},
          md5OfBody: m.MD5OfBody ?? '',
          eventSource: 'aws:sqs',
          eventSourceARN: this.queueArn,
          awsRegion: 'us-east-1',
        })),
      };
      let failed: Set<string>;
      try {
        const res = await this.o.handler(event);
        failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (e) {
        console.error('delivery handler threw; the whole batch returns to the queue:', e);
        failed = new Set(messages.map((m) => m.MessageId ?? ''));
      }
      this.handled += messages.length;
      const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
      try {
        if (done.length) {
          await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.o.queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
        }
      } finally {
        this.inFlight--;
      }
    }
  }
}

/** Runs `job` every `ms` until the returned stop function is called. */
export function every(ms: number, job: () => Promise<unknown>): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    job()
      .catch((e) => console.error('scheduled job failed:', e))
      .finally(() => (busy = false));
  }, ms);
  return () => clearInterval(timer);
}
