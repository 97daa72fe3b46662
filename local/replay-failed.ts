/**
 * `npm run replay-failed`: runs the stream records kept in the fan-out's on-failure queue through
 * fan-out again, once what made them fail is fixed. Fan-out is idempotent (notifications are
 * written only if absent, with ids derived from the event; a notification still waiting for its
 * webhook is queued again), so replaying a record twice, or one that had partly gone through,
 * makes no duplicate. A message is deleted once all its records went through; one that fails again
 * stays in the queue and is reported. Talks to the local exchange started by `npm start`, found
 * through .data/local.json (EXCHANGE_DATA_DIR moves it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DynamoDBRecord } from 'aws-lambda';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { fanoutConfig } from '../functions/config';
import type { FanoutConfig } from '../functions/core/fanout';
import type { Ports } from '../functions/core/ports';
import { fanoutHandler } from '../functions/fanout/adapter';
import { runtimePorts } from '../functions/runtime';
import type { StreamFailure } from './pollers';
import { useLocalCredentials } from './services';

const USAGE = `usage: npm run replay-failed -- [--dry-run] [--max N]
  Runs the stream records in the fan-out's on-failure queue of the local exchange (npm start)
  through fan-out again and removes each message whose records all went through.
  --dry-run   list the failed batches, replaying and removing nothing
  --max N     handle at most N messages (default: all)`;

/** What the command works on: the exchange's table and queues, as `npm start` writes them to local.json. */
export interface ReplayTarget {
  table: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  deliveryQueueUrl: string;
  failureQueueUrl: string;
}

export interface ReplaySummary {
  /** Messages taken from the queue. */
  messages: number;
  /** Stream records in them. */
  records: number;
  /** Messages whose records all went through (and were removed). */
  replayed: number;
  /** Messages left in the queue: failed again, or not a stream failure. */
  left: number;
}

/** A message is replayable when it carries the records themselves. */
function recordsOf(message: Message): { failure: StreamFailure; records: DynamoDBRecord[] } | undefined {
  try {
    const failure = JSON.parse(message.Body ?? '') as StreamFailure;
    return Array.isArray(failure.records) && failure.records.length ? { failure, records: failure.records } : undefined;
  } catch {
    return undefined;
  }
}

export interface ReplayOptions {
  dryRun?: boolean;
  max?: number;
  fanout?: FanoutConfig;
  /** The ports fan-out runs with; by default the target's table and delivery queue. */
  ports?: Ports;
  out?: (line: string) => void;
}

export async function replayFailed(target: ReplayTarget, opts: ReplayOptions = {}): Promise<ReplaySummary> {
  const out = opts.out ?? console.log;
  const sqs = new SQSClient({ endpoint: target.sqsEndpoint });
  const ports = opts.ports ?? runtimePorts({ table: target.table, dynamodbEndpoint: target.dynamodbEndpoint, queueUrl: target.deliveryQueueUrl, sqsEndpoint: target.sqsEndpoint });
  const handler = fanoutHandler(ports, opts.fanout ?? fanoutConfig());
  const summary: ReplaySummary = { messages: 0, records: 0, replayed: 0, left: 0 };
  // Messages kept are hidden while the run lasts, so it sees each once, and shown again at its end.
  const kept: string[] = [];
  try {
    const depth = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: target.failureQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    const total = Math.min(Number(depth.Attributes?.ApproximateNumberOfMessages ?? 0), opts.max ?? Infinity);
    out(`${total} failed batch(es) in ${target.failureQueueUrl}${opts.dryRun ? ' (dry run: nothing is replayed or removed)' : ''}`);
    while (summary.messages < (opts.max ?? Infinity)) {
      const want = Math.min(10, (opts.max ?? Infinity) - summary.messages);
      const received = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: target.failureQueueUrl, MaxNumberOfMessages: want, VisibilityTimeout: 300, WaitTimeSeconds: 0 }))).Messages ?? [];
      if (!received.length) break;
      for (const message of received) {
        summary.messages++;
        const at = `${summary.messages}/${Math.max(total, summary.messages)}`;
        const parsed = recordsOf(message);
        if (!parsed) {
          summary.left++;
          kept.push(message.ReceiptHandle ?? '');
          out(`${at} message ${message.MessageId} carries no stream records; left in the queue`);
          continue;
        }
        const { failure, records } = parsed;
        summary.records += records.length;
        const info = failure.DDBStreamBatchInfo;
        const what = `${records.length} record(s) of ${info?.shardId} ${info?.startSequenceNumber}..${info?.endSequenceNumber} (${failure.requestContext?.condition}: ${failure.responseContext?.functionError})`;
        if (opts.dryRun) {
          kept.push(message.ReceiptHandle ?? '');
          out(`${at} ${what}`);
          continue;
        }
        const result = await handler({ Records: records });
        if (result.batchItemFailures.length) {
          summary.left++;
          kept.push(message.ReceiptHandle ?? '');
          out(`${at} failed again at record ${result.batchItemFailures[0].itemIdentifier}; left in the queue: ${what}`);
          continue;
        }
        await sqs.send(new DeleteMessageCommand({ QueueUrl: target.failureQueueUrl, ReceiptHandle: message.ReceiptHandle }));
        summary.replayed++;
        out(`${at} replayed ${what}`);
      }
    }
    for (const handle of kept) await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: target.failureQueueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }));
    out(`done: ${summary.replayed} of ${summary.messages} batch(es) replayed (${summary.records} record(s)), ${summary.left} left in the queue`);
    return summary;
  } finally {
    sqs.destroy();
  }
}

function localTarget(): ReplayTarget {
  const file = resolve(process.env.EXCHANGE_DATA_DIR ?? '.data', 'local.json');
  if (!existsSync(file)) throw new Error(`no local exchange found (${file}); run npm start first`);
  const target = JSON.parse(readFileSync(file, 'utf8')) as Partial<ReplayTarget>;
  if (!target.failureQueueUrl || !target.table || !target.dynamodbEndpoint || !target.sqsEndpoint || !target.deliveryQueueUrl) {
    throw new Error(`${file} names no on-failure queue; start the exchange once with this version (npm start)`);
  }
  useLocalCredentials();
  return target as ReplayTarget;
}

export async function main(argv: string[], out: (line: string) => void = console.log, target: () => ReplayTarget = localTarget, ports?: Ports): Promise<number> {
  let values: { 'dry-run'?: boolean; max?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { 'dry-run': { type: 'boolean' }, max: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) {
    out(`${e instanceof Error ? e.message : e}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const max = values.max === undefined ? undefined : Number(values.max);
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
    out(`--max must be a positive whole number, not ${JSON.stringify(values.max)}\n${USAGE}`);
    return 2;
  }
  const summary = await replayFailed(target(), { dryRun: values['dry-run'], max, out, ports });
  return summary.left ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
