/**
 * `npm run replay-fanout`: fans out again the changes fan-out gave up on (parked by the consumer of
 * its on-failure queue), once the cause (a queue, the table, a bug) is fixed. Safe to run any number
 * of times, beside the live stream. Talks to the table directly: the local one started by
 * `npm start` (.data/local.json), or TABLE_NAME with DELIVERY_QUEUE_URL (and AWS credentials).
 */
import { parseArgs } from 'node:util';
import { fanoutConfig } from '../functions/config';
import { replayParked } from '../functions/core/fanout-replay';
import { runtimePorts, type RuntimeConfig } from '../functions/runtime';
import { adminTarget, runAsCommand } from './admin-cli';

const USAGE = `usage: npm run replay-fanout -- [--list]
  (no option)   replay every parked change, a page of 100 at a time, printing progress;
                a change that still fails stays parked (run again once its cause is fixed)
  --list        list the parked changes (item key, when and why parked) without replaying
target: TABLE_NAME and DELIVERY_QUEUE_URL (SQS_ENDPOINT, DYNAMODB_ENDPOINT), else the local exchange of npm start`;

/** The table of adminTarget with the delivery queue: DELIVERY_QUEUE_URL (and SQS_ENDPOINT), or the local one. */
function target(): RuntimeConfig {
  const t = adminTarget() as ReturnType<typeof adminTarget> & { deliveryQueueUrl?: string; sqsEndpoint?: string };
  return { table: t.table, dynamodbEndpoint: t.dynamodbEndpoint, queueUrl: process.env.DELIVERY_QUEUE_URL ?? t.deliveryQueueUrl, sqsEndpoint: process.env.SQS_ENDPOINT ?? t.sqsEndpoint };
}

export async function main(argv: string[], out: (s: string) => void = console.log): Promise<number> {
  let list: boolean;
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { list: { type: 'boolean', default: false } } });
    if (positionals.length) throw new Error(`unexpected ${positionals.join(' ')}`);
    list = values.list;
  } catch (e) {
    out(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const ports = runtimePorts(target());
  if (list) {
    let cursor: string | undefined;
    let count = 0;
    do {
      const page = await ports.fanoutReplay?.parked(cursor, 100);
      for (const p of page?.items ?? []) out(`${p.key.pk} ${p.key.sk}  parked ${p.parkedAt}  ${p.reason}`);
      count += page?.items.length ?? 0;
      cursor = page?.next;
    } while (cursor);
    out(`${count} parked change(s)`);
    return 0;
  }
  if (!ports.queue) out('warning: no delivery queue (DELIVERY_QUEUE_URL): changes with webhook deliveries will fail and stay parked');
  const done = await replayParked(ports, fanoutConfig(), (p) => out(`replayed ${p.replayed}, ${p.notifications} notification(s) written, ${p.failed} still failing`));
  out(`done: ${done.replayed} change(s) replayed, ${done.notifications} notification(s) written${done.failed ? `; ${done.failed} still failing, first: ${done.firstError}` : ''}`);
  return done.failed ? 1 : 0;
}

runAsCommand(import.meta.url, main);
