/** Counters per department and quarter on DynamoDB (the StatisticsStore port); see "Statistics" in table.ts. */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MEASURES, type Counts, type Measure } from '../core/model';
import type { StatisticsStore } from '../core/ports';
import { unlessConditionFails, type TableClient } from './client';
import { ATTR, ITEM_TYPES, recordCountedKey, STATISTICS_SHARDS, statisticsKey, statisticsShard } from './table';

export class DynamoStatisticsStore implements StatisticsStore {
  constructor(private readonly t: TableClient) {}

  async add(department: string, quarter: string, measure: Measure, what: string, by = 1) {
    await this.t.db.send(
      new UpdateCommand({
        TableName: this.t.table,
        Key: statisticsKey(department, quarter, statisticsShard(what)),
        UpdateExpression: 'SET #type = :type, department = :d, quarter = :q ADD #m :by',
        ExpressionAttributeNames: { '#type': ATTR.type, '#m': measure },
        ExpressionAttributeValues: { ':type': ITEM_TYPES.statisticsCounter, ':d': department, ':q': quarter, ':by': by },
      }),
    );
  }

  async markCounted(versions: { id: string; version: number }[]) {
    return Promise.all(
      versions.map(
        async (v) =>
          (await unlessConditionFails(
            this.t.db.send(
              new PutCommand({
                TableName: this.t.table,
                Item: { ...recordCountedKey(v.id, v.version), [ATTR.type]: ITEM_TYPES.recordCounted },
                ConditionExpression: `attribute_not_exists(${ATTR.pk})`,
              }),
            ),
          )) !== undefined,
      ),
    );
  }

  async read(departments: string[], quarter: string) {
    const keys = departments.flatMap((d) => Array.from({ length: STATISTICS_SHARDS }, (_, shard) => statisticsKey(d, quarter, shard)));
    const items = await this.t.batchGet(keys, ['department', ...MEASURES]);
    const out = new Map<string, Counts>(departments.map((d) => [d, Object.fromEntries(MEASURES.map((m) => [m, 0])) as Counts]));
    for (const item of items) {
      const counts = out.get(item.department as string);
      if (!counts) continue;
      for (const m of MEASURES) counts[m] += typeof item[m] === 'number' ? item[m] : 0;
    }
    return out;
  }
}
