/** Lambda entry point of the HTTP API: adapts API Gateway events to the Hono app. */
import { handle } from 'hono/aws-lambda';
import { contentHashKey, creditConfig, cursorKey, ingestRules, requireKeyEnvironment, rateLimits, subscriptionLimits, webhookPolicy } from '../config';
import { hmacCursors } from '../core/cursor';
import { KmsSecretBox } from '../adapters/kms-secret-box';
import { lambdaPorts } from '../runtime';
import { createApp } from './app';

const ports = { ...lambdaPorts((keyArn) => new KmsSecretBox(keyArn)), cursors: hmacCursors(cursorKey()) };

export const app = createApp(
  ports,
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

// Started while the function starts up (Lambda's init phase), before the first request is handed
// over: the reference data every post is validated against, and the first connection to the
// table. The first request joins these reads instead of making them one after another; one that
// fails, fails the requests that joined it as their own read would have, and the next reads again.
void Promise.allSettled([
  import('../core/credit-code-exceptions').then(({ exceptionCodes }) => exceptionCodes(ports)),
  import('../core/catalogue-cache').then(({ catalogueIndex }) => catalogueIndex(ports)),
]);
