/**
 * The local stand-ins for Lambda's event source mappings, calling the very same handlers:
 * - StreamPoller: DynamoDB stream → handler, in order per shard (a parent shard before its
 *   children), batches of up to 100, with the mapping's error handling (infra/definitions.ts
 *   FANOUT_MAPPING): reportBatchItemFailures (retry from the failed record), bisect on error,
 *   retries with capped exponential backoff up to the retry limit or the record age limit, then
 *   the on-failure destination. Its position is checkpointed to a file after each handled batch,
 *   so a restart resumes there.
 * - QueuePoller: SQS → handler, batches of up to 10, deleting what succeeded and leaving the
 *   reported failures for the queue to redeliver (and finally move to the DLQ).
 * - every(): a schedule.
 * Both pollers keep polling through errors of the services (DynamoDB Local or the SQS emulator
 * down, an expired or trimmed shard iterator), backing off and logging each outage once.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { STORE_TIMEOUTS } from '../functions/store/aws';
import { FANOUT_MAPPING } from '../infra/definitions';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Capped exponential backoff: the delay before retry `n` (0-based). */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}
export const DEFAULT_BACKOFF: Backoff = { initialMs: 200, maxMs: 5000 };
export const backoffDelay = (b: Backoff, n: number) => Math.min(b.maxMs, b.initialMs * 2 ** Math.min(n, 30));

const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
const errorName = (e: unknown) => (e instanceof Error ? e.name : '');

/** Says when a dependency starts failing and when it answers again, once each, not on every retry. */
class Outage {
  private since?: number;
  constructor(
    private readonly what: string,
    private readonly log: (line: string) => void,
  ) {}
  failed(e: unknown) {
    if (this.since !== undefined) return;
    this.since = Date.now();
    this.log(`${this.what} failing (${errorText(e)}); retrying with backoff`);
  }
  ok() {
    if (this.since === undefined) return;
    this.log(`${this.what} recovered after ${((Date.now() - this.since) / 1000).toFixed(1)} s`);
    this.since = undefined;
  }
}

/** Thrown out of a wait when the poller is stopped, so nothing is checkpointed past that point. */
class Stopping extends Error {}

/** Where a stream poller reads: the table's stream, or a fake one in tests. */
export interface StreamSource {
  /** The stream and its shards; a shard names its parent, whose records come first. */
  describe(): Promise<{ streamArn: string; shards: { shardId: string; parentShardId?: string }[] }>;
  /** An iterator just after `after`, or at the oldest record kept (TRIM_HORIZON) without it. */
  iterator(shardId: string, after?: string): Promise<string | undefined>;
  /** Up to `limit` records and the iterator to go on with (none once a closed shard is read to its end). */
  read(iterator: string, limit: number): Promise<{ records: DynamoDBRecord[]; next?: string }>;
  close?(): void;
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

/** The stream of a DynamoDB (Local) table, with the store's timeouts so a paused server cannot hold the poller. */
export function dynamodbStreamSource(endpoint: string, table: string): StreamSource {
  const config = {
    endpoint,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: STORE_TIMEOUTS.connectionTimeoutMs, requestTimeout: STORE_TIMEOUTS.requestTimeoutMs, throwOnRequestTimeout: true },
  };
  const db = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  let streamArn = '';
  return {
    async describe() {
      streamArn ||= (await db.send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn ?? '';
      if (!streamArn) throw new Error(`table ${table} has no stream`);
      const shards: { shardId: string; parentShardId?: string }[] = [];
      let start: string | undefined;
      try {
        do {
          const d = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }))).StreamDescription;
          for (const s of d?.Shards ?? []) if (s.ShardId) shards.push({ shardId: s.ShardId, parentShardId: s.ParentShardId });
          start = d?.LastEvaluatedShardId;
        } while (start);
      } catch (e) {
        // Asked again next time: the table may have been made anew, with another stream.
        streamArn = '';
        throw e;
      }
      return { streamArn, shards };
    },
    async iterator(shardId, after) {
      const at = after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' as const };
      return (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...at }))).ShardIterator;
    },
    async read(iterator, limit) {
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
      return { records: (out.Records ?? []).map((r) => toLambdaRecord(r, streamArn)), next: out.NextShardIterator };
    },
    close() {
      db.destroy();
      streams.destroy();
    },
  };
}

/**
 * What the poller hands to the on-failure destination: the batch info AWS sends to an OnFailure
 * destination, plus the records themselves (AWS sends only where they were in the stream), so
 * that `npm run replay-failed` can run them through fan-out again.
 */
export interface StreamFailure {
  version: '1.0';
  timestamp: string;
  requestContext: { condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded'; approximateInvokeCount: number };
  responseContext: { functionError: string };
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord?: string;
    approximateArrivalOfLastRecord?: string;
    batchSize: number;
    streamArn: string;
  };
  records: DynamoDBRecord[];
}

/** SQS takes messages up to 256 KiB; a failure is split into messages below that, records kept whole. */
const MAX_MESSAGE_BYTES = 250_000;

/** The on-failure destination on SQS (the fauxqs emulator locally). */
export function sqsFailureDestination(sqsEndpoint: string, queueUrl: string) {
  const sqs = new SQSClient({ endpoint: sqsEndpoint, maxAttempts: 1 });
  const send = async (failure: StreamFailure) => {
    const body = JSON.stringify(failure);
    if (Buffer.byteLength(body) <= MAX_MESSAGE_BYTES) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
      return;
    }
    if (failure.records.length <= 1) {
      // One record too large for a message: its place in the stream is kept, as on AWS.
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ ...failure, records: [] }) }));
      return;
    }
    const mid = Math.ceil(failure.records.length / 2);
    for (const part of [failure.records.slice(0, mid), failure.records.slice(mid)]) await send(withRecords(failure, part));
  };
  return { send, close: () => sqs.destroy() };
}

function withRecords(failure: StreamFailure, records: DynamoDBRecord[]): StreamFailure {
  const at = (r: DynamoDBRecord) => (r.dynamodb?.ApproximateCreationDateTime ? new Date(r.dynamodb.ApproximateCreationDateTime * 1000).toISOString() : undefined);
  return {
    ...failure,
    DDBStreamBatchInfo: {
      ...failure.DDBStreamBatchInfo,
      startSequenceNumber: records[0]?.dynamodb?.SequenceNumber ?? '',
      endSequenceNumber: records[records.length - 1]?.dynamodb?.SequenceNumber ?? '',
      approximateArrivalOfFirstRecord: at(records[0]),
      approximateArrivalOfLastRecord: at(records[records.length - 1]),
      batchSize: records.length,
    },
    records,
  };
}

export interface StreamPollerOptions {
  source: StreamSource;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  batchSize?: number;
  /** Retries of a failing batch before it goes to `onFailure` (Lambda: MaximumRetryAttempts). */
  retryAttempts?: number;
  bisectOnError?: boolean;
  /** A failing record older than this goes to `onFailure` without more retries (Lambda: MaximumRecordAgeInSeconds). */
  maxRecordAgeSeconds?: number;
  /** Where records that kept failing go (Lambda: the on-failure destination); retried until it takes them. */
  onFailure: (failure: StreamFailure) => Promise<void>;
  /**
   * Asked after a batch failed: false means the services the handler needs are down, and the batch
   * waits for them without spending a retry or being bisected (an outage is not the records'
   * fault). By default, whether the stream answers.
   */
  servicesUp?: () => Promise<boolean>;
  /** Keeps the per-shard position here, written after each handled batch, so a restart resumes where it stopped. */
  checkpointFile?: string;
  /** Lambda event filter patterns; records matching none are skipped without calling the handler. */
  filters?: object[];
  idleMs?: number;
  backoff?: Backoff;
  /** Waits between retries (tests pass one that records the delays). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  log?: (line: string) => void;
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

interface ShardState {
  parentShardId?: string;
  iterator?: string;
  finished: boolean;
}

/** The checkpoint file: the last handled sequence number of each shard of one stream. */
interface Checkpoints {
  streamArn?: string;
  shards: Record<string, string>;
}

function readCheckpoints(file: string | undefined, log: (line: string) => void): Checkpoints {
  if (!file || !existsSync(file)) return { shards: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    // Files from before the stream was named in them hold the shards at the top level.
    if (typeof parsed.streamArn !== 'string') return { shards: Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string')) as Record<string, string> };
    return { streamArn: parsed.streamArn, shards: (parsed.shards ?? {}) as Record<string, string> };
  } catch (e) {
    log(`stream checkpoint file ${file} is unreadable (${errorText(e)}); starting from the oldest record kept (fan-out is idempotent)`);
    return { shards: {} };
  }
}

export class StreamPoller {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly stopped: Promise<void>;
  private checkpoints: Checkpoints;
  private readonly shards = new Map<string, ShardState>();
  private streamArn = '';
  private lastDescribe = 0;
  private readonly log: (line: string) => void;
  private readonly polling: Outage;
  private readonly services: Outage;
  private readonly destination: Outage;
  /** Records handed to the handler so far, retries included (tests and benchmarks wait on it). */
  processed = 0;
  /** Invocations of the handler that failed and were retried. */
  retries = 0;
  /** Records sent to the on-failure destination. */
  givenUp = 0;

  constructor(private readonly o: StreamPollerOptions) {
    this.log = o.log ?? ((line) => console.error(`[stream poller] ${line}`));
    this.polling = new Outage('stream polling', this.log);
    this.services = new Outage('services the stream handler needs', this.log);
    this.destination = new Outage('the on-failure destination', this.log);
    this.checkpoints = readCheckpoints(o.checkpointFile, this.log);
    this.stopped = new Promise((r) => (this.wake = r));
  }

  start() {
    this.running = true;
    this.loop = this.run();
    return this;
  }

  async stop() {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.o.source.close?.();
  }

  private get backoff() {
    return this.o.backoff ?? DEFAULT_BACKOFF;
  }

  /** Waits `ms`, or less when the poller is stopped, which then throws. */
  private async pause(ms: number) {
    if (!this.running) throw new Stopping();
    await Promise.race([(this.o.sleep ?? sleep)(ms), this.stopped]);
    if (!this.running) throw new Stopping();
  }

  private checkpoint(shardId: string, record: DynamoDBRecord | undefined) {
    const sequenceNumber = record?.dynamodb?.SequenceNumber;
    if (!sequenceNumber) return;
    this.checkpoints.shards[shardId] = sequenceNumber;
    const file = this.o.checkpointFile;
    if (!file) return;
    // Written whole and renamed into place: a crash mid-write leaves the previous checkpoint.
    writeFileSync(`${file}.tmp`, JSON.stringify({ streamArn: this.streamArn, shards: this.checkpoints.shards }));
    renameSync(`${file}.tmp`, file);
  }

  private async run() {
    let failures = 0;
    while (this.running) {
      try {
        const busy = await this.pollOnce();
        this.polling.ok();
        failures = 0;
        if (!busy) await this.pause(this.o.idleMs ?? 25);
      } catch (e) {
        if (e instanceof Stopping || !this.running) return;
        this.polling.failed(e);
        // Iterators may be stale after an outage; new ones start from the checkpoints.
        for (const s of this.shards.values()) s.iterator = undefined;
        this.lastDescribe = 0;
        try {
          await this.pause(backoffDelay(this.backoff, failures++));
        } catch {
          return;
        }
      }
    }
  }

  private async describe() {
    const { streamArn, shards } = await this.o.source.describe();
    if (streamArn !== this.streamArn) {
      // A checkpoint of another stream (the table was made anew) says nothing about this one.
      if (this.checkpoints.streamArn && this.checkpoints.streamArn !== streamArn) this.checkpoints = { shards: {} };
      this.streamArn = streamArn;
      this.shards.clear();
    }
    for (const s of shards) if (!this.shards.has(s.shardId)) this.shards.set(s.shardId, { parentShardId: s.parentShardId, finished: false });
    this.lastDescribe = Date.now();
  }

  private async iteratorFor(shardId: string) {
    const after = this.checkpoints.shards[shardId];
    try {
      return await this.o.source.iterator(shardId, after);
    } catch (e) {
      if (!after || errorName(e) !== 'TrimmedDataAccessException') throw e;
      // The stream no longer holds the checkpoint (kept 24 h): AWS would have aged these records out too.
      this.log(`shard ${shardId}: records after ${after} were trimmed from the stream before being handled; going on from the oldest record kept`);
      return this.o.source.iterator(shardId);
    }
  }

  /** One pass over the shards; true when some shard had records. */
  private async pollOnce(): Promise<boolean> {
    if (!this.streamArn || Date.now() - this.lastDescribe > 1000) await this.describe();
    let busy = false;
    for (const [shardId, shard] of this.shards) {
      if (shard.finished) continue;
      const parent = shard.parentShardId ? this.shards.get(shard.parentShardId) : undefined;
      if (parent && !parent.finished) continue;
      shard.iterator ??= await this.iteratorFor(shardId);
      if (!shard.iterator) {
        shard.finished = true;
        continue;
      }
      let out: Awaited<ReturnType<StreamSource['read']>>;
      try {
        out = await this.o.source.read(shard.iterator, this.o.batchSize ?? FANOUT_MAPPING.batchSize);
      } catch (e) {
        if (errorName(e) !== 'ExpiredIteratorException' && errorName(e) !== 'TrimmedDataAccessException') throw e;
        // Iterators last 15 minutes; a long retry outlives one. Go on from the checkpoint.
        shard.iterator = undefined;
        busy = true;
        continue;
      }
      const all = out.records;
      const filters = this.o.filters;
      const records = filters ? all.filter((r) => filters.some((f) => matchesPattern(r, f))) : all;
      if (records.length) await this.process(shardId, records);
      if (all.length) this.checkpoint(shardId, all[all.length - 1]);
      busy ||= all.length > 0;
      shard.iterator = out.next;
      if (!out.next) shard.finished = true;
    }
    return busy;
  }

  private async invoke(records: DynamoDBRecord[]): Promise<{ failedAt: number; error?: unknown }> {
    this.processed += records.length;
    try {
      const res = await this.o.handler({ Records: records });
      const failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if (!failed.size) return { failedAt: -1 };
      const at = records.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      // An identifier not in the batch fails the whole batch, as on Lambda.
      return { failedAt: Math.max(0, at), error: new Error(`the handler reported record ${records[Math.max(0, at)].dynamodb?.SequenceNumber} as failed`) };
    } catch (error) {
      return { failedAt: 0, error };
    }
  }

  /** Whether the services were down; if so, returns once they answer again. */
  private async waitedForServices(): Promise<boolean> {
    const up = async () => {
      try {
        return await (this.o.servicesUp ?? (() => this.o.source.describe().then(() => true)))();
      } catch {
        return false;
      }
    };
    if (await up()) return false;
    this.services.failed(new Error('not answering'));
    for (let n = 0; !(await up()); n++) await this.pause(backoffDelay(this.backoff, n));
    this.services.ok();
    return true;
  }

  /** One batch with the mapping's semantics; returns once each record succeeded or went to the on-failure destination. */
  private async process(shardId: string, batch: DynamoDBRecord[]): Promise<void> {
    let pending = batch;
    let attempts = 0;
    for (;;) {
      if (!this.running) throw new Stopping();
      const { failedAt, error } = await this.invoke(pending);
      if (failedAt === -1) {
        this.checkpoint(shardId, pending[pending.length - 1]);
        return;
      }
      if (failedAt > 0) {
        // Progress: keep it, and go on from the failed record at once.
        this.checkpoint(shardId, pending[failedAt - 1]);
        pending = pending.slice(failedAt);
        attempts = 0;
        continue;
      }
      this.retries++;
      if (await this.waitedForServices()) continue;
      if ((this.o.bisectOnError ?? FANOUT_MAPPING.bisectBatchOnError) && pending.length > 1) {
        const mid = Math.ceil(pending.length / 2);
        await this.process(shardId, pending.slice(0, mid));
        await this.process(shardId, pending.slice(mid));
        return;
      }
      const created = pending[0].dynamodb?.ApproximateCreationDateTime;
      const tooOld = created !== undefined && (this.o.now ?? Date.now)() / 1000 - created > (this.o.maxRecordAgeSeconds ?? FANOUT_MAPPING.maxRecordAgeSeconds);
      if (tooOld || attempts >= (this.o.retryAttempts ?? FANOUT_MAPPING.retryAttempts)) {
        await this.giveUp(shardId, pending, tooOld ? 'RecordAgeExceeded' : 'RetryAttemptsExhausted', attempts + 1, error);
        this.checkpoint(shardId, pending[pending.length - 1]);
        return;
      }
      await this.pause(backoffDelay(this.backoff, attempts++));
    }
  }

  /** Hands the records to the on-failure destination, retrying until it takes them: they leave the stream only there. */
  private async giveUp(shardId: string, records: DynamoDBRecord[], condition: StreamFailure['requestContext']['condition'], invokes: number, error: unknown) {
    const failure = withRecords(
      {
        version: '1.0',
        timestamp: new Date((this.o.now ?? Date.now)()).toISOString(),
        requestContext: { condition, approximateInvokeCount: invokes },
        responseContext: { functionError: errorText(error) },
        DDBStreamBatchInfo: { shardId, startSequenceNumber: '', endSequenceNumber: '', batchSize: 0, streamArn: this.streamArn },
        records: [],
      },
      records,
    );
    for (let n = 0; ; n++) {
      try {
        await this.o.onFailure(failure);
        this.destination.ok();
        break;
      } catch (e) {
        this.destination.failed(e);
        await this.pause(backoffDelay(this.backoff, n));
      }
    }
    this.givenUp += records.length;
    this.log(`gave up on ${records.length} record(s) of shard ${shardId} (${condition}, ${errorText(error)}); sent to the on-failure destination`);
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
  backoff?: Backoff;
  log?: (line: string) => void;
}

export class QueuePoller {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly sqs: SQSClient;
  private queueArn = '';
  private readonly outage: Outage;
  handled = 0;
  /** Start times of receives that came back empty while no batch was being handled. */
  private idleSince: number[] = [];
  private inFlight = 0;

  constructor(private readonly o: QueuePollerOptions) {
    this.sqs = new SQSClient({ endpoint: o.sqsEndpoint });
    this.outage = new Outage(`polling ${o.queueUrl}`, o.log ?? ((line) => console.error(`[queue poller] ${line}`)));
  }

  async start() {
    const attrs = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.o.queueUrl, AttributeNames: ['QueueArn'] }));
    this.queueArn = attrs.Attributes?.QueueArn ?? '';
    this.running = true;
    this.loops = Array.from({ length: this.o.concurrency ?? 2 }, () => this.run());
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
    let failures = 0;
    while (this.running) {
      try {
        await this.receiveOnce();
        this.outage.ok();
        failures = 0;
      } catch (e) {
        if (!this.running) return;
        // Messages received but not deleted come back after their visibility timeout.
        this.outage.failed(e);
        await sleep(backoffDelay(this.o.backoff ?? DEFAULT_BACKOFF, failures++));
      }
    }
  }

  private async receiveOnce() {
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
      return;
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
