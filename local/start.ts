/**
 * `npm start`: the whole exchange on this machine. Starts DynamoDB Local and the SQS emulator with
 * their data under .data/, creates the table and queues, seeds demo departments and records, and
 * serves the API on 127.0.0.1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../functions/api/app';
import { runtimePorts } from '../functions/runtime';
import { ENTERPRISES } from './samples';
import { seedDemo } from './seed';
import { ensureQueues, ensureTable, startLocalServices } from './services';

export const DATA_DIR = resolve(process.env.EXCHANGE_DATA_DIR ?? '.data');
export const LOCAL_CONFIG = resolve(DATA_DIR, 'local.json');
export const CREDENTIALS_FILE = resolve(DATA_DIR, 'demo-credentials.json');
const TABLE = 'exchange';
const PORT = Number(process.env.PORT ?? 3000);

mkdirSync(DATA_DIR, { recursive: true });
console.log('Starting DynamoDB Local and the SQS emulator ...');
const services = await startLocalServices({ dataDir: DATA_DIR });
await ensureTable(services.dynamodbEndpoint, TABLE);
const queues = await ensureQueues(services.sqsEndpoint);
writeFileSync(LOCAL_CONFIG, JSON.stringify({ table: TABLE, dynamodbEndpoint: services.dynamodbEndpoint, sqsEndpoint: services.sqsEndpoint, ...queues }, null, 2) + '\n');

const ports = runtimePorts({ table: TABLE, dynamodbEndpoint: services.dynamodbEndpoint });
const credentials = await seedDemo(ports, CREDENTIALS_FILE);
const app = createApp(ports, { log: process.env.EXCHANGE_QUIET ? () => {} : undefined });
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: PORT });
const base = `http://127.0.0.1:${PORT}`;
const market = credentials.find((c) => c.department === 'market');

console.log(`
Enterprise Data Exchange is running at ${base}
  API reference: ${base}/docs   OpenAPI: ${base}/openapi.json
  DynamoDB Local: ${services.dynamodbEndpoint} (data in ${DATA_DIR}/dynamodb)   SQS emulator: ${services.sqsEndpoint}

Demo department API keys (also in ${CREDENTIALS_FILE}):
${credentials.map((c) => `  ${c.department.padEnd(12)} ${c.apiKey}\n  ${''.padEnd(12)} ${c.name}; ${c.scopes.join(' ')}`).join('\n')}

Try it:
  curl -s -H 'Authorization: Bearer ${market?.apiKey}' -H 'Access-Purpose: demo' ${base}/v1/enterprises/${ENTERPRISES.restaurant.creditCode}

Stop with Ctrl-C; data is kept for the next start.
`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  server.close();
  await services.stop();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
