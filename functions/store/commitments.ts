/** Commitments (告知承诺) on DynamoDB (the CommitmentStore port): one item per licence, moved step by step. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Commitment, CommitmentStep } from '../../schemas/credit';
import type { DirectedEvent, Due } from '../core/model';
import type { CommitmentStore } from '../core/ports';
import { strip, transactOrLose, type Item, type TableClient } from './client';
import { directedEventItem, putAllIfAbsent } from './credit';
import { ATTR, commitmentKey, commitmentListKey, commitmentsPartition, creditDueKey, INDEXES, ITEM_TYPES } from './table';

const commitmentItem = (c: Commitment, due: Due | undefined): Item => ({
  ...commitmentKey(c.creditCode, c.licenceRecordId),
  [ATTR.type]: ITEM_TYPES.commitment,
  ...(due ? creditDueKey(due.actOn, c.creditCode, `commitment:${c.licenceRecordId}:${due.what}`) : {}),
  ...commitmentListKey(c.grantedOn, c.licenceRecordId),
  ...c,
});

export class DynamoCommitmentStore implements CommitmentStore {
  constructor(private readonly t: TableClient) {}

  create(c: Commitment, due: Due | undefined, events: DirectedEvent[]) {
    return putAllIfAbsent(this.t, [commitmentItem(c, due), ...events.map(directedEventItem)]);
  }

  async get(creditCode: string, licenceRecordId: string) {
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: commitmentKey(creditCode, licenceRecordId), ConsistentRead: true }));
    return out.Item ? strip<Commitment>(out.Item) : undefined;
  }

  published(month: string, cursor: string | undefined, limit: number) {
    const partition = commitmentsPartition(month);
    return this.t.queryPage(
      {
        IndexName: INDEXES.open.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': ATTR.gsi2pk },
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
        Limit: limit,
      },
      cursor,
      (k) => k[ATTR.gsi2pk] === partition,
      (i) => strip<Commitment>(i),
    );
  }

  advance(c: Commitment, expected: { step: CommitmentStep; escalations: number }, due: Due | undefined, events: DirectedEvent[]) {
    return transactOrLose(this.t, [
      {
        Put: {
          Item: commitmentItem(c, due),
          // The step and the number of escalations together say nobody moved it meanwhile.
          ConditionExpression: 'step = :step AND size(escalations) = :n',
          ExpressionAttributeValues: { ':step': expected.step, ':n': expected.escalations },
        },
      },
      ...events.map((e) => ({ Put: { Item: directedEventItem(e), ConditionExpression: `attribute_not_exists(${ATTR.pk})` } })),
    ]);
  }
}
