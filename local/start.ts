/**
 * `npm start`: the whole exchange on this machine. Starts DynamoDB Local and the SQS emulator with
 * their data under .data/, creates the table and queues, seeds demo departments, subscriptions and
 * records, serves the API on 127.0.0.1, plays the event source mappings (stream → fan-out,
 * queue → delivery, the overdue schedule) and runs a demo webhook receiver that checks signatures.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileSecretBox } from '../functions/adapters/secret-box';
import { createApp } from '../functions/api/app';
import { creditConfig, deliveryConfig, fanoutConfig, ingestRules, rateLimits, retention, subscriptionLimits, webhookPolicy } from '../functions/config';
import { overdueJob } from '../functions/core/overdue';
import { runCreditDue } from '../functions/core/credit-reactions';
import { recheckCovers } from '../functions/core/cover';
import { seedCatalogue } from '../functions/core/catalogue-seed';
import { runtimePorts } from '../functions/runtime';
import { startEventSources } from './event-sources';
import { serveApi } from './http-server';
import { every } from './pollers';
import { WebhookReceiver } from './receiver';
import { ENTERPRISES } from './samples';
import { seedDemo, seedSubscriptions } from './seed';
import { ensureQueues, ensureTable, startLocalServices } from './services';

export const DATA_DIR = resolve(process.env.EXCHANGE_DATA_DIR ?? '.data');
const TABLE = 'exchange';
const PORT = Number(process.env.PORT ?? 3000);
const RECEIVER_PORT = Number(process.env.RECEIVER_PORT ?? PORT + 1);
const quiet = !!process.env.EXCHANGE_QUIET;
// Locally, retries come quickly so a failing receiver is seen within a minute.
process.env.DELIVERY_RETRY_DELAYS ??= '2,5,10,30';
// Locally, departments' webhooks live on this machine; WEBHOOK_ALLOW_PRIVATE_TARGETS=false tries the strict policy of AWS.
process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS ??= 'true';
const webhooks = webhookPolicy();

mkdirSync(DATA_DIR, { recursive: true });

/**
 * A key made once per data folder: cursors handed out survive a restart, and content hashes stay
 * comparable with the records already stored.
 */
function localKey(file: string): string {
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
const ingest = ingestRules(localKey(resolve(DATA_DIR, 'content-hash-key')));
console.log('Starting DynamoDB Local and the SQS emulator ...');
const services = await startLocalServices({ dataDir: DATA_DIR }).catch((e: Error) => {
  // Java missing, a port taken, a broken data folder: say what and stop, without a stack trace.
  console.error(`Cannot start the local services: ${e.message}`);
  process.exit(1);
});
await ensureTable(services.dynamodbEndpoint, TABLE);
const queues = await ensureQueues(services.sqsEndpoint);
writeFileSync(resolve(DATA_DIR, 'local.json'), JSON.stringify({ table: TABLE, dynamodbEndpoint: services.dynamodbEndpoint, sqsEndpoint: services.sqsEndpoint, ...queues }, null, 2) + '\n');

// Webhook secrets are sealed with a key kept in .data/ (on AWS: a KMS key only delivery may decrypt with).
const ports = runtimePorts({
  cursorKey: Buffer.from(localKey(resolve(DATA_DIR, 'cursor-key'))),
  secrets: fileSecretBox(resolve(DATA_DIR, 'webhook-secrets.key')),
  table: TABLE,
  dynamodbEndpoint: services.dynamodbEndpoint,
  queueUrl: queues.deliveryQueueUrl,
  sqsEndpoint: services.sqsEndpoint,
  // DynamoDB Local never deletes expired items; the attribute is written as on AWS.
  store: { retention: retention() },
});
const receiver = new WebhookReceiver((r) => console.log(`[demo receiver ${r.path}] ${r.event.type} ${r.event.subject} ${r.duplicate ? '(duplicate, ignored)' : ''}signature ok, webhook-id ${r.id}`));
await receiver.start(RECEIVER_PORT);
const seeded = await seedCatalogue(ports);
console.log(seeded.added ? `Loaded ${seeded.added} catalogue item versions (${seeded.edition.slice(0, 60)}...)` : 'Permit catalogue already loaded');
const credentials = await seedDemo(ports, resolve(DATA_DIR, 'demo-credentials.json'), ingest);
for (const hook of await seedSubscriptions(ports, (d) => receiver.url(`/hooks/${d}`))) receiver.expect(hook.path, hook.secret);

const app = createApp(ports, { log: quiet ? () => {} : undefined, webhookPolicy: webhooks, ingest, subscriptions: subscriptionLimits(), rateLimits: rateLimits() });
const server = serveApi(app.fetch, PORT);
const eventSources = await startEventSources({
  ports,
  dynamodbEndpoint: services.dynamodbEndpoint,
  table: TABLE,
  sqsEndpoint: services.sqsEndpoint,
  queueUrl: queues.deliveryQueueUrl,
  dlqUrl: queues.dlqUrl,
  failureQueueUrl: queues.failureQueueUrl,
  fanout: fanoutConfig(),
  delivery: deliveryConfig(),
  webhooks,
  checkpointFile: resolve(DATA_DIR, 'stream-checkpoints.json'),
});
const stopSchedule = every(60_000, async () => {
  await overdueJob(ports);
  await runCreditDue(ports, creditConfig());
  await recheckCovers(ports);
});

const base = `http://127.0.0.1:${PORT}`;
const market = credentials.find((c) => c.department === 'market');
console.log(`
Enterprise Data Exchange is running at ${base}
  API reference: ${base}/docs   OpenAPI: ${base}/openapi.json
  DynamoDB Local: ${services.dynamodbEndpoint} (data in ${DATA_DIR})   SQS emulator: ${services.sqsEndpoint}
  Demo webhook receiver: ${receiver.url('/hooks/<department>')} (health and credit subscribe by webhook)

Demo department API keys (also in ${resolve(DATA_DIR, 'demo-credentials.json')}):
${credentials.map((c) => `  ${c.department.padEnd(12)} ${c.apiKey}\n  ${''.padEnd(12)} ${c.name}; ${c.scopes.join(' ')}`).join('\n')}

Try it:
  curl -s -H 'Authorization: Bearer ${market?.apiKey}' -H 'Access-Purpose: demo' ${base}/v1/enterprises/${ENTERPRISES.restaurant.creditCode}

Stop with Ctrl-C; data is kept for the next start.
`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  stopSchedule();
  server.close();
  await Promise.all([eventSources.stop(), receiver.stop()]);
  await services.stop();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
