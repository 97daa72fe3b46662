/**
 * Wires the core's ports to real infrastructure: the DynamoDB entity stores, the system clock and
 * crypto-random ids. Used by the Lambda entry points, the local runner, the CLI and the tests.
 */
import { randomBytes } from 'node:crypto';
import { hmacCursors, randomCursorKey } from './core/cursor';
import type { Clock, Ids, Ports } from './core/ports';
import { awsConfig } from './config';
import { documentClient } from './store/aws';
import { dynamoStores, type DynamoStoreOptions } from './store/index';
import { SqsDeliveryQueue, sqsClient } from './store/sqs';

export const systemClock: Clock = { now: () => new Date() };
export const cryptoIds: Ids = { random: (bytes) => randomBytes(bytes).toString('base64url') };

export interface RuntimeConfig {
  table: string;
  dynamodbEndpoint?: string;
  /** The delivery queue; without it the ports have no queue (the api then cannot redrive). */
  queueUrl?: string;
  sqsEndpoint?: string;
  store?: DynamoStoreOptions;
  clock?: Clock;
  /** The key cursors are sealed with; without it, a random one (cursors then do not outlive the process). */
  cursorKey?: Buffer;
}

export function runtimePorts(config: RuntimeConfig): Ports {
  return {
    ...dynamoStores(documentClient(config.dynamodbEndpoint), config.table, config.store),
    clock: config.clock ?? systemClock,
    ids: cryptoIds,
    cursors: hmacCursors(config.cursorKey ?? randomCursorKey()),
    ...(config.queueUrl ? { queue: new SqsDeliveryQueue(sqsClient(config.sqsEndpoint), config.queueUrl) } : {}),
  };
}

/** Ports of a Lambda function, from its environment. */
export const lambdaPorts = (): Ports => runtimePorts(awsConfig());
