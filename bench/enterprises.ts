/**
 * `npm run bench` (enterprises part): batch comparison of 1,000 credit codes (time and read units,
 * next to 1,000 single GetItems of the same items) and name search latency p50/p99 (next to one
 * GetItem), on the local stack. Prints figures; asserts nothing.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createClient } from '../functions/core/clients';
import { compareEnterprises } from '../functions/core/compare';
import { searchByName } from '../functions/core/names';
import { normaliseName } from '../functions/core/name-key';
import { documentClient } from '../functions/store/aws';
import { directoryKey } from '../functions/store/table';
import { makeCreditCode } from '../local/samples';
import { startLocalServices } from '../local/services';
import { pct } from './common';
import { meteredPorts, orgBody, out } from './setup';

const N = 1000;
const DISTRICTS = ['嘉兴市南湖区', '嘉兴市秀洲区', '杭州市西湖区', '宁波市鄞州区'];
const TRADES = ['餐饮管理', '道路运输', '信息科技', '粮油贸易', '建筑工程'];

const services = await startLocalServices();
try {
  const table = 'bench-enterprises';
  const { ports, capacity, units } = await meteredPorts(services.dynamodbEndpoint, table);

  console.log(`Writing ${N} directory entries and their names ...`);
  const codes = Array.from({ length: N }, (_, i) => makeCreditCode('91', '330402', orgBody('MA4', i)));
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < N) {
        const i = next++;
        const name = `${DISTRICTS[i % 4]}${TRADES[i % 5]}${String(i).padStart(4, '0')}有限公司`;
        await ports.directory.apply({ creditCode: codes[i], regionCode: '330402', industryCode: '6210', registered: true, asOf: '2024-03-12#x', name });
        await ports.directory.countRecord(codes[i], 'registration');
        await ports.names.put(codes[i], name, normaliseName(name));
      }
    }),
  );
  const { client } = await createClient(ports, { department: 'credit', name: 'bench', scopes: ['profiles:read'] });

  // Baseline: the same 1,000 items read one GetItem at a time.
  const db = documentClient(services.dynamodbEndpoint);
  await compareEnterprises(ports, client, { creditCodes: codes.slice(0, 100) }, 'bench warm-up');
  let t = performance.now();
  for (const code of codes) await db.send(new GetCommand({ TableName: table, Key: directoryKey(code) }));
  const single = performance.now() - t;
  capacity.length = 0;
  t = performance.now();
  const compared = await compareEnterprises(ports, client, { creditCodes: codes }, 'bench');
  const batch = performance.now() - t;
  if (compared.items.filter((i) => i.exists).length !== N) throw new Error('the comparison missed enterprises');
  out(`batch comparison of ${N} codes`, `${batch.toFixed(0)} ms (${(batch / single).toFixed(2)}x ${N} single GetItems: ${single.toFixed(0)} ms)`);
  out('  read units / write units (access log)', `${units((op) => /Get/.test(op)).toFixed(1)} RCU / ${units((op) => /Write|Put/.test(op)).toFixed(0)} WCU`);

  // Name search: a page of 20 for a district-and-trade prefix, against one GetItem.
  const gets: number[] = [];
  for (let i = 0; i < 200; i++) {
    const s = performance.now();
    await db.send(new GetCommand({ TableName: table, Key: directoryKey(codes[i]) }));
    gets.push(performance.now() - s);
  }
  const searches: number[] = [];
  for (let i = 0; i < 200; i++) {
    const s = performance.now();
    await searchByName(ports, client, { name: `${DISTRICTS[i % 4]}${TRADES[i % 5]}`, limit: 20 }, 'bench');
    searches.push(performance.now() - s);
  }
  out('name search, page of 20 (p50 / p99)', `${pct(searches, 50).toFixed(1)} / ${pct(searches, 99).toFixed(1)} ms (one GetItem: ${pct(gets, 50).toFixed(1)} / ${pct(gets, 99).toFixed(1)} ms)`);
} finally {
  await services.stop();
}
