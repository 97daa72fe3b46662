/**
 * Wires the core's ports to real infrastructure: the DynamoDB entity stores, the system clock and
 * crypto-random ids. Used by the Lambda entry points, the local runner, the CLI and the tests.
 */
import { randomBytes } from 'node:crypto';
import { AesGcmSecretBox, fileSecretBox } from './adapters/secret-box';
import { hmacCursors, randomCursorKey } from './core/cursor';
import type { Clock, DeliveryQueue, Ids, Ports, SecretBox } from './core/ports';
import { awsConfig, env } from './config';
import { documentClient } from './store/aws';
import { dynamoStores, type DynamoStoreOptions } from './store/index';
import type { AccessAnchor } from './store/access-log';

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
  /** Seals webhook secrets; a fresh in-memory key unless given (tests, benchmarks). */
  secrets?: SecretBox;
}

export function runtimePorts(config: RuntimeConfig): Ports {
  return {
    ...dynamoStores(documentClient(config.dynamodbEndpoint), config.table, config.store),
    clock: config.clock ?? systemClock,
    ids: cryptoIds,
    cursors: hmacCursors(config.cursorKey ?? randomCursorKey()),
    secrets: config.secrets ?? new AesGcmSecretBox(),
    ...(config.queueUrl ? { queue: sqsQueueOnFirstUse(config.queueUrl, config.sqsEndpoint) } : {}),
  };
}

/**
 * The SQS delivery queue, its client loaded (a chunk of its own) on first use: the api touches the
 * queue only to redrive, so its cold start does not pay for the SQS client.
 */
function sqsQueueOnFirstUse(queueUrl: string, endpoint?: string): DeliveryQueue {
  let queue: Promise<DeliveryQueue> | undefined;
  const load = () => (queue ??= import('./store/sqs').then(({ SqsDeliveryQueue, sqsClient }) => new SqsDeliveryQueue(sqsClient(endpoint), queueUrl)));
  return {
    send: async (messages) => (await load()).send(messages),
    retryLater: async (receiptHandle, seconds) => (await load()).retryLater(receiptHandle, seconds),
  };
}

/** Ports of a Lambda function, from its environment. */
export const lambdaPorts = (kms?: (keyArn: string) => SecretBox): Ports => {
  const keyArn = env('WEBHOOK_SECRET_KEY_ARN');
  const keyFile = env('WEBHOOK_SECRET_KEY_FILE');
  // On AWS only the api (to seal) and the deliver function (to open) are given the key, through
  // `kms`, which only their entry points pass (the others' bundles stay without the KMS client);
  // a local key file stands in for it off AWS.
  const config = awsConfig();
  return runtimePorts({ ...config, store: { ...config.store, anchor: logAnchor }, secrets: keyArn && kms ? kms(keyArn) : keyFile ? fileSecretBox(keyFile) : noSecrets });
};

/** The function's log (CloudWatch Logs) keeps every access-log hash, out of reach of whoever can write the table. */
export const logAnchor: AccessAnchor = (e) => console.log(JSON.stringify({ level: 'info', message: 'access logged', creditCode: e.creditCode, seq: e.seq, hash: e.hash }));

/** The functions that have no business with webhook secrets. */
const noSecrets: SecretBox = {
  seal: () => Promise.reject(new Error('this function may not seal webhook secrets')),
  open: () => Promise.reject(new Error('this function may not open webhook secrets')),
};
