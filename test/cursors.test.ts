/**
 * Cursors are opaque and tamper-evident: only a cursor this exchange handed to this client for
 * this very listing and its parameters pages on. A crafted, changed or foreign one is a 400
 * problem on every listing, and never reaches the table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspection, makeCreditCode } from '../local/samples';
import { startExchange, waitFor, type TestExchange, type TestClient } from './helpers';

let ex: TestExchange;
const code = makeCreditCode('91', '330402', 'MA2CURY1');
const other = makeCreditCode('91', '330402', 'MA2CURY2');

beforeAll(async () => {
  ex = await startExchange({ push: {} });
  await ex.call('POST', '/v1/subscriptions', { as: 'health', body: { name: 'cursor test', purpose: 'test: cursors', filters: { creditCodes: [code] } } });
  for (let i = 0; i < 3; i++) {
    await ex.call('POST', '/v1/records', { body: inspection(code, `CUR-${i}`) });
    await ex.call('POST', '/v1/records', { body: inspection(other, `CUR-O-${i}`) });
  }
  await waitFor(async () => (await ex.call('GET', '/v1/inbox?limit=100', { as: 'health' })).body.items?.length === 3, 20_000, 'three notifications');
  for (let i = 0; i < 3; i++) await ex.call('GET', `/v1/enterprises/${code}`, { as: 'supervision' });
});
afterAll(() => ex.close());

const crafted = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');

/** Every listing with a cursor: where to read page 1, and who may read it. */
const LISTINGS: { name: string; path: string; as: TestClient; method?: string }[] = [
  { name: 'inbox', path: '/v1/inbox?limit=1', as: 'health' },
  { name: 'open inbox', path: '/v1/inbox?open=true&limit=1', as: 'health' },
  { name: 'history', path: `/v1/enterprises/${code}/records?limit=1`, as: 'supervision' },
  { name: 'history of one kind', path: `/v1/enterprises/${code}/records?kind=inspection&limit=1`, as: 'supervision' },
  { name: 'access log', path: `/v1/enterprises/${code}/access-log?limit=1`, as: 'supervision' },
];

async function firstNext(l: (typeof LISTINGS)[number]): Promise<string> {
  const page = await ex.call('GET', l.path, { as: l.as });
  expect(page.status).toBe(200);
  expect(page.body.next).toEqual(expect.any(String));
  return page.body.next;
}

async function expectBadCursor(path: string, as: TestClient, method = 'GET') {
  const res = await ex.call(method, path, { as });
  expect(res.status, `${method} ${path}`).toBe(400);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.errors).toEqual([expect.objectContaining({ path: 'cursor', code: 'invalid-cursor' })]);
}

describe('cursors', () => {
  it.each(LISTINGS)('$name: its own cursor pages on', async (l) => {
    const next = await firstNext(l);
    const page2 = await ex.call('GET', `${l.path}&cursor=${encodeURIComponent(next)}`, { as: l.as });
    expect(page2.status).toBe(200);
    expect(page2.body.items).toHaveLength(1);
  });

  it.each(LISTINGS)('$name: a crafted key, a changed cursor and garbage are 400', async (l) => {
    const next = await firstNext(l);
    const [position, mac] = next.split('.');
    const flipped = position.slice(0, -2) + (position.at(-2) === 'A' ? 'B' : 'A') + position.at(-1);
    for (const cursor of [
      crafted({ GSI2PK: 'OPEN#health' }),
      crafted({ PK: `ENT#${code}`, SK: 'LOG#' }),
      crafted({ d: '2026-01-01', i: 'rec_' + '0'.repeat(26) }),
      `${flipped}.${mac}`,
      `${position}.${mac.slice(0, -1)}`,
      position,
      'A'.repeat(400),
      '.',
    ]) {
      await expectBadCursor(`${l.path}&cursor=${encodeURIComponent(cursor)}`, l.as);
    }
  });

  it('a cursor of another client is 400, also within the same listing', async () => {
    const next = await firstNext(LISTINGS[2]);
    const asCredit = await ex.call('GET', `${LISTINGS[2].path}&cursor=${encodeURIComponent(next)}`, { as: 'credit' });
    expect(asCredit.status).toBe(400);
  });

  it('a cursor of one listing or one set of parameters is 400 on another', async () => {
    const inbox = await firstNext(LISTINGS[0]);
    await expectBadCursor(`/v1/inbox?open=true&cursor=${encodeURIComponent(inbox)}`, 'health');
    await expectBadCursor(`/v1/deliveries/redrive?cursor=${encodeURIComponent(inbox)}`, 'health', 'POST');
    const history = await firstNext(LISTINGS[2]);
    await expectBadCursor(`/v1/enterprises/${code}/records?kind=inspection&cursor=${encodeURIComponent(history)}`, 'supervision');
    await expectBadCursor(`/v1/enterprises/${other}/records?cursor=${encodeURIComponent(history)}`, 'supervision');
    await expectBadCursor(`/v1/enterprises/${code}/access-log?cursor=${encodeURIComponent(history)}`, 'supervision');
  });

  it('redrive refuses a crafted cursor', async () => {
    await expectBadCursor(`/v1/deliveries/redrive?cursor=${crafted({ GSI2PK: 'OPEN#health' })}`, 'health', 'POST');
  });
});
