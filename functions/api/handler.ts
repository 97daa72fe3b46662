/** Lambda entry point of the HTTP API: adapts API Gateway events to the Hono app. */
import { handle } from 'hono/aws-lambda';
import { contentHashKey, creditConfig, cursorKey, ingestRules, requireKeyEnvironment, rateLimits, subscriptionLimits, webhookPolicy } from '../config';
import { hmacCursors } from '../core/cursor';
import { KmsSecretBox } from '../adapters/kms-secret-box';
import { lambdaPorts } from '../runtime';
import { createApp } from './app';

export const app = createApp(
  { ...lambdaPorts((keyArn) => new KmsSecretBox(keyArn)), cursors: hmacCursors(cursorKey()) },
  // A deployment must hold its own content hash key and key environment marker, or the api does not start.
  {
    webhookPolicy: webhookPolicy(),
    ingest: { ...ingestRules(), contentHashKey: contentHashKey() },
    credit: creditConfig(),
    keyEnvironment: requireKeyEnvironment(),
    subscriptions: subscriptionLimits(),
    rateLimits: rateLimits(),
    secureCookies: true,
  },
);
export const handler = handle(app);
