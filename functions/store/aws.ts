/**
 * AWS clients, created once per process. Locally an explicit endpoint points them at DynamoDB
 * Local and the SQS emulator.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function documentClient(endpoint?: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ ...(endpoint ? { endpoint } : {}), maxAttempts: 4 });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
