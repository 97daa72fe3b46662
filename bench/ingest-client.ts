/**
 * The ingest load generator of `npm run bench`, run as a process of its own so that the API under
 * test does not share its event loop with the load. Either posts 1 KB licences to the API over
 * HTTP, or (the baseline) puts the same item into DynamoDB Local directly, from `concurrency`
 * loops for BENCH_MS after a short warm-up, and prints one JSON line: { rate, p50, p99 }.
 *
 * Usage: tsx bench/ingest-client.ts ingest <api base URL> <api key> <concurrency> <run label>
 *        tsx bench/ingest-client.ts put|put-indexed <dynamodb endpoint> <table> <concurrency> <run label>
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../functions/store/aws';
import { makeCreditCode } from '../local/samples';
import { closeHttp, DURATION_MS, http, licenceOf1KB, load } from './common';

const [mode, target, keyOrTable, conc, label] = process.argv.slice(2);
const concurrency = Number(conc);
if (!['ingest', 'put', 'put-indexed'].includes(mode) || !target || !keyOrTable || !Number.isSafeInteger(concurrency) || concurrency < 1 || !label) {
  console.error('usage: tsx bench/ingest-client.ts ingest <api base URL> <api key> <concurrency> <run label>');
  console.error('       tsx bench/ingest-client.ts put|put-indexed <dynamodb endpoint> <table> <concurrency> <run label>');
  process.exit(2);
}
const WARM_MS = Math.min(1000, DURATION_MS);
const sample = licenceOf1KB(makeCreditCode('91', '330402', 'MA2BENCH'), 'XK-size');
let op: (i: number, phase: string) => Promise<void>;
let close: () => void;

if (mode === 'ingest') {
  const headers = { authorization: `Bearer ${keyOrTable}`, 'content-type': 'application/json', 'access-purpose': 'bench' };
  op = async (i, phase) => {
    const body = JSON.stringify(licenceOf1KB(makeCreditCode('91', '330402', `MA2E${String(concurrency).padStart(2, '0')}${String(i % 100).padStart(2, '0')}`), `XE-${label}-${phase}-${i}`));
    const res = await http(target, 'POST', '/v1/records', headers, body);
    if (res.status !== 201) throw new Error(`ingest answered ${res.status}: ${res.text}`);
  };
  close = closeHttp;
} else {
  const db = documentClient(target);
  // The indexed item carries the enterprise-index keys an ingest writes, so DynamoDB Local maintains the index too.
  op = async (i, phase) => {
    const PK = `RAWX#${label}#${phase}#${i}`;
    const Item = mode === 'put' ? { PK, SK: 'x', body: sample } : { PK, SK: 'V#000001', GSI1PK: `ENT#${i % 100}`, GSI1SK: `licence#2024-03-20#${phase}#${i}`, data: sample.data, summary: sample.data };
    await db.send(new PutCommand({ TableName: keyOrTable, Item, ...(mode === 'put-indexed' ? { ConditionExpression: 'attribute_not_exists(PK)' } : {}) }));
  };
  close = () => db.destroy();
}

// Progress on stderr (the parent passes it through); the one result line goes to stdout.
process.stderr.write(`    load generator: ${mode}, ${concurrency} concurrent, ${WARM_MS} ms warm-up ...`);
await load(concurrency, (i) => op(i, 'warm'), WARM_MS);
process.stderr.write(` measuring ${DURATION_MS} ms ...`);
const result = await load(concurrency, (i) => op(i, 'run'));
process.stderr.write(` ${result.rate.toFixed(0)}/s\n`);
close();
console.log(JSON.stringify(result));
