/**
 * `npm run bench` (catalogue part): what the permit catalogue costs on the local stack. Read units
 * the catalogue check adds per ingested record, write units of routing one registration (双告知
 * notices, licence cover, unmatched phrases), and the uncovered list's page latency with 10k and
 * 100k enterprises uncovered in a district. Prints figures; asserts nothing.
 */
import { createClient } from '../functions/core/clients';
import { fanoutBatch } from '../functions/core/fanout';
import { ingestRecord } from '../functions/core/ingest';
import { listUncovered } from '../functions/core/uncovered';
import type { ApiClient, StoredCover } from '../functions/core/model';
import { seedCatalogue } from '../functions/core/catalogue-seed';
import { licence, makeCreditCode, registration } from '../local/samples';
import { startLocalServices } from '../local/services';
import { pct } from './common';
import { meteredPorts, orgBody, out } from './setup';

const services = await startLocalServices();
try {
  const { ports, capacity, units: unitsOf } = await meteredPorts(services.dynamodbEndpoint, 'bench-catalogue');
  console.log('Loading the catalogue ...');
  await seedCatalogue(ports);
  const units = (match: (op: string) => boolean, kind: 'read' | 'write') => unitsOf((op) => match(op) && (kind === 'read') === /Get|Query/.test(op));
  // In the steady state an ingest reads nothing else: any read is the catalogue's (or a cached list's refresh).
  const catalogueOp = (op: string) => /Get|Query/.test(op);

  // 1. Validation: 500 licences in the steady state (the catalogue cached after the first record).
  const { client } = await createClient(ports, { department: 'market', name: 'bench', scopes: ['records:write:licence', 'records:write:registration'] });
  await ingestRecord(ports, client, licence(makeCreditCode('91', '330402', 'MA2W0000'), 'XK-warm'));
  capacity.length = 0;
  const N = 500;
  for (let i = 0; i < N; i++) await ingestRecord(ports, client, licence(makeCreditCode('91', '330402', orgBody('MA2W', i + 1)), `XK-${i}`));
  out(`catalogue reads per ingested licence (${N} records, steady state)`, `${(units(catalogueOp, 'read') / N).toFixed(3)} RCU (${capacity.filter((c) => catalogueOp(c.op)).length} reads in all)`);
  out('  write units per ingested licence, for comparison', `${(units(() => true, 'write') / N).toFixed(2)} WCU`);

  // 2. Routing one registration whose scope needs three items (food, public-place hygiene, elderly-care filing) and has one unmatched phrase.
  const reg = await ingestRecord(
    ports,
    client as ApiClient,
    registration(makeCreditCode('91', '330402', 'MA2R0001'), 'DJ-route', {
      date: '2026-11-20',
      establishedOn: '2026-11-20',
      businessScope: { licensed: ['餐饮服务', '理发服务'], general: ['养老服务', '宠物美容服务'] },
    }),
  );
  capacity.length = 0;
  const routed = await fanoutBatch(ports, [{ eventName: 'INSERT', sequenceNumber: '1', after: { type: 'record-version', value: reg.record } }], {
    ackWithinHours: 72,
    supervisingDepartment: 'supervision',
  });
  out('routing one registration (3 items, 1 unmatched phrase): notifications', `${routed.notifications}`);
  out('  write units / read units', `${units(() => true, 'write')} WCU / ${units(() => true, 'read')} RCU (${capacity.map((c) => c.op).join(', ')})`);

  // 3. The uncovered list with 10k and 100k enterprises uncovered in two districts.
  const fill = async (region: string, count: number, prefix: string) => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < count) {
          const i = next++;
          const code = makeCreditCode('91', region, orgBody(prefix, i));
          const day = String(1 + (i % 28)).padStart(2, '0');
          const cover: StoredCover = { creditCode: code, rev: 1, region, holdings: {}, uncovered: ['ZJ-SC-FOOD-01'], uncoveredSince: `2026-10-${day}`, asOf: '2026-11-27' };
          if (!(await ports.cover.save(cover, {}))) throw new Error(`cover of ${code} exists`);
          if (i % 10_000 === 9_999) console.log(`  ${region}: ${i + 1} covers written (${((i + 1) / ((performance.now() - started) / 1000)).toFixed(0)}/s)`);
        }
      }),
    );
  };
  console.log('Writing 10,000 + 100,000 uncovered enterprises ...');
  await fill('330421', 10_000, 'MA3A');
  await fill('330424', 100_000, 'MA3B');
  const reader = (await createClient(ports, { department: 'supervision', name: 'bench reader', scopes: ['cover:read'] })).client;
  const pageLatency = async (region: string) => {
    const times: number[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      const page = await listUncovered(ports, reader, { region, days: 30, limit: 50, ...(cursor ? { cursor } : {}) });
      times.push(performance.now() - t);
      cursor = page.next;
    }
    return pct(times, 50);
  };
  await pageLatency('330421');
  const small = await pageLatency('330421');
  const large = await pageLatency('330424');
  out('uncovered list, page of 50, district with 10k uncovered (p50)', `${small.toFixed(1)} ms`);
  out('uncovered list, page of 50, district with 100k uncovered (p50)', `${large.toFixed(1)} ms (${(large / small).toFixed(2)}x the 10k page)`);
} finally {
  await services.stop();
}
