/**
 * `npm run bench` (scale part): the page latency of each list and feed endpoint with 10,000 and
 * with 100,000 items behind it, and the ratio (target ≤ 1.2×: a page costs the same however much
 * lies behind it). One department's inbox (all and open) and the overdue list over it (every
 * notification overdue and escalated already, as those nobody acknowledges pile up); one
 * department's own licences, one enterprise's history and the 一公开 licence list over the same
 * licences, all through the app on DynamoDB Local. Then the overdue job's reads of the open index
 * (read units): its first run, which has no place yet and reads every open notification once, and
 * a later run, which reads from its place. Items are written straight into the table with
 * BatchWriteItem, built by the stores' own code (a store handed a table client that collects what
 * it would put), so 100,000 take a minute, not an hour.
 *
 * Covered elsewhere: the credit change feed (bench/credit.ts) and the uncovered list
 * (bench/catalogue.ts) at 10k and 100k. Not here: subscriptions (at most
 * MAX_SUBSCRIPTIONS_PER_DEPARTMENT per department), statistics (counter items kept as records
 * arrive: one read whatever the count).
 *
 * BENCH_SCALE sets the sizes (default 10000,100000; BENCH_SCALE=1000,10000 for a quick run),
 * BENCH_SCALE_SAMPLES the requests per page figure (default 60). Prints a table; asserts nothing.
 */
import { BatchWriteCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { createApp } from '../functions/api/app';
import { createClient } from '../functions/core/clients';
import { seedCatalogue } from '../functions/core/catalogue-seed';
import { notificationId } from '../functions/core/ids';
import type { StoredNotification, StoredVersion } from '../functions/core/model';
import { escalateOverdue } from '../functions/core/overdue';
import { runtimePorts } from '../functions/runtime';
import { documentClient } from '../functions/store/aws';
import type { Item, TableClient } from '../functions/store/client';
import { DynamoNotificationStore } from '../functions/store/notifications';
import { DynamoRecordStore } from '../functions/store/records';
import { INDEXES, overdueJobKey } from '../functions/store/table';
import { licence, makeCreditCode } from '../local/samples';
import { ensureTable, startLocalServices } from '../local/services';
import { pct } from './common';
import { BENCH_RATE } from './rate';

const SIZES = (process.env.BENCH_SCALE ?? '10000,100000').split(',').map(Number);
const SAMPLES = Number(process.env.BENCH_SCALE_SAMPLES ?? 60);
if (SIZES.length !== 2 || SIZES.some((n) => !Number.isSafeInteger(n) || n < 1) || SIZES[0] >= SIZES[1] || !Number.isSafeInteger(SAMPLES) || SAMPLES < 1) {
  console.error('usage: BENCH_SCALE=<smaller>,<larger> BENCH_SCALE_SAMPLES=<requests per figure> npx tsx bench/scale.ts   (default 10000,100000 and 60)');
  process.exit(2);
}

const services = await startLocalServices();
try {
  const table = 'bench-scale';
  process.stderr.write('  creating the table and the catalogue ...\n');
  await ensureTable(services.dynamodbEndpoint, table);
  // Read units of the open index's queries, counted while the overdue job runs.
  let metering = false;
  let openUnits = 0;
  const onCapacity = (operation: string, capacity: { CapacityUnits?: number }[]) => {
    if (metering && operation === `QueryCommand ${INDEXES.open.name}`) openUnits += capacity.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
  };
  const ports = runtimePorts({ table, dynamodbEndpoint: services.dynamodbEndpoint, store: { onCapacity } });
  await seedCatalogue(ports);
  const app = createApp(ports, { log: () => {}, rateLimits: BENCH_RATE });
  const db = documentClient(services.dynamodbEndpoint);

  const reader = await createClient(ports, { department: 'health', name: 'bench inbox', scopes: ['inbox:read'] });
  const overseer = await createClient(ports, { department: 'supervision', name: 'bench overseer', scopes: ['notifications:oversee'] });
  const poster = await createClient(ports, { department: 'market', name: 'bench poster', scopes: ['records:write:licence', 'profiles:read'] });
  const enterprise = makeCreditCode('91', '330402', 'MA2XCALE');
  const decisionDate = '2026-11-02';

  // One licence posted the ordinary way: the others are copies of its stored version.
  const posted = await app.request('/v1/records', {
    method: 'POST',
    headers: { authorization: `Bearer ${poster.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(licence(enterprise, 'XK-SCALE-0', { decisionDate, validFrom: decisionDate, validTo: '2099-12-31' })),
  });
  if (posted.status !== 201) throw new Error(`posting the template licence answered ${posted.status}: ${await posted.text()}`);
  const template = await ports.records.latestVersion(((await posted.json()) as { id: string }).id);
  if (!template) throw new Error('the template licence was not stored');

  // The stores build each item as they would put it; the items are then written in batches.
  const pending: Item[] = [];
  const collector = {
    putIfAbsent: async (item: Item) => {
      pending.push(item);
      return undefined;
    },
  } as unknown as TableClient;
  const notifications = new DynamoNotificationStore(collector);
  const records = new DynamoRecordStore(collector);
  const start = Date.parse('2026-11-01T00:00:00.000Z');
  const notification = (i: number): StoredNotification => {
    const time = new Date(start + i * 1000).toISOString();
    return {
      id: notificationId(time, i.toString(16).padStart(16, '0')),
      department: 'health',
      event: {
        specversion: '1.0',
        id: `evt_scale_${i}`,
        type: 'cn.edx.record.created',
        source: '/records',
        subject: enterprise,
        time,
        datacontenttype: 'application/json',
        data: { recordId: template.id, version: 1, kind: 'licence' },
      },
      reasons: ['subscription:sub_scale'],
      createdAt: time,
      // Overdue since November 2026 and escalated then: the overdue list shows them all, and the
      // overdue job has nothing left to do with them.
      ackBy: new Date(start + i * 1000 + 72 * 3600_000).toISOString(),
      escalatedAt: new Date(start + i * 1000 + 73 * 3600_000).toISOString(),
      delivery: { mode: 'pull', status: 'none', attempts: 0 },
      feedback: [],
    };
  };
  const version = (i: number): StoredVersion => ({ ...template, id: `${template.id}s${i}`, sourceId: `XK-SCALE-${i}`, receivedAt: new Date(start + i * 1000).toISOString() });

  let written = 0;
  async function flush(label: string, target: number) {
    const batches: Item[][] = [];
    while (pending.length) batches.push(pending.splice(0, 25));
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < batches.length) {
          let items = batches[next++];
          while (items.length) {
            const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) } }));
            items = (out.UnprocessedItems?.[table] ?? []).flatMap((r) => (r.PutRequest?.Item ? [r.PutRequest.Item as Item] : []));
          }
          const before = written;
          written += 25;
          if (Math.floor(written / 5000) > Math.floor(before / 5000)) process.stderr.write(`\r  writing ${label}: ${written.toLocaleString('en')} of ${target.toLocaleString('en')}`);
        }
      }),
    );
  }
  // Notification 0 is written here; licence 0 is the template, posted above.
  await notifications.put(notification(0));
  let have = 1;
  /** Tops the inbox and the licences up to `size` items each. */
  async function fill(size: number) {
    const label = `${(size - have).toLocaleString('en')} notifications and licences more (to ${size.toLocaleString('en')} each)`;
    const target = 2 * (size - have) + pending.length;
    written = 0;
    for (let i = have; i < size; i++) {
      await notifications.put(notification(i));
      await records.putFirstVersion(version(i));
      if (pending.length >= 10_000) await flush(label, target);
    }
    await flush(label, target);
    process.stderr.write(`\r  writing ${label}: done${' '.repeat(20)}\n`);
    have = size;
  }

  const endpoints: { name: string; key: string; path: string; samples: (n: number) => number }[] = [
    { name: 'inbox, oldest first', key: reader.apiKey, path: '/v1/inbox?limit=50', samples: () => SAMPLES },
    { name: 'inbox, open only', key: reader.apiKey, path: '/v1/inbox?open=true&limit=50', samples: () => SAMPLES },
    { name: 'own records (licences)', key: poster.apiKey, path: '/v1/records?kind=licence&limit=50', samples: () => SAMPLES },
    { name: "an enterprise's history", key: poster.apiKey, path: `/v1/enterprises/${enterprise}/records?kind=licence&limit=20`, samples: () => SAMPLES },
    { name: '一公开 licences of a day', key: '', path: `/public/licences?from=${decisionDate}&to=${decisionDate}&limit=100`, samples: () => SAMPLES },
    { name: 'overdue, one department', key: overseer.apiKey, path: '/v1/notifications/overdue?department=health&limit=50', samples: () => SAMPLES },
    { name: 'overdue, all departments', key: overseer.apiKey, path: '/v1/notifications/overdue?limit=50', samples: () => SAMPLES },
  ];
  /** The overdue job's read units and time for one run. */
  async function jobRun() {
    openUnits = 0;
    metering = true;
    const t = performance.now();
    await escalateOverdue(ports);
    metering = false;
    return { units: openUnits, ms: performance.now() - t };
  }
  const jobs: { first: Awaited<ReturnType<typeof jobRun>>; later: Awaited<ReturnType<typeof jobRun>> }[] = [];
  const results = new Map<string, ({ p50: number; p99: number } | { failed: string })[]>();
  for (const size of SIZES) {
    await fill(size);
    for (const e of endpoints) {
      const n = e.samples(size);
      process.stderr.write(`  ${e.name} at ${size.toLocaleString('en')}: ${n} requests after a warm-up\n`);
      const headers: Record<string, string> = { 'access-purpose': 'bench', ...(e.key ? { authorization: `Bearer ${e.key}` } : {}) };
      const path = e.path;
      const latencies: number[] = [];
      let failed: string | undefined;
      // The first requests of each warm the path (and, at the first size, the JIT); they are not counted.
      const warm = Math.min(10, n);
      for (let i = 0; i < warm + n && !failed; i++) {
        const t = performance.now();
        const res = await app.request(path, { headers });
        // A page that cannot be served at this size (a store timeout: 503) is a figure too.
        if (res.status !== 200) failed = `${res.status} after ${((performance.now() - t) / 1000).toFixed(1)} s`;
        await res.arrayBuffer();
        if (i >= warm && !failed) latencies.push(performance.now() - t);
      }
      if (failed) process.stderr.write(`    answered ${failed}\n`);
      results.set(e.name, [...(results.get(e.name) ?? []), failed ? { failed } : { p50: pct(latencies, 50), p99: pct(latencies, 99) }]);
    }
    // The job as on its first run after the open index was keyed by ackBy: no place in any department.
    for (const department of (await ports.notifications.overduePlaces()).keys()) await db.send(new DeleteCommand({ TableName: table, Key: overdueJobKey(department) }));
    process.stderr.write(`  overdue job at ${size.toLocaleString('en')}: a first run (no place), then a later one\n`);
    jobs.push({ first: await jobRun(), later: await jobRun() });
  }

  const [small, large] = SIZES.map((n) => n.toLocaleString('en'));
  console.log(`\npage latency with ${small} and ${large} items behind it (in-process, on DynamoDB Local); target: ratio <= 1.2`);
  console.log(
    `${'endpoint'.padEnd(28)} ${`p50 at ${small}`.padStart(14)} ${`p50 at ${large}`.padStart(15)} ${'ratio'.padStart(6)} ${`p99 at ${small}`.padStart(14)} ${`p99 at ${large}`.padStart(15)} ${'ratio'.padStart(6)}`,
  );
  for (const e of endpoints) {
    const [a, b] = results.get(e.name) ?? [];
    const f = (r: (typeof results extends Map<string, (infer R)[]> ? R : never) | undefined, p: 'p50' | 'p99') => (!r ? '-' : 'failed' in r ? r.failed : `${r[p].toFixed(1)} ms`);
    const ratio = (p: 'p50' | 'p99') => (a && b && !('failed' in a) && !('failed' in b) ? (b[p] / a[p]).toFixed(2) : '-');
    console.log(
      `${e.name.padEnd(28)} ${f(a, 'p50').padStart(14)} ${f(b, 'p50').padStart(15)} ${ratio('p50').padStart(6)} ${f(a, 'p99').padStart(14)} ${f(b, 'p99').padStart(15)} ${ratio('p99').padStart(6)}`,
    );
  }
  const [j1, j2] = jobs;
  console.log(`\noverdue job: read units of the open index per run (every notification overdue and escalated already)`);
  console.log(`${'run'.padEnd(28)} ${`at ${small}`.padStart(22)} ${`at ${large}`.padStart(22)} ${'ratio'.padStart(6)}`);
  for (const run of ['first', 'later'] as const) {
    const f = (r: { units: number; ms: number }) => `${r.units.toFixed(1)} RCU, ${r.ms.toFixed(0)} ms`;
    console.log(
      `${(run === 'first' ? 'first run (no place)' : 'a later run (from its place)').padEnd(28)} ${f(j1[run]).padStart(22)} ${f(j2[run]).padStart(22)} ${(j1[run].units > 0 ? (j2[run].units / j1[run].units).toFixed(2) : '-').padStart(6)}`,
    );
  }
  console.log('');
  db.destroy();
} finally {
  await services.stop();
}
