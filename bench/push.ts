/**
 * `npm run bench` (second half): the push side on the local stack. End-to-end latency from
 * POST /v1/records to the webhook receiving the event, fan-out throughput with 50 subscribed
 * departments, and the bare SQS send+receive rate of the emulator measured in the same run.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createApp } from '../functions/api/app';
import { createClient } from '../functions/core/clients';
import { DEFAULT_DELIVERY } from '../functions/core/delivery-config';
import { startEventSources } from '../local/event-sources';
import { newWebhookSecret, sealedWebhook } from '../functions/core/webhooks';
import { runtimePorts } from '../functions/runtime';
import { WebhookReceiver } from '../local/receiver';
import { inspection, makeCreditCode } from '../local/samples';
import { ensureQueues, ensureTable, startLocalServices } from '../local/services';
import { BENCH_RATE } from './rate';

const DEPARTMENTS = 50;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const report = (name: string, value: string) => console.log(`${name.padEnd(58)} ${value}`);
const waitFor = async (check: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

const services = await startLocalServices();
const receiver = await new WebhookReceiver().start();
try {
  const table = 'bench-push';
  await ensureTable(services.dynamodbEndpoint, table);
  const queues = await ensureQueues(services.sqsEndpoint, 'bench-');
  const ports = runtimePorts({ table, dynamodbEndpoint: services.dynamodbEndpoint, queueUrl: queues.deliveryQueueUrl, sqsEndpoint: services.sqsEndpoint });
  const { apiKey } = await createClient(ports, { department: 'market', name: 'bench', scopes: ['records:write:inspection'] });
  const app = createApp(ports, { log: () => {}, webhookPolicy: { allowPrivateTargets: true }, rateLimits: BENCH_RATE });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

  // The same pollers and handlers `npm start` runs.
  const sources = await startEventSources({
    ports,
    dynamodbEndpoint: services.dynamodbEndpoint,
    table,
    sqsEndpoint: services.sqsEndpoint,
    queueUrl: queues.deliveryQueueUrl,
    // The bench's enterprises are never registered: the problem data checks would raise an item
    // on every record, which a registered enterprise's record (the usual case, no extra read) does not.
    fanout: { ackWithinHours: 72, supervisingDepartment: 'supervision', subscriptionCheckMs: 0, problemChecks: [] },
    delivery: DEFAULT_DELIVERY,
    webhooks: { allowPrivateTargets: true },
    queueConcurrency: 8,
  });

  // Bare emulator rate: send in batches of 10 and receive+delete with 4 consumers, as delivery does.
  const sqs = new SQSClient({ endpoint: services.sqsEndpoint });
  const bareUrl = (await ensureQueues(services.sqsEndpoint, 'bench-bare-')).deliveryQueueUrl;
  const N = 2000;
  const t0 = performance.now();
  for (let i = 0; i < N; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: bareUrl,
        Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: JSON.stringify({ department: 'd', notificationId: `n${i + j}` }) })),
      }),
    );
  }
  let received = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (received < N) {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: bareUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        const m = out.Messages ?? [];
        received += m.length;
        if (m.length) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: bareUrl, Entries: m.map((x, i) => ({ Id: String(i), ReceiptHandle: x.ReceiptHandle })) }));
      }
    }),
  );
  const bareRate = N / ((performance.now() - t0) / 1000);
  report('bare SQS emulator send+receive+delete (batches of 10)', `${bareRate.toFixed(0)} messages/s`);

  // End-to-end latency with one subscribed department.
  // Receiving needs profiles:read held by the subscription's client, as fan-out and delivery check.
  const receiverOf = async (department: string) => (await createClient(ports, { department, name: 'bench receiver', scopes: ['profiles:read'] })).client.clientId;
  const one = {
    id: 'sub_latency000000000',
    department: 'health',
    clientId: await receiverOf('health'),
    purpose: 'bench: end-to-end latency',
    name: 'latency',
    status: 'active' as const,
    filters: { kinds: ['inspection' as const] },
  };
  const secret = newWebhookSecret();
  receiver.expect('/hooks/health', secret);
  const now = new Date().toISOString();
  await ports.subscriptions.put({ ...one, webhook: await sealedWebhook(ports.secrets, one.department, one.id, receiver.url('/hooks/health'), secret), createdAt: now, updatedAt: now });
  const code = makeCreditCode('91', '330402', 'MA2LAT00');
  const latencies: number[] = [];
  for (let i = 0; i < 60; i++) {
    const before = receiver.received.length;
    const t = performance.now();
    const res = await fetch(`${base}/v1/records`, { method: 'POST', headers, body: JSON.stringify(inspection(code, `JC-lat-${i}`)) });
    if (res.status !== 201) throw new Error(await res.text());
    await waitFor(() => receiver.received.length > before, 20_000);
    if (i >= 10) latencies.push(performance.now() - t); // the first ten warm everything up
  }
  report('end to end, POST → webhook received (50 sequential)', `p50 ${pct(latencies, 50).toFixed(0)} ms  p99 ${pct(latencies, 99).toFixed(0)} ms`);
  await ports.subscriptions.delete('health', one.id);

  // Fan-out throughput: 50 departments subscribed to every inspection by webhook.
  for (let d = 0; d < DEPARTMENTS; d++) {
    const dept = `dept-${String(d).padStart(2, '0')}`;
    const s = newWebhookSecret();
    receiver.expect(`/hooks/${dept}`, s);
    const id = `sub_fan${String(d).padStart(13, '0')}`;
    await ports.subscriptions.put({
      id,
      department: dept,
      clientId: await receiverOf(dept),
      purpose: 'bench: fan-out throughput',
      name: 'all inspections',
      status: 'active',
      filters: { kinds: ['inspection'] },
      webhook: await sealedWebhook(ports.secrets, dept, id, receiver.url(`/hooks/${dept}`), s),
      createdAt: now,
      updatedAt: now,
    });
  }
  const RECORDS = 40;
  const before = receiver.received.length;
  const t1 = performance.now();
  const batch = await fetch(`${base}/v1/records/batch`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ records: Array.from({ length: RECORDS }, (_, i) => inspection(makeCreditCode('91', '330402', `MA2FAN${String(i).padStart(2, '0')}`), `JC-fan-${i}`)) }),
  });
  if (batch.status !== 200) throw new Error(await batch.text());
  await waitFor(() => receiver.received.length - before >= RECORDS * DEPARTMENTS, 300_000);
  const seconds = (performance.now() - t1) / 1000;
  const deliveries = RECORDS * DEPARTMENTS;
  report(`fan-out, ${RECORDS} records × ${DEPARTMENTS} departments`, `${deliveries} signed deliveries in ${seconds.toFixed(1)} s = ${(deliveries / seconds).toFixed(0)}/s`);
  report('  fan-out deliveries / bare SQS rate', `${((100 * deliveries) / seconds / bareRate).toFixed(0)}%`);
  report('  duplicates seen by the receivers', String(receiver.received.slice(before).filter((r) => r.duplicate).length));

  await sources.stop();
  sqs.destroy();
  server.close();
} finally {
  await receiver.stop();
  await services.stop();
}
