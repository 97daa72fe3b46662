/**
 * The stack's event source mappings, played locally with the same handlers, filters and error
 * handling: the table's stream → fan-out (what keeps failing goes to the on-failure queue), the
 * delivery queue → delivery, its DLQ → the dead-letter consumer. Used by `npm start`, the tests
 * and the benchmarks.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { httpPoster } from '../functions/adapters/webhook-poster';
import type { DeliveryConfig } from '../functions/core/delivery-config';
import type { FanoutConfig } from '../functions/core/fanout';
import type { Ports } from '../functions/core/ports';
import type { WebhookPolicy } from '../functions/core/subscriptions';
import { deadLetterHandler, deliverHandler } from '../functions/deliver/adapter';
import { fanoutHandler } from '../functions/fanout/adapter';
import type { Sink } from '../functions/telemetry';
import { FANOUT_STREAM_FILTERS } from '../functions/store/table';
import { STORE_TIMEOUTS } from '../functions/store/aws';
import { dynamodbStreamSource, QueuePoller, sqsFailureDestination, StreamPoller, type Backoff, type StreamFailure } from './pollers';

/** Locally the console shows the demo receiver's lines; of the handlers' signals only errors. */
const errorsOnly: Sink = (line) => {
  if (line.level === 'error') console.error(JSON.stringify(line));
};

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
  /** The stream's on-failure queue; without it, records given up on are only logged (in full). */
  failureQueueUrl?: string;
  checkpointFile?: string;
  streamIdleMs?: number;
  /** The stream poller's retries, when not the mapping's (tests shorten them). */
  streamRetry?: { retryAttempts?: number; backoff?: Backoff };
  queueConcurrency?: number;
}

export interface EventSources {
  stream: StreamPoller;
  queue: QueuePoller;
  deadLetters?: QueuePoller;
  stop(): Promise<void>;
}

export async function startEventSources(o: EventSourceOptions): Promise<EventSources> {
  const destination = o.failureQueueUrl ? sqsFailureDestination(o.sqsEndpoint, o.failureQueueUrl) : undefined;
  const probe = servicesProbe(o);
  const stream = new StreamPoller({
    source: dynamodbStreamSource(o.dynamodbEndpoint, o.table),
    filters: FANOUT_STREAM_FILTERS,
    handler: fanoutHandler(o.fanoutPorts ?? o.ports, o.fanout, errorsOnly),
    onFailure: destination?.send ?? (async (f: StreamFailure) => console.error('stream records given up, with no on-failure queue to keep them:', JSON.stringify(f))),
    servicesUp: probe.up,
    checkpointFile: o.checkpointFile,
    idleMs: o.streamIdleMs,
    retryAttempts: o.streamRetry?.retryAttempts,
    backoff: o.streamRetry?.backoff,
  }).start();
  const queue = await new QueuePoller({
    sqsEndpoint: o.sqsEndpoint,
    queueUrl: o.queueUrl,
    handler: deliverHandler(o.ports, httpPoster(o.webhooks), o.delivery, errorsOnly),
    concurrency: o.queueConcurrency,
  }).start();
  const deadLetters = o.dlqUrl ? await new QueuePoller({ sqsEndpoint: o.sqsEndpoint, queueUrl: o.dlqUrl, handler: deadLetterHandler(o.ports, () => {}), concurrency: 1 }).start() : undefined;
  return {
    stream,
    queue,
    deadLetters,
    stop: async () => {
      await Promise.all([stream.stop(), queue.stop(), deadLetters?.stop()]);
      destination?.close();
      probe.close();
    },
  };
}

/**
 * Whether what fan-out needs answers: the table and the delivery queue. While either is down a
 * failing batch waits for it rather than spending its retries (it is not the records' fault).
 */
function servicesProbe(o: EventSourceOptions) {
  const timeouts = { connectionTimeout: STORE_TIMEOUTS.connectionTimeoutMs, requestTimeout: STORE_TIMEOUTS.requestTimeoutMs };
  const db = new DynamoDBClient({ endpoint: o.dynamodbEndpoint, maxAttempts: 1, requestHandler: timeouts });
  const sqs = new SQSClient({ endpoint: o.sqsEndpoint, maxAttempts: 1, requestHandler: timeouts });
  return {
    up: async () => {
      await db.send(new DescribeTableCommand({ TableName: o.table }));
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: o.queueUrl, AttributeNames: ['QueueArn'] }));
      return true;
    },
    close: () => {
      db.destroy();
      sqs.destroy();
    },
  };
}
