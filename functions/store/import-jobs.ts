/** Console file imports on DynamoDB (the ImportJobStore port); see "import-job" in table.ts. Loaded on first use. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ImportJob, ImportRowResult } from '../core/imports';
import type { ImportJobStore } from '../core/ports';
import { strip, transactOrLose, type TableClient } from './client';
import { ATTR, IMPORT_REPORT_PREFIX, importJobKey, importPartition, importReportKey, importRowsKey, ITEM_TYPES } from './table';

export class DynamoImportJobStore implements ImportJobStore {
  constructor(private readonly t: TableClient) {}

  async create(job: ImportJob, chunks: string[]) {
    const ttl = { [ATTR.expiresAtEpoch]: Math.ceil(Date.parse(job.expiresAt) / 1000) };
    // The rows first: a job item exists only once every row it names is stored.
    await Promise.all(chunks.map((rows, n) => this.t.db.send(new PutCommand({ TableName: this.t.table, Item: { ...importRowsKey(job.id, n), [ATTR.type]: ITEM_TYPES.importRows, ...ttl, rows } }))));
    await this.t.db.send(new PutCommand({ TableName: this.t.table, Item: { ...importJobKey(job.id), [ATTR.type]: ITEM_TYPES.importJob, ...ttl, ...job } }));
  }

  async get(id: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: importJobKey(id), ConsistentRead: true }));
    return out.Item ? strip<ImportJob>(out.Item) : undefined;
  }

  async chunk(id: string, n: number) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: importRowsKey(id, n), ConsistentRead: true }));
    return typeof out.Item?.rows === 'string' ? out.Item.rows : undefined;
  }

  advance(job: ImportJob, done: number, report: ImportRowResult[]) {
    const ttl = { [ATTR.expiresAtEpoch]: Math.ceil(Date.parse(job.expiresAt) / 1000) };
    return transactOrLose(this.t, [
      { Put: { Item: { ...importJobKey(job.id), [ATTR.type]: ITEM_TYPES.importJob, ...ttl, ...job }, ConditionExpression: 'nextChunk = :done', ExpressionAttributeValues: { ':done': done } } },
      { Put: { Item: { ...importReportKey(job.id, done), [ATTR.type]: ITEM_TYPES.importReport, ...ttl, rows: report } } },
    ]);
  }

  async report(id: string) {
    const items = await this.t.queryAll({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :report)',
      ExpressionAttributeNames: { '#pk': ATTR.pk, '#sk': ATTR.sk },
      ExpressionAttributeValues: { ':pk': importPartition(id), ':report': IMPORT_REPORT_PREFIX },
      ConsistentRead: true,
    });
    return items.flatMap((item) => item.rows as ImportRowResult[]);
  }
}
