/**
 * Random inspection plans (双随机抽查计划) on DynamoDB (the PlanStore port): the plan item, its
 * listing entry, its large parts cut into chunks, its tasks, the plans of each catalogue item and
 * the overdue job's place.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredPlan, StoredTask } from '../core/model';
import type { PlanListing, PlanStore } from '../core/ports';
import { strip, unlessConditionFails, type Item, type TableClient } from './client';
import {
  ATTR,
  dueIndexKey,
  duePartition,
  INDEXES,
  itemPlanKey,
  itemPlansPartition,
  ITEM_TYPES,
  jobCursorKey,
  planChunkKey,
  planChunkPrefix,
  planKey,
  planListKey,
  planListPartition,
  planPartition,
  TASK_PREFIX,
  taskKey,
  type PlanPart,
} from './table';

const OPEN = INDEXES.open;
const DUE_JOB = 'task-overdue';
/** Conditional puts in flight at once when writing a draw's tasks. */
const TASK_WRITERS = 16;

const planItem = (p: StoredPlan): Item => ({ ...planKey(p.id), [ATTR.type]: ITEM_TYPES.inspectionPlan, ...p });
const taskItem = (t: StoredTask): Item => ({
  ...taskKey(t.planId, t.creditCode),
  [ATTR.type]: ITEM_TYPES.inspectionTask,
  ...(t.status === 'open' ? dueIndexKey(t.resultDue.dueDate, t.planId, t.creditCode) : {}),
  ...t,
});
export const toTask = (item: Item) => strip<StoredTask>(item);

export class DynamoPlanStore implements PlanStore {
  constructor(private readonly t: TableClient) {}

  async create(plan: StoredPlan) {
    const listing: PlanListing = { id: plan.id, department: plan.department, title: plan.title, commitment: plan.commitment, createdAt: plan.createdAt };
    await this.t.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.t.table, Item: planItem(plan), ConditionExpression: `attribute_not_exists(${ATTR.pk})` } },
          { Put: { TableName: this.t.table, Item: { ...planListKey(plan.department, plan.createdAt, plan.id), [ATTR.type]: ITEM_TYPES.planListing, ...listing } } },
        ],
      }),
    );
  }

  async get(planId: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: planKey(planId), ConsistentRead: true }));
    return out.Item ? strip<StoredPlan>(out.Item) : undefined;
  }

  list(department: string, cursor: string | undefined, limit: number) {
    return this.t.queryPage(
      { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': planListPartition(department) }, ScanIndexForward: false, Limit: limit },
      cursor,
      (k) => k.PK === planListPartition(department),
      (i) => strip<PlanListing>(i),
    );
  }

  async advance(plan: StoredPlan, from: StoredPlan['status']) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new PutCommand({
          TableName: this.t.table,
          Item: planItem(plan),
          ConditionExpression: '#s = :from',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':from': from },
        }),
      ),
    );
    return out !== undefined;
  }

  async putParts(planId: string, part: PlanPart, texts: string[]) {
    for (let i = 0; i < texts.length; i += TASK_WRITERS) {
      await Promise.all(
        texts
          .slice(i, i + TASK_WRITERS)
          .map((text, j) => this.t.db.send(new PutCommand({ TableName: this.t.table, Item: { ...planChunkKey(planId, part, i + j), [ATTR.type]: ITEM_TYPES.planChunk, planId, part, text } }))),
      );
    }
  }

  async parts(planId: string, part: PlanPart, only?: number) {
    if (only !== undefined) {
      const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: planChunkKey(planId, part, only) }));
      return out.Item ? [String(out.Item.text)] : [];
    }
    const items = await this.t.queryAll({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :part)', ExpressionAttributeValues: { ':pk': planPartition(planId), ':part': planChunkPrefix(part) } });
    return items.map((i) => String(i.text));
  }

  async putTasks(tasks: StoredTask[]) {
    let next = 0;
    const writer = async () => {
      while (next < tasks.length) await this.t.putIfAbsent(taskItem(tasks[next++]));
    };
    await Promise.all(Array.from({ length: Math.min(TASK_WRITERS, tasks.length) }, writer));
  }

  async getTask(planId: string, creditCode: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: taskKey(planId, creditCode), ConsistentRead: true }));
    return out.Item ? toTask(out.Item) : undefined;
  }

  tasks(planId: string, cursor: string | undefined, limit: number) {
    return this.t.queryPage(
      { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :task)', ExpressionAttributeValues: { ':pk': planPartition(planId), ':task': TASK_PREFIX }, Limit: limit },
      cursor,
      (k) => k.PK === planPartition(planId),
      toTask,
    );
  }

  async closeTask(planId: string, creditCode: string, result: NonNullable<StoredTask['result']>, at: string) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: taskKey(planId, creditCode),
          UpdateExpression: `SET #s = :closed, #r = :result, closedAt = if_not_exists(closedAt, :at) REMOVE ${OPEN.partitionKey}, ${OPEN.sortKey}`,
          // The same result posted again (a retried post) closes it again harmlessly.
          ConditionExpression: '#s = :open OR #r.recordId = :rid',
          ExpressionAttributeNames: { '#s': 'status', '#r': 'result' },
          ExpressionAttributeValues: { ':closed': 'closed', ':open': 'open', ':result': result, ':at': at, ':rid': result.recordId },
        }),
      ),
    );
    return out !== undefined;
  }

  async recordItemPlans(itemCodes: string[], drawnAt: string, planId: string) {
    await Promise.all(
      itemCodes.map((code) =>
        this.t.db.send(new PutCommand({ TableName: this.t.table, Item: { ...itemPlanKey(code, drawnAt, planId), [ATTR.type]: ITEM_TYPES.itemPlan, itemCode: code, planId, drawnAt } })),
      ),
    );
  }

  async previousPlan(itemCode: string, before: string) {
    const out = await this.t.db.send(
      new QueryCommand({
        TableName: this.t.table,
        KeyConditionExpression: 'PK = :pk AND SK < :before',
        ExpressionAttributeValues: { ':pk': itemPlansPartition(itemCode), ':before': before },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item ? String(item.planId) : undefined;
  }

  async openTasksDue(dueDate: string) {
    const items = await this.t.queryAll({ IndexName: OPEN.name, KeyConditionExpression: `${OPEN.partitionKey} = :pk`, ExpressionAttributeValues: { ':pk': duePartition(dueDate) } });
    return items.map(toTask);
  }

  async markTaskEscalated(planId: string, creditCode: string, at: string) {
    const out = await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: taskKey(planId, creditCode),
          UpdateExpression: 'SET escalatedAt = :at',
          ConditionExpression: '#s = :open AND attribute_not_exists(escalatedAt)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':at': at, ':open': 'open' },
        }),
      ),
    );
    return out !== undefined;
  }

  async dueCursor() {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: jobCursorKey(DUE_JOB), ConsistentRead: true }));
    return typeof out.Item?.through === 'string' ? out.Item.through : undefined;
  }

  async setDueCursor(through: string, back = false) {
    await unlessConditionFails(
      this.t.db.send(
        new UpdateCommand({
          TableName: this.t.table,
          Key: jobCursorKey(DUE_JOB),
          UpdateExpression: 'SET #type = :type, through = :d',
          ConditionExpression: `attribute_not_exists(through) OR through ${back ? '>' : '<'} :d`,
          ExpressionAttributeNames: { '#type': ATTR.type },
          ExpressionAttributeValues: { ':type': ITEM_TYPES.jobCursor, ':d': through },
        }),
      ),
    );
  }
}
