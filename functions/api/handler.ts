/** Lambda entry point of the HTTP API: adapts API Gateway events to the Hono app. */
import { handle } from 'hono/aws-lambda';
import { creditConfig, cursorKey, ingestRules, webhookPolicy } from '../config';
import { hmacCursors } from '../core/cursor';
import { KmsSecretBox } from '../adapters/kms-secret-box';
import { lambdaPorts } from '../runtime';
import { createApp } from './app';

export const app = createApp(
  { ...lambdaPorts((keyArn) => new KmsSecretBox(keyArn)), cursors: hmacCursors(cursorKey()) },
  { webhookPolicy: webhookPolicy(), ingest: ingestRules(), credit: creditConfig() },
);
export const handler = handle(app);
