/** Console sessions (控制台会话) on DynamoDB (the SessionStore port); TTL removes expired ones. */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ConsoleSession, SessionStore } from '../core/ports';
import { strip, type TableClient } from './client';
import { ATTR, ITEM_TYPES, sessionKey } from './table';

export class DynamoSessionStore implements SessionStore {
  constructor(private readonly t: TableClient) {}

  async put(session: ConsoleSession) {
    const expiresAtEpoch = Math.ceil(Date.parse(session.expiresAt) / 1000);
    await this.t.db.send(
      new PutCommand({ TableName: this.t.table, Item: { ...sessionKey(session.tokenHash), [ATTR.type]: ITEM_TYPES.consoleSession, [ATTR.expiresAtEpoch]: expiresAtEpoch, ...session } }),
    );
  }

  async get(tokenHash: string) {
    // Strongly consistent, so a sign-out is final for the very next request.
    const out = await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: sessionKey(tokenHash), ConsistentRead: true }));
    return out.Item ? strip<ConsoleSession>(out.Item) : undefined;
  }

  async delete(tokenHash: string) {
    await this.t.db.send(new DeleteCommand({ TableName: this.t.table, Key: sessionKey(tokenHash) }));
  }
}
