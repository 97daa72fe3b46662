/**
 * The stack's event source mappings, played locally with the same handlers and filters: the
 * table's stream → fan-out, the delivery queue → delivery, its DLQ → the dead-letter consumer. Used by `npm start`, the tests and
 * the benchmarks.
 */
import { httpPoster } from '../functions/adapters/webhook-poster';
import type { DeliveryConfig } from '../functions/core/delivery';
import type { FanoutConfig } from '../functions/core/fanout';
import type { Ports } from '../functions/core/ports';
import type { WebhookPolicy } from '../functions/core/subscriptions';
import { deadLetterHandler, deliverHandler } from '../functions/deliver/adapter';
import { fanoutHandler } from '../functions/fanout/adapter';
import { FANOUT_STREAM_FILTERS } from '../functions/store/table';
import { QueuePoller, StreamPoller } from './pollers';

export interface EventSourceOptions {
  ports: Ports;
  dynamodbEndpoint: string;
  table: string;
  sqsEndpoint: string;
  queueUrl: string;
  /** The delivery queue's DLQ; its consumer runs when given. */
  dlqUrl?: string;
  fanout: FanoutConfig;
  delivery: DeliveryConfig;
  /** Which webhook targets deliveries may connect to. */
  webhooks: WebhookPolicy;
  /** Ports fan-out runs with, when they differ (tests make its queue fail on purpose). */
  fanoutPorts?: Ports;
  checkpointFile?: string;
  streamIdleMs?: number;
  queueConcurrency?: number;
}

export interface EventSources {
  stream: StreamPoller;
  queue: QueuePoller;
  deadLetters?: QueuePoller;
  stop(): Promise<void>;
}

export async function startEventSources(o: EventSourceOptions): Promise<EventSources> {
  const stream = new StreamPoller({
    dynamodbEndpoint: o.dynamodbEndpoint,
    table: o.table,
    filters: FANOUT_STREAM_FILTERS,
    handler: fanoutHandler(o.fanoutPorts ?? o.ports, o.fanout),
    checkpointFile: o.checkpointFile,
    idleMs: o.streamIdleMs,
  }).start();
  const queue = await new QueuePoller({
    sqsEndpoint: o.sqsEndpoint,
    queueUrl: o.queueUrl,
    handler: deliverHandler(o.ports, httpPoster(o.webhooks), o.delivery),
    concurrency: o.queueConcurrency,
  }).start();
  const deadLetters = o.dlqUrl ? await new QueuePoller({ sqsEndpoint: o.sqsEndpoint, queueUrl: o.dlqUrl, handler: deadLetterHandler(o.ports, () => {}), concurrency: 1 }).start() : undefined;
  return { stream, queue, deadLetters, stop: async () => void (await Promise.all([stream.stop(), queue.stop(), deadLetters?.stop()])) };
}
