/**
 * Turns the pointer Lambda gives a stream's on-failure destination (a shard and a range of sequence
 * numbers) into the keys of the items whose changes fan-out gave up on, by reading that range of the
 * stream while it still holds it (24 hours).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ChangeKey } from '../core/ports';
import type { Item } from './client';
import { ATTR, FANOUT_STREAM_FILTERS, ITEM_TYPES, NOTIFICATION_WAKERS, TASK_WAKERS } from './table';

/** What Lambda writes to the on-failure destination of a DynamoDB stream (`DDBStreamBatchInfo`). */
export interface StreamBatchPointer {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  batchSize?: number;
}

const INSERT_TYPES: readonly string[] = FANOUT_STREAM_FILTERS[0].dynamodb.NewImage[ATTR.type].S;

/** Whether a stream record passes fan-out's event filters (FANOUT_STREAM_FILTERS, written out). */
export function wakesFanout(eventName: string | undefined, image: Item | undefined): boolean {
  const type = image?.[ATTR.type];
  if (typeof type !== 'string') return false;
  if (eventName === 'INSERT') return INSERT_TYPES.includes(type);
  if (eventName !== 'MODIFY') return false;
  if (type === ITEM_TYPES.notification) return NOTIFICATION_WAKERS.some((a) => image?.[a] !== undefined);
  if (type === ITEM_TYPES.inspectionTask) return TASK_WAKERS.some((a) => image?.[a] !== undefined);
  return false;
}

/** Reads the stream from the pointer's first record to its last and returns the keys fan-out would have handled. */
export function streamRangeReader(client: DynamoDBStreamsClient) {
  return async (p: StreamBatchPointer): Promise<ChangeKey[]> => {
    const end = BigInt(p.endSequenceNumber);
    const keys = new Map<string, ChangeKey>();
    let iterator = (await client.send(new GetShardIteratorCommand({ StreamArn: p.streamArn, ShardId: p.shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: p.startSequenceNumber })))
      .ShardIterator;
    // An open shard answers empty pages when caught up: a few in a row mean the range is read.
    for (let empty = 0; iterator && empty < 3;) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const records = page.Records ?? [];
      empty = records.length ? 0 : empty + 1;
      for (const r of records) {
        if (BigInt(r.dynamodb?.SequenceNumber ?? '0') > end) return [...keys.values()];
        const image = r.dynamodb?.NewImage && unmarshall(r.dynamodb.NewImage as Record<string, AttributeValue>);
        const key = r.dynamodb?.Keys && unmarshall(r.dynamodb.Keys as Record<string, AttributeValue>);
        if (key && wakesFanout(r.eventName, image)) keys.set(`${key[ATTR.pk]}@${key[ATTR.sk]}`, { pk: String(key[ATTR.pk]), sk: String(key[ATTR.sk]) });
      }
      iterator = page.NextShardIterator;
    }
    return [...keys.values()];
  };
}

export const streamsClient = (endpoint?: string) => new DynamoDBStreamsClient(endpoint ? { endpoint } : {});
