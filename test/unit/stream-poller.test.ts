/**
 * The local stream → fan-out mapping on a fake stream, behaving like the Lambda mapping it stands
 * in for: a poison record is isolated by bisecting and retried with capped exponential backoff,
 * then handed with its content to the on-failure destination while every other record goes
 * through once and in order; an outage of the services is waited out (logged once, with its
 * recovery) without spending retries or giving records up; the position is checkpointed only after
 * a batch was handled, so a restart resumes there.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { StreamPoller, type StreamFailure, type StreamPollerOptions, type StreamSource } from '../../local/pollers';

const seq = (i: number) => String(i).padStart(6, '0');
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

/** A stream held in memory: shards of numbered records, and switches to make it fail. */
class FakeStream implements StreamSource {
  down = false;
  expireNextRead = false;
  trimmedBefore = 0;
  readonly shards = new Map<string, { parentShardId?: string; records: DynamoDBRecord[] }>();

  add(shardId: string, from: number, count: number, opts: { parentShardId?: string; createdAt?: number } = {}) {
    const shard = this.shards.get(shardId) ?? { parentShardId: opts.parentShardId, records: [] };
    for (let i = from; i < from + count; i++) {
      shard.records.push({ eventName: 'INSERT', dynamodb: { SequenceNumber: seq(i), ApproximateCreationDateTime: opts.createdAt ?? Date.now() / 1000, NewImage: { n: { N: String(i) } } } });
    }
    this.shards.set(shardId, shard);
  }
  private check() {
    if (this.down) throw named('TimeoutError', 'connect ECONNREFUSED 127.0.0.1:8000');
  }
  async describe() {
    this.check();
    return { streamArn: 'arn:fake', shards: [...this.shards].map(([shardId, s]) => ({ shardId, parentShardId: s.parentShardId })) };
  }
  async iterator(shardId: string, after?: string) {
    this.check();
    if (after && Number(after) < this.trimmedBefore) throw named('TrimmedDataAccessException', 'trimmed');
    const records = this.shards.get(shardId)?.records ?? [];
    const at = after ? records.findIndex((r) => r.dynamodb?.SequenceNumber === after) + 1 : records.findIndex((r) => Number(r.dynamodb?.SequenceNumber) >= this.trimmedBefore);
    return `${shardId}@${at}`;
  }
  async read(iterator: string, limit: number): Promise<{ records: DynamoDBRecord[]; next?: string }> {
    this.check();
    if (this.expireNextRead) {
      this.expireNextRead = false;
      throw named('ExpiredIteratorException', 'iterator expired');
    }
    const [shardId, at] = iterator.split('@');
    const records = (this.shards.get(shardId)?.records ?? []).slice(Number(at), Number(at) + limit);
    return { records, next: `${shardId}@${Number(at) + records.length}` };
  }
}

const nOf = (r: DynamoDBRecord) => Number(r.dynamodb?.NewImage?.n?.N);

/** A poller on `stream` whose waits return at once and are recorded. */
function harness(stream: FakeStream, handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>, opts: Partial<StreamPollerOptions> = {}) {
  const delays: number[] = [];
  const logs: string[] = [];
  const failures: StreamFailure[] = [];
  const calls: number[][] = [];
  const tick: { onSleep?: (ms: number) => void } = {};
  const poller = new StreamPoller({
    source: stream,
    idleMs: 1,
    batchSize: 100,
    handler: async (event) => {
      calls.push(event.Records.map(nOf));
      return handler(event);
    },
    onFailure: async (f) => void failures.push(f),
    sleep: async (ms) => {
      if (ms !== 1) delays.push(ms);
      tick.onSleep?.(ms);
      await new Promise((r) => setImmediate(r));
    },
    log: (line) => logs.push(line),
    ...opts,
  });
  return { poller, delays, logs, failures, calls, tick };
}

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('a poison record', () => {
  it('is isolated by bisecting, retried with capped exponential backoff, then sent whole to the on-failure destination', async () => {
    const stream = new FakeStream();
    stream.add('s1', 0, 20);
    const handled: number[] = [];
    const h = harness(stream, async (event) => {
      if (event.Records.some((r) => nOf(r) === 7)) throw new Error('poison');
      handled.push(...event.Records.map(nOf));
    });
    h.poller.start();
    await until(() => handled.length === 19, 'the other records');
    await h.poller.stop();

    expect(handled).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    // Halves until the poison record is alone: 0-19, 0-9, 0-4 ok, 5-9, 5-7, 5-6 ok, 7 ...
    expect(h.calls.slice(0, 6)).toEqual([Array.from({ length: 20 }, (_, i) => i), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [5, 6, 7], [5, 6]]);
    // Alone, it is tried once and retried 10 times (the mapping's retryAttempts), waits doubling up to 5 s.
    expect(h.calls.filter((c) => c.length === 1 && c[0] === 7)).toHaveLength(11);
    expect(h.delays).toEqual([200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000, 5000]);
    expect(h.failures).toHaveLength(1);
    const [failure] = h.failures;
    expect(failure.requestContext).toEqual({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11 });
    expect(failure.responseContext.functionError).toBe('Error: poison');
    expect(failure.DDBStreamBatchInfo).toMatchObject({ shardId: 's1', startSequenceNumber: seq(7), endSequenceNumber: seq(7), batchSize: 1, streamArn: 'arn:fake' });
    // The record itself travels, so it can be replayed.
    expect(failure.records.map(nOf)).toEqual([7]);
    expect(h.logs.filter((l) => l.includes('gave up'))).toHaveLength(1);
  });

  it('that reports an item failure is retried from that record, the records before it kept', async () => {
    const stream = new FakeStream();
    stream.add('s1', 0, 6);
    const h = harness(
      stream,
      async (event) => {
        const at = event.Records.findIndex((r) => nOf(r) === 3);
        if (at >= 0) return { batchItemFailures: [{ itemIdentifier: event.Records[at].dynamodb?.SequenceNumber ?? '' }] };
        return { batchItemFailures: [] };
      },
      { retryAttempts: 2 },
    );
    const { poller, calls, failures } = h;
    poller.start();
    await until(() => failures.length === 1 && calls.some((c) => c[0] === 5), 'the give-up and the rest');
    await poller.stop();
    // Records 0-2 went through and are not sent again; from record 3 on the batch is bisected.
    expect(calls).toEqual([[0, 1, 2, 3, 4, 5], [3, 4, 5], [3, 4], [3], [3], [3], [4], [5]]);
    expect(failures[0].records.map(nOf)).toEqual([3]);
  });

  it('older than the maximum record age goes to the on-failure destination without more retries', async () => {
    const stream = new FakeStream();
    stream.add('s1', 0, 1, { createdAt: Date.now() / 1000 - 2 * 86_400 });
    const h = harness(stream, async () => {
      throw new Error('poison');
    });
    h.poller.start();
    await until(() => h.failures.length === 1, 'the give-up');
    await h.poller.stop();
    expect(h.failures[0].requestContext).toEqual({ condition: 'RecordAgeExceeded', approximateInvokeCount: 1 });
    expect(h.delays).toEqual([]);
  });
});

describe('an outage', () => {
  it('of the services a failing batch needs is waited out: no retry spent, no bisecting, nothing given up, logged once with its recovery', async () => {
    const stream = new FakeStream();
    stream.add('s1', 0, 5);
    const handled: number[] = [];
    let outageSleeps = 0;
    const h = harness(stream, async (event) => {
      if (stream.down) throw new Error('the data store is not answering');
      handled.push(...event.Records.map(nOf));
    });
    // The store dies as the first batch is read, and comes back after eight waits.
    h.tick.onSleep = (ms) => {
      if (ms !== 1 && stream.down && ++outageSleeps === 8) stream.down = false;
    };
    const read = stream.read.bind(stream);
    stream.read = async (iterator, limit) => {
      const out = await read(iterator, limit);
      if (out.records.length && !handled.length && outageSleeps === 0) stream.down = true;
      return out;
    };
    h.poller.start();
    await until(() => handled.length === 5, 'the batch after recovery');
    await h.poller.stop();

    expect(h.calls).toEqual([
      [0, 1, 2, 3, 4],
      [0, 1, 2, 3, 4],
    ]);
    expect(h.failures).toEqual([]);
    expect(h.delays).toEqual([200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
    expect(h.logs.filter((l) => l.includes('failing'))).toHaveLength(1);
    expect(h.logs.filter((l) => l.includes('recovered'))).toHaveLength(1);
  });

  it('of the stream itself keeps the poller polling with backoff until it answers again', async () => {
    const stream = new FakeStream();
    stream.add('s1', 0, 3);
    stream.down = true;
    const handled: number[] = [];
    const h = harness(stream, async (event) => void handled.push(...event.Records.map(nOf)));
    h.tick.onSleep = (ms) => {
      if (ms !== 1 && h.delays.length === 6) stream.down = false;
    };
    h.poller.start();
    await until(() => handled.length === 3, 'the records after recovery');
    stream.add('s1', 3, 2);
    await until(() => handled.length === 5, 'records written after recovery');
    await h.poller.stop();
    expect(handled).toEqual([0, 1, 2, 3, 4]);
    expect(h.delays).toEqual([200, 400, 800, 1600, 3200, 5000]);
    expect(h.logs).toEqual([expect.stringMatching(/^stream polling failing \(TimeoutError: connect ECONNREFUSED/), expect.stringMatching(/^stream polling recovered after/)]);
  });

  it('of the on-failure destination holds the shard until it takes the records', async () => {
    const stream = new FakeStream();
    stream.add('s1', 0, 3);
    let refusals = 3;
    const handled: number[] = [];
    const taken: StreamFailure[] = [];
    const h = harness(
      stream,
      async (event) => {
        if (event.Records.some((r) => nOf(r) === 1)) throw new Error('poison');
        handled.push(...event.Records.map(nOf));
      },
      {
        retryAttempts: 0,
        onFailure: async (f) => {
          if (refusals-- > 0) throw new Error('queue unavailable');
          taken.push(f);
        },
      },
    );
    h.poller.start();
    await until(() => handled.length === 2, 'the records after the poison one');
    await h.poller.stop();
    expect(taken.map((f) => f.records.map(nOf))).toEqual([[1]]);
    expect(handled).toEqual([0, 2]);
    expect(h.delays).toEqual([200, 400, 800]);
    expect(h.logs.filter((l) => l.startsWith('the on-failure destination'))).toHaveLength(2);
  });
});

describe('shard iterators', () => {
  it('that expired are replaced from the checkpoint, losing and repeating nothing', async () => {
    const stream = new FakeStream();
    stream.add('s1', 0, 3);
    const handled: number[] = [];
    const h = harness(stream, async (event) => void handled.push(...event.Records.map(nOf)));
    h.poller.start();
    await until(() => handled.length === 3, 'the first records');
    stream.expireNextRead = true;
    stream.add('s1', 3, 3);
    await until(() => handled.length === 6, 'the records after the expiry');
    await h.poller.stop();
    expect(handled).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('of a child shard start once its parent is read to its end', async () => {
    const stream = new FakeStream();
    stream.add('child', 100, 2, { parentShardId: 'parent' });
    stream.add('parent', 0, 2);
    const handled: number[] = [];
    const h = harness(stream, async (event) => void handled.push(...event.Records.map(nOf)));
    // The parent is closed: its last read gives no next iterator.
    const read = stream.read.bind(stream);
    stream.read = async (iterator, limit) => {
      const out = await read(iterator, limit);
      return iterator.startsWith('parent@') && !out.records.length ? { records: [] } : out;
    };
    h.poller.start();
    await until(() => handled.length === 4, 'both shards');
    await h.poller.stop();
    expect(handled).toEqual([0, 1, 100, 101]);
  });
});

describe('checkpoints', () => {
  it('are written only after a batch was handled, and a restart resumes after the last one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'edx-ckpt-')), 'stream-checkpoints.json');
    const stream = new FakeStream();
    stream.add('s1', 0, 3);
    const first = harness(stream, async () => {}, { checkpointFile: file });
    first.poller.start();
    await until(() => first.calls.length === 1, 'the first batch');
    await first.poller.stop();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ streamArn: 'arn:fake', shards: { s1: seq(2) } });

    // A batch that fails while the poller stops is not checkpointed: after the restart it comes again.
    stream.add('s1', 3, 2);
    const failing = harness(
      stream,
      async () => {
        throw new Error('fails until the restart');
      },
      { checkpointFile: file, retryAttempts: 1_000_000 },
    );
    failing.poller.start();
    await until(() => failing.calls.length >= 3, 'a few failed attempts');
    await failing.poller.stop();
    expect(JSON.parse(readFileSync(file, 'utf8')).shards.s1).toBe(seq(2));

    const resumed = harness(stream, async () => {}, { checkpointFile: file });
    resumed.poller.start();
    await until(() => resumed.calls.length === 1, 'the resumed batch');
    await resumed.poller.stop();
    expect(resumed.calls).toEqual([[3, 4]]);
    expect(JSON.parse(readFileSync(file, 'utf8')).shards.s1).toBe(seq(4));
  });

  it('that the stream no longer holds (trimmed) resume from the oldest record kept, and an unreadable file is not fatal', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'edx-ckpt-')), 'stream-checkpoints.json');
    const stream = new FakeStream();
    stream.add('s1', 0, 10);
    stream.trimmedBefore = 5;
    writeFileSync(file, JSON.stringify({ streamArn: 'arn:fake', shards: { s1: seq(2) } }));
    const h = harness(stream, async () => {}, { checkpointFile: file });
    h.poller.start();
    await until(() => h.calls.length === 1, 'the batch');
    await h.poller.stop();
    expect(h.calls).toEqual([[5, 6, 7, 8, 9]]);
    expect(h.logs.some((l) => l.includes('trimmed'))).toBe(true);

    writeFileSync(file, '{"streamArn": "arn:fa');
    const again = harness(stream, async () => {}, { checkpointFile: file });
    again.poller.start();
    await until(() => again.calls.length === 1, 'the batch');
    await again.poller.stop();
    expect(again.calls).toEqual([[5, 6, 7, 8, 9]]);
  });
});
