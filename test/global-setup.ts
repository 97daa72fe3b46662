/** Starts DynamoDB Local and the SQS emulator once for the whole run; each test file makes its own table. */
import type { TestProject } from 'vitest/node';
import { startLocalServices } from '../local/services';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    sqsEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const services = await startLocalServices();
  project.provide('dynamodbEndpoint', services.dynamodbEndpoint);
  project.provide('sqsEndpoint', services.sqsEndpoint);
  return () => services.stop();
}
