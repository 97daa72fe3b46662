/** The pool directory (对象库目录) on DynamoDB (the DirectoryStore port): one item per registered enterprise, indexed by GSI3. */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { industrySection } from '../../schemas/refdata/industry-sections';
import type { DirectoryEntry, RatedClass } from '../core/model';
import type { DirectoryStore } from '../core/ports';
import type { RecordKind } from '../../schemas/records';
import { strip, unlessConditionFails, type Item, type TableClient } from './client';
import { ATTR, directoryKey, INDEXES, ITEM_TYPES, poolIndexKey, poolPartition } from './table';

const POOL = INDEXES.pool;

/** `<section letter><code>`: a section-letter prefix and a digit prefix are both one `begins_with`. */
export const industryKey = (industryCode: string) => (/^[A-T]$/.test(industryCode) ? industryCode : `${industrySection(industryCode) ?? '?'}${industryCode}`);

// Written out rather than imported: schemas/records brings zod into every function that stores.
const RECORD_KINDS = ['registration', 'licence', 'filing', 'inspection', 'penalty'] as const satisfies readonly RecordKind[];
/** Live records of a kind are counted in a top-level attribute: ADD cannot create a nested map. */
const countAttribute = (kind: RecordKind) => `count_${kind}`;
const ENTRY_ATTRIBUTES = ['creditCode', 'regionCode', 'industryCode', 'registered', 'asOf', 'riskClass', 'name', ...RECORD_KINDS.map(countAttribute)];

function toEntry(item: Item): DirectoryEntry {
  const counts = Object.fromEntries(RECORD_KINDS.filter((k) => typeof item[countAttribute(k)] === 'number').map((k) => [k, item[countAttribute(k)] as number]));
  const rest = strip<Item>(item);
  for (const k of RECORD_KINDS) delete rest[countAttribute(k)];
  return { ...(rest as unknown as DirectoryEntry), ...(Object.keys(counts).length ? { counts } : {}) };
}

export class DynamoDirectoryStore implements DirectoryStore {
  constructor(private readonly t: TableClient) {}

  async apply(entry: Omit<DirectoryEntry, 'riskClass'>) {
    const index = poolIndexKey(entry.regionCode, industryKey(entry.industryCode), entry.creditCode);
    const set = ['#type = :type', 'creditCode = :code', 'regionCode = :region', 'industryCode = :industry', 'registered = :registered', 'asOf = :asOf'];
    if (entry.name !== undefined) set.push('#name = :name');
    const values: Record<string, unknown> = {
      ...(entry.name !== undefined ? { ':name': entry.name } : {}),
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
          ExpressionAttributeNames: { '#type': ATTR.type, ...(entry.name !== undefined ? { '#name': 'name' } : {}) },
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
    return out.Item ? toEntry(out.Item) : undefined;
  }

  async getMany(creditCodes: string[]) {
    const items = await this.t.batchGet(creditCodes.map(directoryKey), ENTRY_ATTRIBUTES);
    return new Map(items.map((i) => [String(i.creditCode), toEntry(i)]));
  }

  async countRecord(creditCode: string, kind: RecordKind, by = 1) {
    await this.t.db.send(
      new UpdateCommand({
        TableName: this.t.table,
        Key: directoryKey(creditCode),
        UpdateExpression: 'SET #type = :type, creditCode = :code ADD #count :by',
        ExpressionAttributeNames: { '#type': ATTR.type, '#count': countAttribute(kind) },
        ExpressionAttributeValues: { ':type': ITEM_TYPES.enterpriseDirectory, ':code': creditCode, ':by': by },
      }),
    );
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
