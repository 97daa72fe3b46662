/**
 * Wires the core's ports to real infrastructure: the DynamoDB store, the system clock and
 * crypto-random ids. Used by the Lambda entry points, the local runner, the CLI and the tests.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, Ids, Ports } from './core/ports';
import { documentClient } from './store/aws';
import { DynamoStore, type DynamoStoreOptions } from './store/dynamo';

export const systemClock: Clock = { now: () => new Date() };
export const cryptoIds: Ids = { random: (bytes) => randomBytes(bytes).toString('base64url') };

export function runtimePorts(config: { table: string; dynamodbEndpoint?: string; store?: DynamoStoreOptions; clock?: Clock }): Ports {
  return {
    store: new DynamoStore(documentClient(config.dynamodbEndpoint), config.table, config.store),
    clock: config.clock ?? systemClock,
    ids: cryptoIds,
  };
}
