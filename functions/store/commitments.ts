/** Commitments (告知承诺) on DynamoDB (the CommitmentStore port): one item per licence, moved step by step. */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { Commitment, CommitmentStep } from '../../schemas/credit';
import type { DirectedEvent, Due } from '../core/model';
import type { CommitmentStore } from '../core/ports';
import { strip, type Item, type TableClient } from './client';
import { directedEventItem, putAllIfAbsent } from './credit';
import { ATTR, commitmentKey, creditDueKey, ITEM_TYPES } from './table';

const commitmentItem = (c: Commitment, due: Due | undefined): Item => ({
  ...commitmentKey(c.creditCode, c.licenceRecordId),
  [ATTR.type]: ITEM_TYPES.commitment,
  ...(due ? creditDueKey(due.actOn, c.creditCode, `commitment:${c.licenceRecordId}:${due.what}`) : {}),
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

  async advance(c: Commitment, expected: { step: CommitmentStep; escalations: number }, due: Due | undefined, events: DirectedEvent[]) {
    try {
      await this.t.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.t.table,
                Item: commitmentItem(c, due),
                // The step and the number of escalations together say nobody moved it meanwhile.
                ConditionExpression: 'step = :step AND size(escalations) = :n',
                ExpressionAttributeValues: { ':step': expected.step, ':n': expected.escalations },
              },
            },
            ...events.map((e) => ({ Put: { TableName: this.t.table, Item: directedEventItem(e), ConditionExpression: `attribute_not_exists(${ATTR.pk})` } })),
          ],
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof TransactionCanceledException) return false;
      throw e;
    }
  }
}
