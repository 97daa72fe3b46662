/**
 * Operators' signals: the api's request lines carry the invocation (function, Lambda request id,
 * cold start) and both request ids, and each post counts records accepted and rejected by kind and
 * department in CloudWatch's embedded metric format; delivery logs every attempt with its
 * notification and CloudEvent ids and counts outcomes and latency.
 */
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app';
import { createClient } from '../../functions/core/clients';
import { sealedWebhook } from '../../functions/core/webhooks';
import { deliverHandler } from '../../functions/deliver/adapter';
import { METRICS, type Fields } from '../../functions/telemetry';
import { recordExamples } from '../../schemas/examples';
import { memoryPorts } from '../fakes/ports';
import { sampleNotification } from '../fakes/notifications';

const lambdaEnv = (id: string) => ({ lambdaContext: { awsRequestId: id, functionName: 'exchange-api' }, requestContext: { requestId: `apigw-${id}` } });
/** The metrics an EMF line declares, with their values and the dimension sets they are published under. */
const emf = (line: Fields) => {
  const meta = (line._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0];
  return { namespace: meta.Namespace, dimensions: meta.Dimensions, values: Object.fromEntries(meta.Metrics.map((m) => [m.Name, line[m.Name]])) };
};

describe('the api’s signals', () => {
  it('logs each request with the invocation and both request ids, and counts records accepted and rejected per kind and department', async () => {
    const ports = memoryPorts();
    const lines: Fields[] = [];
    const app = createApp(ports, { log: (l) => lines.push(l) });
    const { apiKey } = await createClient(ports, { department: 'market', name: 'market', scopes: ['records:write:licence', 'records:write:penalty'] });
    const post = (body: unknown, id: string) =>
      app.request(
        '/v1/records',
        { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'x-request-id': `caller-${id}` }, body: JSON.stringify(body) },
        lambdaEnv(id),
      );

    expect((await post(recordExamples().licence, 'a')).status).toBe(201);
    expect((await post({ ...recordExamples().penalty, creditCode: '91330402MA2B4T1X8A' }, 'b')).status).toBe(422);

    const requests = lines.filter((l) => l.message === 'request');
    expect(requests[0]).toMatchObject({
      level: 'info',
      function: 'exchange-api',
      lambdaRequestId: 'a',
      requestId: 'apigw-a',
      callerRequestId: 'caller-a',
      status: 201,
      coldStart: expect.any(Boolean),
    });
    expect(requests[1]).toMatchObject({ lambdaRequestId: 'b', coldStart: false, status: 422 });
    const records = lines.filter((l) => l.message === 'records');
    expect(records.map((l) => ({ kind: l.Kind, department: l.Department, ...emf(l).values }))).toEqual([
      { kind: 'licence', department: 'market', [METRICS.recordsAccepted]: 1, [METRICS.recordsRejected]: 0 },
      { kind: 'penalty', department: 'market', [METRICS.recordsAccepted]: 0, [METRICS.recordsRejected]: 1 },
    ]);
    expect(emf(records[0])).toMatchObject({ namespace: METRICS.namespace, dimensions: [['Kind', 'Department'], []] });
    expect(records[1]).toMatchObject({ lambdaRequestId: 'b', callerRequestId: 'caller-b' });
  });
});

describe('delivery’s signals', () => {
  it('logs each attempt with its notification and event ids, and counts outcomes and latency', async () => {
    const ports = memoryPorts();
    const { client } = await createClient(ports, { department: 'health', name: 'health', scopes: ['profiles:read', 'subscriptions:manage'] });
    const webhook = await sealedWebhook(ports.secrets, 'health', 'sub_x', 'https://hooks.example.gov.cn/health', `whsec_${Buffer.alloc(24, 7).toString('base64')}`);
    const at = '2026-11-01T00:00:00Z';
    await ports.subscriptions.put({
      id: 'sub_x',
      department: 'health',
      name: 'h',
      purpose: '食品安全监管',
      clientId: client.clientId,
      status: 'active',
      filters: {},
      webhook,
      createdAt: at,
      updatedAt: at,
    });
    const ok = sampleNotification();
    const down = { ...sampleNotification(), id: 'ntf_20261127020000000_fedcba9876543210', event: { ...sampleNotification().event, id: 'evt_2' } };
    await ports.notifications.put(ok);
    await ports.notifications.put(down);
    ports.clock.advance(1500);
    const lines: Fields[] = [];
    const handle = deliverHandler(
      ports,
      async (_url, headers) => ({ status: headers['webhook-id'] === ok.id ? 204 : 503 }),
      { timeoutMs: 100, retryDelaysSeconds: [10], maxAttempts: 5 },
      (l) => lines.push(l),
    );
    const message = (id: string, i: number) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body: JSON.stringify({ department: 'health', notificationId: id }),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '', SenderId: '', ApproximateFirstReceiveTimestamp: '' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:cn-north-1:123456789012:exchange-delivery',
      awsRegion: 'cn-north-1',
    });
    const event: SQSEvent = { Records: [message(ok.id, 0), message(down.id, 1)] };
    const result = await handle(event, { awsRequestId: 'req-1', functionName: 'exchange-deliver' });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);

    // Deliveries of a batch run side by side: order the lines by what they are about.
    const attempts = lines.filter((l) => l.message === 'delivery delivered' || l.message === 'delivery retried').sort((a, b) => String(a.eventId).localeCompare(String(b.eventId)));
    expect(attempts).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'delivery delivered',
        notificationId: ok.id,
        eventId: 'evt_1',
        department: 'health',
        latencyMs: 1500,
        lambdaRequestId: 'req-1',
        function: 'exchange-deliver',
      }),
      expect.objectContaining({ level: 'warn', message: 'delivery retried', notificationId: down.id, eventId: 'evt_2', error: 'HTTP 503' }),
    ]);
    const outcomes = lines
      .filter((l) => l.message === 'deliveries')
      .map((l) => ({ outcome: l.Outcome, ...emf(l).values, dimensions: emf(l).dimensions }))
      .sort((a, b) => String(a.outcome).localeCompare(String(b.outcome)));
    expect(outcomes).toEqual([
      { outcome: 'delivered', [METRICS.deliveries]: 1, dimensions: [['Outcome'], []] },
      { outcome: 'retried', [METRICS.deliveries]: 1, dimensions: [['Outcome'], []] },
    ]);
    expect(emf(lines.find((l) => l.message === 'delivery latency') ?? {}).values).toEqual({ [METRICS.deliveryLatency]: [1500] });
  });
});
