/**
 * The permit catalogue on DynamoDB (the CatalogueStore port): item versions and the stamp in one
 * partition read whole by the caches, the change list in another, and one quota stock counter per
 * item. Also the unmatched scope phrases (the ScopePhraseStore port).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CatalogueItem, CatalogueItemVersion } from '../../schemas/catalogue';
import type { CatalogueChange, UnmatchedPhrase } from '../core/model';
import type { CatalogueStore, ScopePhraseStore } from '../core/ports';
import { strip, unlessConditionFails, type Item, type TableClient } from './client';
import {
  ATTR,
  CATALOGUE_CHANGES_PARTITION,
  CATALOGUE_ITEM_PREFIX,
  CATALOGUE_PARTITION,
  CATALOGUE_STAMP_KEY,
  catalogueChangeKey,
  catalogueItemPrefix,
  catalogueVersionKey,
  ITEM_TYPES,
  quotaStockKey,
  UNMATCHED_PARTITION,
  unmatchedPhraseKey,
} from './table';

/** DynamoDB takes at most 100 actions in one transaction: each version writes two, and the stamp one more. */
const VERSIONS_PER_TRANSACTION = 40;

function itemsOf(rows: Item[]): CatalogueItem[] {
  const byCode = new Map<string, CatalogueItemVersion[]>();
  for (const row of rows) {
    const code = String(row.code);
    byCode.set(code, [...(byCode.get(code) ?? []), row.version as CatalogueItemVersion]);
  }
  return [...byCode.entries()].map(([code, versions]) => ({ code, versions: versions.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom)) }));
}

export class DynamoCatalogueStore implements CatalogueStore {
  constructor(private readonly t: TableClient) {}

  async stamp() {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: CATALOGUE_STAMP_KEY }));
    return Number(out.Item?.stamp ?? 0);
  }

  async items() {
    return itemsOf(await this.t.queryAll({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)', ExpressionAttributeValues: { ':pk': CATALOGUE_PARTITION, ':p': CATALOGUE_ITEM_PREFIX } }));
  }

  async item(code: string) {
    const rows = await this.t.queryAll({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)', ExpressionAttributeValues: { ':pk': CATALOGUE_PARTITION, ':p': catalogueItemPrefix(code) } });
    return itemsOf(rows)[0];
  }

  async addVersions(entries: { code: string; version: CatalogueItemVersion; change: CatalogueChange }[]) {
    let added = 0;
    for (let i = 0; i < entries.length; i += VERSIONS_PER_TRANSACTION) {
      const chunk = entries.slice(i, i + VERSIONS_PER_TRANSACTION);
      try {
        await this.t.db.send(
          new TransactWriteCommand({
            TransactItems: [
              ...chunk.flatMap(({ code, version, change }) => [
                {
                  Put: {
                    TableName: this.t.table,
                    Item: { ...catalogueVersionKey(code, version.effectiveFrom), [ATTR.type]: ITEM_TYPES.catalogueVersion, code, version },
                    ConditionExpression: `attribute_not_exists(${ATTR.pk})`,
                  },
                },
                { Put: { TableName: this.t.table, Item: { ...catalogueChangeKey(change.at, code, version.effectiveFrom), [ATTR.type]: ITEM_TYPES.catalogueChange, ...change } } },
              ]),
              {
                Update: {
                  TableName: this.t.table,
                  Key: CATALOGUE_STAMP_KEY,
                  UpdateExpression: 'SET #t = :t ADD stamp :one',
                  ExpressionAttributeNames: { '#t': ATTR.type },
                  ExpressionAttributeValues: { ':t': ITEM_TYPES.catalogueStamp, ':one': 1 },
                },
              },
            ],
          }),
        );
        added += chunk.length;
      } catch (e) {
        if (!(e instanceof TransactionCanceledException)) throw e;
        // Some version exists already (a seed run twice, two administrators at once): write the others one by one.
        if (chunk.length === 1) continue;
        for (const entry of chunk) added += await this.addVersions([entry]);
      }
    }
    return added;
  }

  changes(cursor: string | undefined, limit: number) {
    return this.t.queryPage(
      { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': CATALOGUE_CHANGES_PARTITION }, ScanIndexForward: false, Limit: limit },
      cursor,
      (k) => k.PK === CATALOGUE_CHANGES_PARTITION,
      (item) => strip<CatalogueChange>(item),
    );
  }

  async stock(code: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: quotaStockKey(code) }));
    return Number(out.Item?.stock ?? 0);
  }
}

export class DynamoScopePhraseStore implements ScopePhraseStore {
  constructor(private readonly t: TableClient) {}

  async count(phrase: string, seenOn: string, recordId: string) {
    await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: unmatchedPhraseKey(phrase),
          UpdateExpression: 'SET #t = :t, phrase = :p, firstSeen = if_not_exists(firstSeen, :d), lastSeen = :d, lastRecord = :r ADD #c :one',
          ConditionExpression: 'attribute_not_exists(lastRecord) OR lastRecord <> :r',
          ExpressionAttributeNames: { '#t': ATTR.type, '#c': 'count' },
          ExpressionAttributeValues: { ':t': ITEM_TYPES.unmatchedPhrase, ':p': phrase, ':d': seenOn, ':r': recordId, ':one': 1 },
        }),
      ),
    );
  }

  list(cursor: string | undefined, limit: number) {
    return this.t.queryPage(
      { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': UNMATCHED_PARTITION }, Limit: limit },
      cursor,
      (k) => k.PK === UNMATCHED_PARTITION,
      (item): UnmatchedPhrase => ({ phrase: String(item.phrase), count: Number(item.count), firstSeen: String(item.firstSeen), lastSeen: String(item.lastSeen) }),
    );
  }
}
