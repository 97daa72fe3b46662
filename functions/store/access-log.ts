/** The profile access log (查询留痕) on DynamoDB (the AccessLogStore port): one item per read, under the enterprise, kept for the retention set. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AccessLogEntry } from '../core/model';
import type { AccessLogStore } from '../core/ports';
import { strip, type TableClient } from './client';
import { ACCESS_LOG_PREFIX, accessLogKey, accessLogOnceKey, ATTR, DEFAULT_RETENTION, enterprisePartition, expiryOf, ITEM_TYPES } from './table';

export class DynamoAccessLogStore implements AccessLogStore {
  constructor(
    private readonly t: TableClient,
    private readonly retentionDays = DEFAULT_RETENTION.accessLogDays,
  ) {}

  async append(entry: AccessLogEntry, nonce: string) {
    await this.t.db.send(
      new PutCommand({ TableName: this.t.table, Item: { ...accessLogKey(entry.creditCode, entry.at, nonce), [ATTR.type]: ITEM_TYPES.accessLog, ...expiryOf(entry.at, this.retentionDays), ...entry } }),
    );
  }

  async appendOnce(entry: AccessLogEntry, filedAt: string, key: string) {
    await this.t.putIfAbsent({ ...accessLogOnceKey(entry.creditCode, filedAt, key), [ATTR.type]: ITEM_TYPES.accessLog, ...expiryOf(entry.at, this.retentionDays), ...entry });
  }

  list(creditCode: string, cursor: string | undefined, limit: number) {
    const pk = enterprisePartition(creditCode);
    return this.t.queryPage(
      { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': ACCESS_LOG_PREFIX }, ScanIndexForward: false, Limit: limit },
      cursor,
      (k) => k.PK === pk && typeof k.SK === 'string' && k.SK.startsWith(ACCESS_LOG_PREFIX),
      (i) => strip<AccessLogEntry>(i),
    );
  }
}
