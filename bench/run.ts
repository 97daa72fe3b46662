/**
 * `npm run bench`: figures for the exchange on the local stack (DynamoDB Local + fauxqs), each
 * next to a baseline measured in the same run. Prints a table; asserts nothing.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { createApp } from '../functions/api/app';
import { createClient } from '../functions/core/clients';
import { validateRecord } from '../functions/core/ingest';
import { seedCatalogue } from '../functions/core/catalogue-seed';
import { runtimePorts } from '../functions/runtime';
import { documentClient } from '../functions/store/aws';
import { accessLogKey, accessLogPartition, ACCESS_CHAIN_PREFIX, enterprisePartition, INDEXES } from '../functions/store/table';
import { inspection, licence, makeCreditCode } from '../local/samples';
import { DURATION_MS, http, licenceOf1KB, load, ms, pct, type LoadResult } from './common';
import { ensureTable, startLocalServices } from '../local/services';
import { BENCH_RATE } from './rate';

const out: [string, string][] = [];
const report = (name: string, value: string) => {
  out.push([name, value]);
  console.log(`${name.padEnd(58)} ${value}`);
};

/** Runs bench/ingest-client.ts in a process of its own and returns what it measured. */
function loadFromChild(args: string[]): Promise<LoadResult> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ingest-client.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? ok(JSON.parse(text.trim().split('\n').at(-1) ?? '') as LoadResult) : fail(new Error(`the load generator ended with ${code}`))));
  });
}
/** Rounds of the target's loads from a process of their own (baseline and ingest in turn). */
const CHILD_ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const figure = (r: LoadResult, unit: string) => `${r.rate.toFixed(0)} ${unit}/s  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}`;
const ratio = (a: LoadResult, b: LoadResult) => `${((100 * a.rate) / b.rate).toFixed(0)}%`;

const services = await startLocalServices();
try {
  const table = 'bench';
  await ensureTable(services.dynamodbEndpoint, table);
  // The app under load runs as deployed: its requests do not ask DynamoDB for the capacity they
  // consume (asking makes DynamoDB Local compute it and every answer longer, and the raw PutItem
  // baselines do not ask). A second app over a metered client answers the probes that count
  // requests and units.
  const capacity: { op: string; items: ConsumedCapacity[] }[] = [];
  const ports = runtimePorts({ table, dynamodbEndpoint: services.dynamodbEndpoint });
  const metered = createApp(runtimePorts({ table, dynamodbEndpoint: services.dynamodbEndpoint, store: { onCapacity: (op, items) => capacity.push({ op, items }) } }), {
    log: () => {},
    rateLimits: BENCH_RATE,
  });
  await seedCatalogue(ports);
  const { apiKey, client: createdClient } = await createClient(ports, { department: 'market', name: 'bench', scopes: ['records:write:licence', 'records:write:inspection', 'profiles:read'] });
  const app = createApp(ports, { log: () => {}, rateLimits: BENCH_RATE });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'access-purpose': 'bench' };
  const db = documentClient(services.dynamodbEndpoint);
  const sample = licenceOf1KB(makeCreditCode('91', '330402', 'MA2BENCH'), 'XK-size');
  console.log(`record JSON size: ${Buffer.byteLength(JSON.stringify(sample))} bytes; ${DURATION_MS} ms per load run\n`);

  // Warm both paths so the JVM and the Node JIT are not part of the first figure.
  await load(4, async (i) => void (await db.send(new PutCommand({ TableName: table, Item: { PK: `WARM#${i}`, SK: 'x', body: sample } }))));
  await load(4, async (i) => {
    await http(base, 'POST', '/v1/records', headers, JSON.stringify(licenceOf1KB(makeCreditCode('91', '330402', 'MA2WARM0'), `W-${i}`)));
  });

  // Two baselines: the bare 1 KB item, and the same item with the enterprise-index keys an ingest
  // writes (so DynamoDB Local maintains the index too); the second isolates the exchange's own cost.
  for (const concurrency of [1, 16]) {
    process.stderr.write(`  … ${concurrency} concurrent: raw PutItem and ingest from this process\n`);
    const raw = await load(concurrency, async (i) => {
      await db.send(new PutCommand({ TableName: table, Item: { PK: `RAW#${concurrency}#${i}`, SK: 'x', body: sample } }));
    });
    const rawIndexed = await load(concurrency, async (i) => {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { PK: `RAWI#${concurrency}#${i}`, SK: 'V#000001', GSI1PK: `ENT#${i % 100}`, GSI1SK: `licence#2024-03-20#${i}`, data: sample.data, summary: sample.data },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    });
    const ingest = await load(concurrency, async (i) => {
      const body = JSON.stringify(licenceOf1KB(makeCreditCode('91', '330402', `MA2C${String(concurrency).padStart(2, '0')}${String(i % 100).padStart(2, '0')}`), `XK-${concurrency}-${i}`));
      const res = await http(base, 'POST', '/v1/records', headers, body);
      if (res.status !== 201) throw new Error(`ingest answered ${res.status}: ${res.text}`);
    });
    // The same request through the app without a socket: what the exchange itself adds to a PutItem.
    const inProcess = await load(concurrency, async (i) => {
      const body = JSON.stringify(licenceOf1KB(makeCreditCode('91', '330402', `MA2D${String(concurrency).padStart(2, '0')}${String(i % 100).padStart(2, '0')}`), `XP-${concurrency}-${i}`));
      const res = await app.request('/v1/records', { method: 'POST', headers, body });
      if (res.status !== 201) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    });
    // The same load from a process of its own, the API serving it from this one: the target's
    // figure. Baseline and ingest take turns over several rounds, each round's ratio pairs its own
    // two loads, and the figures shown are those of the round with the median ratio: a table and
    // a JVM that change as the run goes on (more items, a warmer JIT, the collector's work) then
    // weigh on both sides alike instead of on whichever ran last.
    const rounds: { raw: LoadResult; rawIndexed: LoadResult; ingest: LoadResult }[] = [];
    for (let round = 1; round <= CHILD_ROUNDS; round++) {
      process.stderr.write(`  … ${concurrency} concurrent: load generator in its own process, round ${round} of ${CHILD_ROUNDS}\n`);
      const label = `${concurrency}r${round}`;
      const rawRound = await loadFromChild(['put', services.dynamodbEndpoint, table, String(concurrency), label]);
      const rawIndexedRound = await loadFromChild(['put-indexed', services.dynamodbEndpoint, table, String(concurrency), label]);
      rounds.push({ raw: rawRound, rawIndexed: rawIndexedRound, ingest: await loadFromChild(['ingest', base, apiKey, String(concurrency), label]) });
    }
    const byRatio = [...rounds].sort((a, b) => a.ingest.rate / a.raw.rate - b.ingest.rate / b.raw.rate);
    const { raw: rawChild, rawIndexed: rawIndexedChild, ingest: ingestChild } = byRatio[Math.floor(byRatio.length / 2)];
    // Side by side: the load from its own process (the target's figure), from the API's process over
    // HTTP, and through the app without a socket; each ratio against raw PutItem from the same place.
    const cells = (a: LoadResult, b: LoadResult, c: LoadResult, f: (r: LoadResult) => string) => [f(a), f(b), f(c)];
    const line = (label: string, values: string[]) => console.log(`  ${label.padEnd(30)} ${values.map((v) => v.padStart(27)).join('')}`);
    console.log(`\ningest at ${concurrency} concurrent (${DURATION_MS} ms a run; target: ingest >= 70% of raw PutItem with the load in its own process)`);
    line('', ['load in its own process', "load in the API's process", 'in-process, no socket']);
    line(
      'raw PutItem, bare item',
      cells(rawChild, raw, raw, (r) => `${r.rate.toFixed(0)}/s p99 ${r.p99.toFixed(0)} ms`),
    );
    line(
      'raw PutItem, same item',
      cells(rawIndexedChild, rawIndexed, rawIndexed, (r) => `${r.rate.toFixed(0)}/s p99 ${r.p99.toFixed(0)} ms`),
    );
    line(
      'POST /v1/records',
      cells(ingestChild, ingest, inProcess, (r) => `${r.rate.toFixed(0)}/s p99 ${r.p99.toFixed(0)} ms`),
    );
    line('ingest / raw, bare | same item', [
      `${ratio(ingestChild, rawChild)} | ${ratio(ingestChild, rawIndexedChild)}`,
      `${ratio(ingest, raw)} | ${ratio(ingest, rawIndexed)}`,
      `${ratio(inProcess, raw)} | ${ratio(inProcess, rawIndexed)}`,
    ]);
    console.log(`  each round, ingest / raw PutItem with the load in its own process: ${rounds.map((r) => ratio(r.ingest, r.raw)).join(', ')} (the median round above)`);
    console.log('');
  }

  // What an ingest asks of DynamoDB, request by request: at 16 clients DynamoDB (Local) is what
  // the load waits on, so each request beside the record's own put costs throughput. Averaged over
  // posts made 16 at a time, as the rate window's blocks and the shared blacklist reads serve
  // several posts each.
  const PROBES = 64;
  const post = async (sourceId: string, code: string) => {
    const res = await metered.request('/v1/records', { method: 'POST', headers, body: JSON.stringify(licenceOf1KB(code, sourceId)) });
    if (res.status !== 201) throw new Error(await res.text());
  };
  // Past its first requests (the key's lookup, the first rate windows) and at the same demand, as the app under load was.
  await load(16, (i) => post(`XK-warm-metered-${i}`, makeCreditCode('91', '330402', `MA2M${String(i % 100).padStart(4, '0')}`)), 1000);
  capacity.length = 0;
  let probed = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = probed++; i < PROBES; i = probed++) await post(`XK-requests-${i}`, makeCreditCode('91', '330402', `MA2Q${String(i).padStart(4, '0')}`));
    }),
  );
  const perOp = new Map<string, { calls: number; units: number }>();
  for (const c of capacity) {
    const o = perOp.get(c.op) ?? { calls: 0, units: 0 };
    o.calls++;
    o.units += c.items.reduce((n, i) => n + (i.CapacityUnits ?? 0), 0);
    perOp.set(c.op, o);
  }
  report(
    `DynamoDB requests per ingest (${PROBES} posted 16 at a time)`,
    [...perOp].map(([op, o]) => `${op.replace('Command', '')} ×${(o.calls / PROBES).toFixed(2)} (${(o.units / PROBES).toFixed(2)} units)`).join('; '),
  );
  // The parts of a request besides the record: the key check and the rate window (GET /v1/me does
  // nothing else), and validation alone (CPU, no I/O), next to the whole ingest in-process.
  const me = await load(16, async () => {
    const res = await app.request('/v1/me', { headers });
    if (res.status !== 200) throw new Error(`GET /v1/me answered ${res.status}`);
  });
  report('GET /v1/me in-process, 16 concurrent (key check + rate window)', figure(me, 'requests'));
  const validations: number[] = [];
  for (let i = 0; i < 300; i++) {
    const body = licenceOf1KB(makeCreditCode('91', '330402', `MA2W${String(i % 100).padStart(4, '0')}`), `XV-${i}`);
    const t = performance.now();
    await validateRecord(ports, createdClient, body);
    validations.push(performance.now() - t);
  }
  const us = (x: number) => `${(x * 1000).toFixed(0)} µs`;
  report('validating one 1 KB licence (schema, codes, catalogue; cached)', `p50 ${us(pct(validations, 50))}  p99 ${us(pct(validations, 99))}`);

  // Capacity of one ingest and one profile read.
  const units = (op: string) => {
    const entries = capacity.filter((c) => c.op === op).flatMap((c) => c.items);
    const table = entries.reduce((s, c) => s + (c.Table?.CapacityUnits ?? c.CapacityUnits ?? 0), 0);
    const indexes = entries.reduce((s, c) => s + Object.values(c.GlobalSecondaryIndexes ?? {}).reduce((t, i) => t + (i.CapacityUnits ?? 0), 0), 0);
    return { table, indexes, total: entries.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0), calls: capacity.filter((c) => c.op === op).length };
  };
  capacity.length = 0;
  await post('XK-cap', makeCreditCode('91', '330402', 'MA2CAP01'));
  const w = units('PutItemCommand record-version');
  report('write units per ingested 1 KB record (target <= 3)', `${w.total} WCU (table ${w.table}, enterprise index ${w.indexes})`);

  // An enterprise with 1,000 records, posted in batches of 100.
  const big = makeCreditCode('91', '330402', 'MA2THWND');
  for (let b = 0; b < 10; b++) {
    const records = Array.from({ length: 100 }, (_, i) =>
      (b * 100 + i) % 4 === 0
        ? licence(big, `XK-big-${b}-${i}`, { decisionDate: `20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 9}`, validFrom: '2020-01-01', validTo: '2099-12-31' })
        : inspection(big, `JC-big-${b}-${i}`, { date: `20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 9}` }),
    );
    const res = await fetch(`${base}/v1/records/batch`, { method: 'POST', headers, body: JSON.stringify({ records }) });
    const body = (await res.json()) as { counts: { created: number }; results: { problem?: unknown }[] };
    if (body.counts.created !== 100) throw new Error(`batch ${b}: ${JSON.stringify(body.results.find((r) => r.problem))}`);
  }
  const small = makeCreditCode('91', '330402', 'MA2TYP01');
  await fetch(`${base}/v1/records/batch`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ records: Array.from({ length: 20 }, (_, i) => inspection(small, `JC-typ-${i}`, { date: `2025-0${1 + (i % 9)}-1${i % 9}` })) }),
  });

  // The baseline of target 3: one GetItem of a 1 KB item, sequential, from this process.
  const getLatencies: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const t = performance.now();
    await db.send(new GetCommand({ TableName: table, Key: { PK: `WARM#${i % 4}`, SK: 'x' } }));
    getLatencies.push(performance.now() - t);
  }
  const getP99 = pct(getLatencies, 99);
  report('single GetItem (1 KB item), baseline', `p50 ${ms(pct(getLatencies, 50))}  p99 ${ms(getP99)}`);
  // The least a logged read asks of the store, sent from this process without HTTP or the app: the
  // enterprise's records (GSI1 query pages) and its access log's newest entry (a strong Query) at
  // once, then the new entry's conditional PutItem. A read is logged, with whether it found
  // anything, before it is answered, so no profile read can be quicker than this.
  const floorCode = makeCreditCode('91', '330402', 'MA2FLR01');
  let floorSeq = 0;
  async function storeFloor(code: string, n: number) {
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const records = async () => {
        let found = 0;
        let start: Record<string, unknown> | undefined;
        do {
          const page = await db.send(
            new QueryCommand({
              TableName: table,
              IndexName: INDEXES.enterprise.name,
              KeyConditionExpression: `${INDEXES.enterprise.partitionKey} = :pk`,
              ExpressionAttributeValues: { ':pk': enterprisePartition(code) },
              ExclusiveStartKey: start,
            }),
          );
          found += page.Items?.length ?? 0;
          start = page.LastEvaluatedKey;
        } while (start);
        return found;
      };
      const [found] = await Promise.all([
        records(),
        db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :s)',
            ExpressionAttributeValues: { ':pk': accessLogPartition(floorCode), ':s': ACCESS_CHAIN_PREFIX },
            ScanIndexForward: false,
            Limit: 1,
            ConsistentRead: true,
          }),
        ),
      ]);
      await db.send(new PutCommand({ TableName: table, Item: { ...accessLogKey(floorCode, ++floorSeq), found: found > 0, entry: 'x'.repeat(400) }, ConditionExpression: 'attribute_not_exists(PK)' }));
      latencies.push(performance.now() - t);
    }
    return latencies;
  }

  for (const [label, code, n] of [
    ['typical enterprise (20 records)', small, 1000],
    ['enterprise with 1,000 records', big, 200],
  ] as const) {
    const floor = await storeFloor(code, n);
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await http(base, 'GET', `/v1/enterprises/${code}`, headers);
      latencies.push(performance.now() - t);
    }
    capacity.length = 0;
    await (await metered.request(`/v1/enterprises/${code}`, { headers })).arrayBuffer();
    const r = units('QueryCommand GSI1');
    const log = units('PutItemCommand access-log');
    // The access log's chain: the enterprise's newest entry (a strong Query on the base table) before the put.
    const chainRead = units('QueryCommand');
    report(`profile read, ${label}`, `p50 ${ms(pct(latencies, 50))}  p99 ${ms(pct(latencies, 99))}  (p99 ${(pct(latencies, 99) / getP99).toFixed(1)}x GetItem; target <= 2x)`);
    report(
      `  its store requests alone (records ‖ log head, then PutItem)`,
      `p50 ${ms(pct(floor, 50))}  p99 ${ms(pct(floor, 99))}  (p99 ${(pct(floor, 99) / getP99).toFixed(1)}x GetItem; the read over HTTP ${(pct(latencies, 99) / pct(floor, 99)).toFixed(1)}x this)`,
    );
    report(`  query pages / read units per profile read`, `${r.calls} page(s), ${r.total} RCU + access log ${chainRead.total} RCU, ${log.total} WCU`);
  }

  server.close();
  db.destroy();
} finally {
  await services.stop();
}
