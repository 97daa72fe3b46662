/** The pool directory (对象库目录) on DynamoDB (the DirectoryStore port): one item per registered enterprise, indexed by GSI3. */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { industrySection } from '../../schemas/refdata/industry-sections';
import type { DirectoryEntry, RatedClass } from '../core/model';
import type { DirectoryStore } from '../core/ports';
import { strip, unlessConditionFails, type TableClient } from './client';
import { ATTR, directoryKey, INDEXES, ITEM_TYPES, poolIndexKey, poolPartition } from './table';

const POOL = INDEXES.pool;

/** `<section letter><code>`: a section-letter prefix and a digit prefix are both one `begins_with`. */
export const industryKey = (industryCode: string) => (/^[A-T]$/.test(industryCode) ? industryCode : `${industrySection(industryCode) ?? '?'}${industryCode}`);

export class DynamoDirectoryStore implements DirectoryStore {
  constructor(private readonly t: TableClient) {}

  async apply(entry: Omit<DirectoryEntry, 'riskClass'>) {
    const index = poolIndexKey(entry.regionCode, industryKey(entry.industryCode), entry.creditCode);
    const set = ['#type = :type', 'creditCode = :code', 'regionCode = :region', 'industryCode = :industry', 'registered = :registered', 'asOf = :asOf'];
    const values: Record<string, unknown> = {
      ':type': ITEM_TYPES.enterpriseDirectory,
      ':code': entry.creditCode,
      ':region': entry.regionCode,
      ':industry': entry.industryCode,
      ':registered': entry.registered,
      ':asOf': entry.asOf,
    };
    if (entry.registered) {
      set.push(`${POOL.partitionKey} = :gpk`, `${POOL.sortKey} = :gsk`);
      values[':gpk'] = index[POOL.partitionKey];
      values[':gsk'] = index[POOL.sortKey];
    }
    // Registrations of one enterprise are separate records and may reach fan-out out of order.
    await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: directoryKey(entry.creditCode),
          UpdateExpression: `SET ${set.join(', ')}${entry.registered ? '' : ` REMOVE ${POOL.partitionKey}, ${POOL.sortKey}`}`,
          ConditionExpression: 'attribute_not_exists(asOf) OR asOf < :asOf',
          ExpressionAttributeNames: { '#type': ATTR.type },
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async setRiskClass(creditCode: string, riskClass: RatedClass | undefined) {
    await this.t.db.send(
      new UpdateCommand({
        TableName: this.t.table,
        Key: directoryKey(creditCode),
        UpdateExpression: riskClass ? 'SET #type = :type, creditCode = :code, riskClass = :class' : 'SET #type = :type, creditCode = :code REMOVE riskClass',
        ExpressionAttributeNames: { '#type': ATTR.type },
        ExpressionAttributeValues: { ':type': ITEM_TYPES.enterpriseDirectory, ':code': creditCode, ...(riskClass ? { ':class': riskClass } : {}) },
      }),
    );
  }

  async get(creditCode: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: directoryKey(creditCode) }));
    return out.Item ? strip<DirectoryEntry>(out.Item) : undefined;
  }

  async inDivision(regionCode: string, industryKeyPrefix: string) {
    const items = await this.t.queryAll({
      IndexName: POOL.name,
      KeyConditionExpression: `${POOL.partitionKey} = :pk${industryKeyPrefix ? ` AND begins_with(${POOL.sortKey}, :prefix)` : ''}`,
      ExpressionAttributeValues: { ':pk': poolPartition(regionCode), ...(industryKeyPrefix ? { ':prefix': industryKeyPrefix } : {}) },
    });
    return items.map((i) => ({ creditCode: String(i.creditCode), ...(typeof i.riskClass === 'string' ? { riskClass: i.riskClass as RatedClass } : {}) }));
  }
}
