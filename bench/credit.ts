/**
 * `npm run bench` (credit part): change feed page latency with 10,000 and with 100,000 changes in
 * the feed (the ratio should stay near 1), and the credit check next to a single GetItem, all
 * through the HTTP API on DynamoDB Local in the same run. Prints a table; asserts nothing.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { BatchWriteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createApp } from '../functions/api/app';
import { createClient } from '../functions/core/clients';
import { runtimePorts } from '../functions/runtime';
import { documentClient } from '../functions/store/aws';
import { ATTR, feedChangeKey, feedHeadKey, ITEM_TYPES, riskKey } from '../functions/store/table';
import { makeCreditCode } from '../local/samples';
import { ensureTable, startLocalServices } from '../local/services';
import type { CreditChange } from '../schemas/credit';
import { BENCH_RATE } from './rate';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number) => `${x.toFixed(1)} ms`;
const report = (name: string, value: string) => console.log(`${name.padEnd(58)} ${value}`);

async function timed(n: number, op: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await op(i);
    latencies.push(performance.now() - t);
  }
  return { p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

const services = await startLocalServices();
try {
  const table = 'bench-credit';
  await ensureTable(services.dynamodbEndpoint, table);
  const ports = runtimePorts({ table, dynamodbEndpoint: services.dynamodbEndpoint });
  const db = documentClient(services.dynamodbEndpoint);
  const { apiKey } = await createClient(ports, { department: 'credit', name: 'bench', scopes: ['credit:read', 'credit:write'] });
  const server = serve({ fetch: createApp(ports, { log: () => {}, rateLimits: BENCH_RATE }).fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${apiKey}`, 'access-purpose': 'bench' };
  const get = async (path: string) => {
    const res = await fetch(base + path, { headers });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<{ items: CreditChange[]; cursor: string }>;
  };

  // The feed is filled directly (as the store writes it) so that 100,000 changes take a minute, not an hour.
  const entry = (seq: number) => ({
    id: `cle_bench${seq}`,
    list: 'blacklist' as const,
    creditCode: makeCreditCode('91', '330402', `MA${String(seq).padStart(6, '0')}`),
    enterpriseName: '嘉兴市南湖区基准测试企业有限公司',
    reason: '提供虚假材料骗取市场主体登记，情节严重',
    legalBasis: '《市场监督管理严重违法失信名单管理办法》',
    authority: '嘉兴市南湖区市场监督管理局',
    decisionNumber: `南市监列严〔2025〕${seq}号`,
    decisionDate: '2025-06-01',
    plannedEnd: '2028-06-01',
    department: 'credit',
    addedAt: '2026-11-27T02:00:00.000Z',
  });
  let filled = 0;
  async function fillTo(n: number) {
    const started = performance.now();
    for (let from = filled + 1; from <= n; from += 25 * 8) {
      await Promise.all(
        Array.from({ length: 8 }, async (_, b) => {
          const first = from + b * 25;
          const items = Array.from({ length: 25 }, (_, k) => first + k).filter((s) => s <= n);
          if (!items.length) return;
          await db.send(
            new BatchWriteCommand({
              RequestItems: {
                [table]: items.map((seq) => ({
                  PutRequest: {
                    Item: { ...feedChangeKey('blacklist', seq), [ATTR.type]: ITEM_TYPES.creditChange, seq, list: 'blacklist', change: 'added', entry: entry(seq), at: '2026-11-27T02:00:00.000Z' },
                  },
                })),
              },
            }),
          );
        }),
      );
      if ((from - 1) % 10_000 < 200) process.stdout.write(`\r  filling the feed: ${Math.min(n, from + 199)} / ${n}`);
    }
    await db.send(new PutCommand({ TableName: table, Item: { ...feedHeadKey('blacklist'), [ATTR.type]: ITEM_TYPES.creditFeedHead, seq: n } }));
    process.stdout.write(`\r  filled ${n - filled} changes in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    filled = n;
  }

  /** A page of 100 from a random position, half of them at the tail where a caught-up follower reads. */
  const page = (size: number) =>
    timed(SAMPLES, async (i) => {
      const at = i % 2 ? Math.floor(Math.random() * (size - 100)) : size - 100;
      const cursor = Buffer.from(JSON.stringify({ l: 'blacklist', s: at })).toString('base64url');
      const body = await get(`/v1/credit/lists/blacklist/changes?limit=100&cursor=${cursor}`);
      if (body.items.length !== 100 || body.items[0].seq !== at + 1) throw new Error(`page at ${at}: ${body.items.length} items`);
    });

  await fillTo(10_000);
  await page(10_000); // warm-up
  const small = await page(10_000);
  await fillTo(100_000);
  const large = await page(100_000);
  report('feed page of 100, feed of 10,000 changes', `p50 ${ms(small.p50)}  p99 ${ms(small.p99)}`);
  report('feed page of 100, feed of 100,000 changes', `p50 ${ms(large.p50)}  p99 ${ms(large.p99)}`);
  report('  ratio 100k / 10k (target near 1)', `p50 ${(large.p50 / small.p50).toFixed(2)}  p99 ${(large.p99 / small.p99).toFixed(2)}`);

  // The credit check of a listed enterprise with a risk class, next to one GetItem of the same table.
  const code = entry(5).creditCode;
  await ports.creditLists.apply({ list: 'abnormal', kind: 'added', entry: { ...entry(5), id: 'cle_bench_abn', list: 'abnormal' }, at: '2026-11-27T02:00:00.000Z' });
  await ports.risk.put({ creditCode: code, regionCode: '330402', riskClass: 'C', reasons: ['on 经营异常名录'], computedAt: '2026-11-27T02:00:00.000Z' }, undefined);
  await timed(50, async () => void (await get(`/v1/credit/check/${code}?item=ZJ-WJ-PLACE-01`)));
  const check = await timed(SAMPLES, async () => void (await get(`/v1/credit/check/${code}?item=ZJ-WJ-PLACE-01`)));
  const getItem = await timed(SAMPLES, async () => void (await db.send(new GetCommand({ TableName: table, Key: riskKey(code) }))));
  report('GET /v1/credit/check (HTTP, one query + access log write)', `p50 ${ms(check.p50)}  p99 ${ms(check.p99)}`);
  report('single GetItem (SDK, no HTTP API)', `p50 ${ms(getItem.p50)}  p99 ${ms(getItem.p99)}`);
  report('  check / GetItem', `p50 ${(check.p50 / getItem.p50).toFixed(1)}x  p99 ${(check.p99 / getItem.p99).toFixed(1)}x`);
  server.close();
  db.destroy();
} finally {
  await services.stop();
}
