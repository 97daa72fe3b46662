/** Live records across enterprises on DynamoDB: a department's own (GSI4) and the public list (PUB# partitions of GSI2) (the RecordListingStore port). */
import type { RecordKind } from '../../schemas/records';
import type { DatedQuery, RecordListingStore } from '../core/ports';
import type { Item, TableClient } from './client';
import { strip } from './client';
import { INDEXES, postedPartition, postedSortKey, publishedPartition, SUMMARY_ATTRIBUTES, type PublishedKind, type RecordSummary } from './table';
import type { StoredVersion } from '../core/model';

const POSTED = INDEXES.posted;
const PUBLISHED = INDEXES.published;
const toSummary = (item: Item) => Object.fromEntries(SUMMARY_ATTRIBUTES.map((a) => [a, item[a]])) as unknown as RecordSummary;

export class DynamoRecordListingStore implements RecordListingStore {
  constructor(private readonly t: TableClient) {}

  posted(department: string, kind: RecordKind, q: DatedQuery) {
    const pk = postedPartition(department, kind);
    // Sort keys are <date>#<id>: '#' sorts below every id character and '~' above, so the bounds take whole days.
    const lo = postedSortKey(q.from ?? '0000-00-00', '');
    const hi = postedSortKey(q.to ?? '9999-99-99', '~');
    return this.t.queryPage(
      {
        IndexName: POSTED.name,
        KeyConditionExpression: `${POSTED.partitionKey} = :pk AND ${POSTED.sortKey} BETWEEN :lo AND :hi`,
        ExpressionAttributeValues: { ':pk': pk, ':lo': lo, ':hi': hi },
        ScanIndexForward: false,
        Limit: q.limit,
      },
      q.cursor,
      (k) => k[POSTED.partitionKey] === pk,
      toSummary,
    );
  }

  published(kind: PublishedKind, date: string, q: { publicOn: string; cursor?: string; limit: number }) {
    const pk = publishedPartition(kind, date);
    return this.t.queryPage(
      {
        IndexName: PUBLISHED.name,
        KeyConditionExpression: `${PUBLISHED.partitionKey} = :pk`,
        ...(kind === 'penalty'
          ? { FilterExpression: '#data.#until >= :on', ExpressionAttributeNames: { '#data': 'data', '#until': 'publicUntil' }, ExpressionAttributeValues: { ':pk': pk, ':on': q.publicOn } }
          : { ExpressionAttributeValues: { ':pk': pk } }),
        Limit: q.limit,
      },
      q.cursor,
      (k) => k[PUBLISHED.partitionKey] === pk,
      (item) => strip<StoredVersion>(item),
    );
  }
}
