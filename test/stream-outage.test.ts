/**
 * Nothing accepted is lost when DynamoDB Local dies under load: records are posted while it is
 * killed (SIGKILL) and started again on the same port and data folder; the stream poller waits
 * out the outage and goes on from where it was, so every accepted record has its notifications,
 * none missing and none twice, and nothing went to the on-failure queue. This file runs its own
 * DynamoDB Local and SQS emulator; the shared ones are never touched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspection, makeCreditCode } from '../local/samples';
import { startLocalServices, type LocalServices } from '../local/services';
import type { Notification } from '../schemas/events';
import { startExchange, waitFor, type TestClient, type TestExchange } from './helpers';

const RECORDS = 60;
const KILL_AFTER = 25;
const RECEIVERS: TestClient[] = ['health', 'credit'];
const codes = Array.from({ length: 10 }, (_, i) => makeCreditCode('91', '330402', `MA2KDL${String(i).padStart(2, '0')}`));

let dataDir: string;
let services: LocalServices;
let ex: TestExchange;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'edx-outage-'));
  services = await startLocalServices({ dataDir });
  ex = await startExchange({ push: {}, services });
  for (const as of RECEIVERS) {
    const sub = await ex.call('POST', '/v1/subscriptions', { as, body: { name: 'outage', purpose: 'test: supervision', filters: { creditCodes: codes } } });
    expect(sub.status).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await ex?.close();
  await services?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every notification in a department's inbox, page by page; none while the store says it is busy (503). */
async function inbox(as: TestClient): Promise<Notification[] | undefined> {
  const all: Notification[] = [];
  let cursor: string | undefined;
  do {
    const page = await ex.call('GET', `/v1/inbox?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as });
    if (page.status === 503) return undefined;
    expect(page.status).toBe(200);
    all.push(...(page.body.items as Notification[]));
    cursor = page.body.next;
  } while (cursor);
  return all;
}

describe('DynamoDB Local killed under load', () => {
  it('loses no notification: each accepted record reaches each subscriber once', async () => {
    const accepted = new Map<string, string>();
    let unavailable = 0;
    let next = 0;
    /** A department system posting: a 503 is retried (same record) until it is accepted. */
    const poster = async () => {
      for (let i = next++; i < RECORDS; i = next++) {
        const sourceId = `KILL-${i}`;
        for (;;) {
          const res = await ex.call('POST', '/v1/records', { body: inspection(codes[i % codes.length], sourceId) });
          if (res.status === 201 || res.status === 200) {
            accepted.set(sourceId, res.body.id);
            break;
          }
          expect(res.status, JSON.stringify(res.body)).toBe(503);
          expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
          unavailable++;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    const posting = Promise.all(Array.from({ length: 4 }, poster));

    const t0 = performance.now();
    await waitFor(() => accepted.size >= KILL_AFTER, 60_000, `${KILL_AFTER} accepted records`);
    console.log(`${accepted.size} accepted after ${((performance.now() - t0) / 1000).toFixed(1)} s; killing DynamoDB Local`);
    process.kill(services.dynamodbPid, 'SIGKILL');
    await waitFor(() => unavailable > 0, 30_000, 'the API to answer 503');
    const killed = performance.now();
    await services.restartDynamodb();
    const restarted = performance.now();
    console.log(`DynamoDB Local answering again ${((restarted - killed) / 1000).toFixed(1)} s after the kill`);
    await posting;
    console.log(`all ${RECORDS} records accepted ${((performance.now() - restarted) / 1000).toFixed(1)} s after the restart`);
    expect(accepted.size).toBe(RECORDS);

    const expected = [...accepted.values()].sort();
    const recordIds = (items: Notification[]) => items.map((n) => String(n.event.data.recordId)).sort();
    // Waits on the table (a pull through the API writes access-log entries, too heavy to poll with).
    const stored = async (department: string) => {
      let count = 0;
      let cursor: string | undefined;
      do {
        const page = await ex.ports.notifications.list(department, { open: true, cursor, limit: 100 });
        count += page.items.length;
        cursor = page.next;
      } while (cursor);
      return count;
    };
    for (const as of RECEIVERS) await waitFor(async () => (await stored(as).catch(() => 0)) >= RECORDS, 90_000, `every notification of ${as}`);
    const fannedOut = performance.now();
    for (const as of RECEIVERS) {
      const items = await waitFor(() => inbox(as), 30_000, `the inbox of ${as}`);
      // Each record once: no notification missing, none twice.
      expect(recordIds(items)).toEqual(expected);
    }
    console.log(`all ${RECORDS * RECEIVERS.length} notifications ${((fannedOut - restarted) / 1000).toFixed(1)} s after DynamoDB Local answered again; ${unavailable} posts answered 503`);

    // Waited out, not given up: the on-failure queue stayed empty.
    const sqs = new SQSClient({ endpoint: services.sqsEndpoint });
    const depth = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: ex.push?.failureQueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    sqs.destroy();
    expect(depth.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    expect(ex.push?.sources.stream.givenUp).toBe(0);
  }, 180_000);
});
