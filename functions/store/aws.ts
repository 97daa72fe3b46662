/**
 * AWS clients, created once per process. Locally an explicit endpoint points them at DynamoDB
 * Local and the SQS emulator.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * How long a request to the table may take. Without limits a table that stops answering (a paused
 * DynamoDB Local, a network partition) holds every request for as long as it lasts; with them a
 * caller hears "unavailable" within about STORE_GIVE_UP_MS.
 */
export const STORE_TIMEOUTS = { connectionTimeoutMs: 1000, requestTimeoutMs: 4000, maxAttempts: 2 };
export const STORE_GIVE_UP_MS = STORE_TIMEOUTS.maxAttempts * (STORE_TIMEOUTS.connectionTimeoutMs + STORE_TIMEOUTS.requestTimeoutMs) + 1000;

export function documentClient(endpoint?: string): DynamoDBDocumentClient {
  // Without a signer of its own the client builds a new SigV4 signer for every request, copying
  // its whole configuration each time (about a tenth of the client's CPU per request). One signer
  // serves them all: it reads the client's own credentials provider (so refreshed credentials
  // are used as before) and is told each request's signing region and service.
  let signer: SignatureV4 | undefined;
  const client: DynamoDBClient = new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: STORE_TIMEOUTS.maxAttempts,
    requestHandler: { connectionTimeout: STORE_TIMEOUTS.connectionTimeoutMs, requestTimeout: STORE_TIMEOUTS.requestTimeoutMs, throwOnRequestTimeout: true },
    signer: async () => (signer ??= new SignatureV4({ credentials: client.config.credentials, region: client.config.region, service: 'dynamodb', sha256: client.config.sha256, uriEscapePath: true })),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
