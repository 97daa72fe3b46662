/**
 * `npm run bench` (cost part): what the exchange costs on AWS and how hot its hottest partitions
 * run at a province's scale, on paper, from units measured on the local stack in this run.
 *
 * RECORDS inspections (BENCH_COST_RECORDS, default 200) are posted through the api and fanned out
 * by the real fan-out and delivery handlers to three departments' webhooks; every DynamoDB request
 * is metered per function (capacity as DynamoDB reports it, table and indexes; a transaction's from
 * the items it writes, which DynamoDB Local reports short), SQS requests and
 * secret openings are counted, and each handler's duration is timed. 197 other subscriptions sit
 * in the subscriptions partition without matching, so that fan-out reads a partition of 200.
 * Prints two tables; asserts nothing.
 */
import type { AttributeValue, ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { httpPoster } from '../functions/adapters/webhook-poster';
import { AesGcmSecretBox } from '../functions/adapters/secret-box';
import { createApp } from '../functions/api/app';
import { createClient } from '../functions/core/clients';
import { RECEIVE_SCOPE } from '../functions/core/receiving';
import { DEFAULT_DELIVERY } from '../functions/core/delivery-config';
import type { DeliveryQueue, SecretBox } from '../functions/core/ports';
import { newWebhookSecret, sealedWebhook } from '../functions/core/webhooks';
import { deliverHandler } from '../functions/deliver/adapter';
import { fanoutHandler } from '../functions/fanout/adapter';
import { runtimePorts } from '../functions/runtime';
import type { Sink } from '../functions/telemetry';
import { FANOUT_STREAM_FILTERS } from '../functions/store/table';
import { dynamodbStreamSource, QueuePoller, StreamPoller } from '../local/pollers';
import { WebhookReceiver } from '../local/receiver';
import { inspection, makeCreditCode } from '../local/samples';
import { ensureQueues, ensureTable, startLocalServices } from '../local/services';
import { BENCH_RATE } from './rate';

const RECORDS = Number(process.env.BENCH_COST_RECORDS ?? 200);
if (!Number.isSafeInteger(RECORDS) || RECORDS < 10) {
  console.error('usage: BENCH_COST_RECORDS=<records, at least 10> npx tsx bench/cost.ts');
  process.exit(2);
}
const DEPARTMENTS = 3;
const IDLE_SUBSCRIPTIONS = 197;

/**
 * List prices, AWS region us-east-1 (N. Virginia), USD, as published on the AWS pricing pages
 * named below; price date 2024-11-01 (the DynamoDB on-demand price cut of that day). Check them
 * against the pages (and the region deployed to) before quoting a figure.
 */
const PRICES = {
  region: 'us-east-1',
  date: '2024-11-01',
  /** aws.amazon.com/dynamodb/pricing/on-demand/: per write and read request unit (Standard table class). */
  dynamodbWrite: 0.625 / 1e6,
  dynamodbRead: 0.125 / 1e6,
  /** Same page: GetRecords calls made by a Lambda trigger on a DynamoDB stream are not charged. */
  dynamodbStreamReadByLambda: 0,
  /** aws.amazon.com/sqs/pricing/: standard queue, per request (64 KB chunk), after the free tier. */
  sqsRequest: 0.4 / 1e6,
  /** aws.amazon.com/lambda/pricing/: Arm, per GB-second and per request. */
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  /** aws.amazon.com/api-gateway/pricing/: HTTP API, per request (first 300 million a month). */
  apiRequest: 1.0 / 1e6,
  /** aws.amazon.com/kms/pricing/: per symmetric request (Decrypt of a webhook secret). */
  kmsRequest: 0.03 / 1e4,
} as const;

/** Memory of each function in MB, as infra/stack.ts configures it. */
const MEMORY_MB = { api: 1024, fanout: 512, deliver: 512 } as const;

/** DynamoDB's per-partition limits (developer guide, "Partitions and data distribution"). */
const PARTITION = { read: 3000, write: 1000 } as const;

/**
 * A province (DESIGN.md, Scale to design for): ten million enterprises. Assumptions, each stated:
 * records a day across the province, how much busier the peak second is than the day's average
 * (a working day's traffic in office hours, with bursts), the subscriptions in the one SUBS
 * partition, the records a fan-out batch holds on average at the peak, and the notifications a
 * day of the largest department.
 */
const PROVINCE = { recordsPerDay: 2_000_000, peakFactor: 5, subscriptions: 3_000, recordsPerFanoutBatch: 10, largeDepartmentNotificationsPerDay: 1_000_000 } as const;

type Metered = { op: string; items: ConsumedCapacity[] }[];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** An attribute value's size as DynamoDB bills it (developer guide, "Item sizes"). */
function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return Math.ceil(v.N.replace(/^-|\.|^0+|0+$/g, '').length / 2) + 1;
  if (v.B !== undefined) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return sum(v.SS.map((x) => Buffer.byteLength(x)));
  if (v.NS) return sum(v.NS.map((x) => valueSize({ N: x })));
  if (v.L) return 3 + sum(v.L.map((x) => valueSize(x) + 1));
  if (v.M) return 3 + sum(Object.entries(v.M).map(([k, x]) => Buffer.byteLength(k) + valueSize(x) + 1));
  return 0;
}
const itemSize = (item: Record<string, AttributeValue>) => sum(Object.entries(item).map(([k, v]) => Buffer.byteLength(k) + valueSize(v)));
const asAttributes = (item: Record<string, unknown>): Record<string, AttributeValue> =>
  typeof item.PK === 'string' ? marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }) : (item as Record<string, AttributeValue>);

/**
 * A transaction's units as DynamoDB bills them: 2 WRU per KB of each item it writes. DynamoDB
 * Local reports one item's units for the whole transaction, so they are computed from the items
 * sent: a put's own size; an update, delete or condition check at least 1 KB (their stored size
 * is not in the request, so this is a lower bound). No transaction on these paths writes an item
 * with index keys. One entry per item type the transaction writes, so that each partition's
 * share shows (the calls of such an entry are the transactions that wrote that type).
 */
function transactionCapacity(input: Record<string, unknown>, reported: ConsumedCapacity[]): { op: string; items: ConsumedCapacity[] }[] {
  const actions = (input.TransactItems ?? []) as { Put?: { Item: Record<string, unknown> } }[];
  const byType = new Map<string, number>();
  for (const a of actions) {
    const type = a.Put ? String(unmarshall(asAttributes(a.Put.Item)).type) : 'update';
    byType.set(type, (byType.get(type) ?? 0) + 2 * (a.Put ? Math.max(1, Math.ceil(itemSize(asAttributes(a.Put.Item)) / 1024)) : 1));
  }
  const stated = sum(reported.map((c) => c.Table?.CapacityUnits ?? c.CapacityUnits ?? 0));
  // Never below what DynamoDB reported: the shortfall, if any, is put on the first type.
  const shortfall = Math.max(0, stated - sum([...byType.values()]));
  return [...byType].map(([type, units], i) => {
    const total = units + (i === 0 ? shortfall : 0);
    return { op: `TransactWriteItemsCommand, its ${type} items`, items: [{ TableName: reported[0]?.TableName, CapacityUnits: total, Table: { CapacityUnits: total } }] };
  });
}

const meter = () => {
  const list: Metered = [];
  return {
    list,
    listener: (op: string, items: ConsumedCapacity[], input: Record<string, unknown>) => list.push(...(op === 'TransactWriteItemsCommand' ? transactionCapacity(input, items) : [{ op, items }])),
  };
};
/** Table and index units of the entries whose operation matches. */
function units(list: Metered, match: (op: string) => boolean = () => true) {
  let table = 0;
  const indexes: Record<string, number> = {};
  for (const { items } of list.filter((e) => match(e.op)))
    for (const c of items) {
      table += c.Table?.CapacityUnits ?? (c.GlobalSecondaryIndexes ? 0 : (c.CapacityUnits ?? 0));
      for (const [name, i] of Object.entries(c.GlobalSecondaryIndexes ?? {})) indexes[name] = (indexes[name] ?? 0) + (i.CapacityUnits ?? 0);
    }
  return { table, indexes, total: table + Object.values(indexes).reduce((a, b) => a + b, 0) };
}
const isRead = (op: string) => /^(Get|BatchGet|Query|TransactGet)/.test(op);
const isWrite = (op: string) => !isRead(op);
/** Of the handlers' log lines, only errors. */
const errorsOnly: Sink = (line) => {
  if (line.level === 'error') console.error(JSON.stringify(line));
};
const usd = (x: number) => `$${x.toFixed(x < 0.1 ? 4 : 2)}`;
const timed =
  <E, R>(handler: (event: E) => Promise<R>, into: number[]) =>
  async (event: E) => {
    const t = performance.now();
    try {
      return await handler(event);
    } finally {
      into.push(performance.now() - t);
    }
  };

const services = await startLocalServices();
const receiver = await new WebhookReceiver().start();
try {
  const table = 'bench-cost';
  await ensureTable(services.dynamodbEndpoint, table);
  const queues = await ensureQueues(services.sqsEndpoint, 'bench-cost-');
  const box = new AesGcmSecretBox();
  let opens = 0;
  const secrets: SecretBox = { seal: (plain, context) => box.seal(plain, context), open: (sealed, context) => (opens++, box.open(sealed, context)) };
  const at = { api: meter(), fanout: meter(), deliver: meter() };
  const portsOf = (m: ReturnType<typeof meter>) =>
    runtimePorts({ table, dynamodbEndpoint: services.dynamodbEndpoint, queueUrl: queues.deliveryQueueUrl, sqsEndpoint: services.sqsEndpoint, secrets, store: { onCapacity: m.listener } });
  const apiPorts = portsOf(at.api);
  const fanoutBase = portsOf(at.fanout);
  const deliverPorts = portsOf(at.deliver);
  // SendMessageBatch takes ten messages a request; count the requests fan-out makes.
  let sendRequests = 0;
  const queue: DeliveryQueue = {
    send: (messages) => ((sendRequests += Math.ceil(messages.length / 10)), fanoutBase.queue!.send(messages)),
    retryLater: (handle, seconds) => fanoutBase.queue!.retryLater(handle, seconds),
  };
  const fanoutPorts = { ...fanoutBase, queue };

  const { apiKey } = await createClient(apiPorts, { department: 'market', name: 'bench', scopes: ['records:write:inspection'] });
  const now = new Date().toISOString();
  for (let d = 0; d < DEPARTMENTS + IDLE_SUBSCRIPTIONS; d++) {
    const department = d < DEPARTMENTS ? `dept-${d}` : `idle-${d}`;
    const id = `sub_cost${String(d).padStart(12, '0')}`;
    const secret = newWebhookSecret();
    receiver.expect(`/hooks/${department}`, secret);
    const webhook = await sealedWebhook(secrets, department, id, receiver.url(`/hooks/${department}`), secret);
    // A subscription receives only through a live client of its department that may read profiles.
    const clientId = d < DEPARTMENTS ? (await createClient(apiPorts, { department, name: 'cost receiver', scopes: [RECEIVE_SCOPE] })).client.clientId : undefined;
    await apiPorts.subscriptions.put({
      id,
      department,
      ...(clientId ? { clientId } : {}),
      name: 'cost',
      status: 'active',
      filters: { kinds: [d < DEPARTMENTS ? 'inspection' : 'penalty'] },
      webhook,
      createdAt: now,
      updatedAt: now,
    });
  }
  opens = 0;
  at.api.list.length = 0; // the setup above is not part of any record's cost

  const fanoutTimes: number[] = [];
  const deliverTimes: number[] = [];
  const stream = new StreamPoller({
    source: dynamodbStreamSource(services.dynamodbEndpoint, table),
    filters: FANOUT_STREAM_FILTERS,
    // Its enterprises are never registered: the problem data checks would raise an item on every
    // record, which a registered enterprise's first version (the usual case) costs nothing extra.
    handler: timed(fanoutHandler(fanoutPorts, { ackWithinHours: 72, supervisingDepartment: 'supervision', problemChecks: [] }, errorsOnly), fanoutTimes),
    onFailure: async (f) => void console.error('stream records given up:', JSON.stringify(f)),
  }).start();
  const poller = await new QueuePoller({
    sqsEndpoint: services.sqsEndpoint,
    queueUrl: queues.deliveryQueueUrl,
    handler: timed(deliverHandler(deliverPorts, httpPoster({ allowPrivateTargets: true }), DEFAULT_DELIVERY, errorsOnly), deliverTimes),
    concurrency: 4,
  }).start();

  // The api: each request alone, so that its time is a Lambda's duration and not a queue's.
  const app = createApp(apiPorts, { log: () => {}, rateLimits: BENCH_RATE });
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const apiTimes: number[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const body = JSON.stringify(inspection(makeCreditCode('91', '330402', `MA2K${String(i).padStart(4, '0')}`), `JC-cost-${i}`));
    const t = performance.now();
    const res = await app.request('/v1/records', { method: 'POST', headers, body });
    apiTimes.push(performance.now() - t);
    if (res.status !== 201) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    if (i % 50 === 49) process.stderr.write(`\r  … ${i + 1} of ${RECORDS} records posted, ${receiver.received.length} deliveries so far`);
  }
  const expected = RECORDS * DEPARTMENTS;
  const end = Date.now() + 300_000;
  while (receiver.received.length < expected) {
    if (Date.now() > end) throw new Error(`only ${receiver.received.length} of ${expected} deliveries arrived`);
    process.stderr.write(`\r  … ${fanoutTimes.length} fan-out batches, ${deliverTimes.length} delivery batches, ${receiver.received.length} of ${expected} deliveries received`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, 1000)); // delivery's last status writes
  process.stderr.write(`\r  … ${RECORDS} records posted, ${receiver.received.length} deliveries received\n`);
  await Promise.all([stream.stop(), poller.stop()]);

  // Per record, from what was measured.
  const per = (x: number) => x / RECORDS;
  const fns = ['api', 'fanout', 'deliver'] as const;
  const times = { api: apiTimes, fanout: fanoutTimes, deliver: deliverTimes };
  const deliverBatches = deliverTimes.length;
  const sqsPerRecord = per(sendRequests + 2 * deliverBatches); // sends; a receive and a delete per delivered batch
  console.log(`\ncost on paper per million records, each fanned out to ${DEPARTMENTS} departments (measured on ${RECORDS} records; prices ${PRICES.region}, USD, as of ${PRICES.date})`);
  const row = (a: string, b: string, c: string) => console.log(`${a.padEnd(34)} ${b.padEnd(62)} ${c.padStart(10)}`);
  row('item', 'measured per record', 'per million');
  let total = 0;
  for (const fn of fns) {
    const w = units(at[fn].list, isWrite);
    const r = units(at[fn].list, isRead);
    const cost = per(w.total) * 1e6 * PRICES.dynamodbWrite + per(r.total) * 1e6 * PRICES.dynamodbRead;
    total += cost;
    const idx = (u: ReturnType<typeof units>) =>
      Object.entries(u.indexes)
        .map(([n, v]) => ` + ${per(v).toFixed(2)} ${n}`)
        .join('');
    row(`DynamoDB, ${fn}`, `${per(w.table).toFixed(2)} WRU${idx(w)}; ${per(r.table).toFixed(2)} RRU${idx(r)}`, usd(cost));
  }
  row('DynamoDB stream read by fan-out', `${per(fanoutTimes.length).toFixed(3)} GetRecords (Lambda trigger)`, usd(0));
  const sqs = sqsPerRecord * 1e6 * PRICES.sqsRequest;
  total += sqs;
  row('SQS', `${sqsPerRecord.toFixed(2)} requests (send batches ${per(sendRequests).toFixed(2)}, receive+delete)`, usd(sqs));
  for (const fn of fns) {
    const gbSeconds = (sum(times[fn]) / 1000) * (MEMORY_MB[fn] / 1024);
    const cost = per(gbSeconds) * 1e6 * PRICES.lambdaGbSecond + per(times[fn].length) * 1e6 * PRICES.lambdaRequest;
    total += cost;
    row(
      `Lambda, ${fn} (${MEMORY_MB[fn]} MB)`,
      `${per(times[fn].length).toFixed(3)} invocations, ${(sum(times[fn]) / times[fn].length).toFixed(1)} ms mean, ${per(gbSeconds).toFixed(5)} GB-s`,
      usd(cost),
    );
  }
  const kms = per(opens) * 1e6 * PRICES.kmsRequest;
  total += kms;
  row('KMS (opening webhook secrets)', `${per(opens).toFixed(2)} Decrypt requests`, usd(kms));
  const api = 1e6 * PRICES.apiRequest;
  total += api;
  row('API Gateway (HTTP API)', '1 request', usd(api));
  row('total (target <= $5)', 'not included: CloudWatch logs and metrics, X-Ray, data transfer, storage', usd(total));

  console.log('\nwhere the units go, per record (each function: operation and item type or index, table + index units)');
  for (const fn of fns) {
    const byOp = new Map<string, Metered>();
    for (const e of at[fn].list) byOp.set(e.op, [...(byOp.get(e.op) ?? []), e]);
    for (const [op, list] of [...byOp].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const u = units(list);
      console.log(`  ${fn.padEnd(8)} ${op.padEnd(48)} ${per(list.length).toFixed(2).padStart(6)} calls ${per(u.total).toFixed(2).padStart(7)} ${isRead(op) ? 'RRU' : 'WRU'}`);
    }
  }

  // Hot partitions at a province's scale.
  const peak = (perDay: number) => (perDay / 86_400) * PROVINCE.peakFactor;
  const subsRead = units(at.fanout.list, (op) => op === 'QueryCommand').table / Math.max(1, fanoutTimes.length);
  const subsReadProvince = (subsRead * PROVINCE.subscriptions) / (DEPARTMENTS + IDLE_SUBSCRIPTIONS);
  const batchesPerSecond = peak(PROVINCE.recordsPerDay) / PROVINCE.recordsPerFanoutBatch;
  const notes = peak(PROVINCE.largeDepartmentNotificationsPerDay);
  // The notification put by fan-out; delivery's delivered marks (beside the notification, in its
  // partition; a record event's in its receipt's transaction) and its updates (only of a
  // notification's status, after a failed attempt).
  const notificationWrites = units([
    ...at.fanout.list.filter((e) => e.op === 'PutItemCommand notification' || e.op === 'BatchWriteItemCommand notification'),
    ...at.deliver.list.filter((e) => /^(PutItemCommand|TransactWriteItemsCommand, its) notification-delivered/.test(e.op) || e.op.startsWith('UpdateItemCommand')),
  ]);
  // Delivery reads a batch's notifications with their delivered marks, their subscriptions and
  // clients, each with a BatchGetItem: all of it counted here (an upper bound); fan-out's look for
  // notifications already written reads the inbox partition too.
  const notificationReads = units([
    ...at.deliver.list.filter((e) => e.op === 'GetItemCommand' || e.op.startsWith('BatchGetItemCommand')),
    ...at.fanout.list.filter((e) => e.op === 'BatchGetItemCommand INBOX'),
  ]);
  const perNotification = (x: number) => x / expected;
  const rows: [string, string, number, number][] = [
    ['subscriptions partition SUBS', `${subsRead.toFixed(1)} RRU per fan-out batch of ${DEPARTMENTS + IDLE_SUBSCRIPTIONS} subscriptions`, batchesPerSecond * subsReadProvince, PARTITION.read],
    [
      'inbox INBOX#<department>, writes',
      `${perNotification(notificationWrites.table).toFixed(2)} WRU per notification (write, delivered mark)`,
      notes * perNotification(notificationWrites.table),
      PARTITION.write,
    ],
    [
      'inbox INBOX#<department>, reads',
      `${perNotification(notificationReads.table).toFixed(2)} RRU per notification (delivery's batch reads)`,
      notes * perNotification(notificationReads.table),
      PARTITION.read,
    ],
    [
      'open-notification index GSI2 OPEN#<department>',
      `${perNotification(notificationWrites.indexes.GSI2 ?? 0).toFixed(2)} WRU per notification`,
      notes * perNotification(notificationWrites.indexes.GSI2 ?? 0),
      PARTITION.write,
    ],
  ];
  console.log(
    `\nhot partitions at a province's scale: ${PROVINCE.recordsPerDay.toLocaleString('en')} records a day, peak ${PROVINCE.peakFactor}× the average second, ${PROVINCE.subscriptions.toLocaleString('en')} subscriptions, ` +
      `${PROVINCE.recordsPerFanoutBatch} records per fan-out batch, ${PROVINCE.largeDepartmentNotificationsPerDay.toLocaleString('en')} notifications a day to the largest department`,
  );
  console.log(`${'partition'.padEnd(48)} ${'measured units'.padEnd(66)} ${'peak/s'.padStart(8)} ${'limit/s'.padStart(8)} ${'headroom'.padStart(9)}`);
  for (const [name, measured, rate, limit] of rows) {
    const headroom = limit / Math.max(rate, 1e-9);
    console.log(
      `${name.padEnd(48)} ${measured.padEnd(66)} ${rate.toFixed(0).padStart(8)} ${String(limit).padStart(8)} ${`${headroom.toFixed(1)}×`.padStart(9)}${headroom < 5 ? '  UNDER 5× HEADROOM: cache or shard' : ''}`,
    );
  }
  console.log('');
} finally {
  await receiver.stop();
  await services.stop();
}
