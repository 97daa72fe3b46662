/**
 * The table's document client signs with one SigV4 signer for all its requests rather than a new
 * one per request. DynamoDB Local does not check signatures, so this holds the signatures it sends
 * to the SDK's own, byte for byte, with AWS itself replaced by a canned answer.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient, STORE_TIMEOUTS } from '../../functions/store/aws';

const saved = { ...process.env };
beforeEach(() => {
  Object.assign(process.env, { AWS_REGION: 'cn-northwest-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example-secret', AWS_SESSION_TOKEN: 'example-token' });
  // The date and the per-request invocation id are signed: fixed, so that two signatures can be compared.
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] });
  vi.spyOn(globalThis.crypto, 'randomUUID').mockReturnValue('00000000-0000-4000-8000-000000000000');
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  process.env = { ...saved };
});

/** The headers of each request as signed, answered without sending it. */
function signedHeaders(db: DynamoDBDocumentClient): Record<string, string>[] {
  const sent: Record<string, string>[] = [];
  db.middlewareStack.addRelativeTo(
    () => async (args: { request: unknown }) => {
      sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
      return { response: { statusCode: 200, headers: {}, body: Readable.from([Buffer.from('{}')]) }, output: { $metadata: {} } };
    },
    { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'answerSigned' },
  );
  return sent;
}

describe('the table client', () => {
  it('signs every request exactly as the SDK signs it by default', async () => {
    const ours = documentClient();
    // The SDK's own signing, on a client that differs from ours in nothing else that is signed.
    const sdks = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: STORE_TIMEOUTS.maxAttempts }));
    const oursSent = signedHeaders(ours);
    const sdksSent = signedHeaders(sdks);
    for (const db of [ours, sdks]) {
      for (const n of [1, 2]) await db.send(new PutCommand({ TableName: 'exchange', Item: { PK: `REC#${n}`, SK: 'V#000001', data: { n } } }));
    }
    expect(oursSent).toHaveLength(2);
    expect(oursSent[0].authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260101\/cn-northwest-1\/dynamodb\/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}$/);
    expect(oursSent[0]['x-amz-security-token']).toBe('example-token');
    expect(oursSent).toEqual(sdksSent);
    // Each request its own signature: the second is not the first one's reused.
    expect(oursSent[1].authorization).not.toBe(oursSent[0].authorization);
  });
});
