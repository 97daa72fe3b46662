/**
 * The credit system follows a list through its change feed: whatever the writers do at the same
 * time, and however slow their commits are, a follower from the start ends with exactly the list,
 * sees every number once and in order, and a consumer started from a snapshot taken mid-way ends
 * with the same list.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../functions/api/app';
import { createClient } from '../functions/core/clients';
import { chinaToday } from '../functions/core/credit-rules';
import { runtimePorts } from '../functions/runtime';
import { documentClient } from '../functions/store/aws';
import { dynamoStores } from '../functions/store/index';
import { makeCreditCode } from '../local/samples';
import type { CreditChange, CreditEntry } from '../schemas/credit';
import { newTable } from './helpers';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
let base = '';
let close: () => Promise<void>;
const keys: Record<'writer' | 'reader', string> = { writer: '', reader: '' };

beforeAll(async () => {
  const { table, dynamodbEndpoint } = await newTable();
  // A store whose transactions are slow to commit: each waits 0-40 ms after the head was read
  // (other writers take the number meanwhile) and some answer late after committing.
  const db = documentClient(dynamodbEndpoint);
  db.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'TransactWriteCommand') return next(args);
      await pause(Math.random() * 40);
      const out = await next(args);
      if (Math.random() < 0.3) await pause(Math.random() * 60);
      return out;
    },
    { step: 'initialize', name: 'slowCommits' },
  );
  const ports = { ...runtimePorts({ table, dynamodbEndpoint }), ...dynamoStores(db, table) };
  keys.writer = (await createClient(ports, { department: 'credit', name: '区信用办', scopes: ['credit:read', 'credit:write'] })).apiKey;
  keys.reader = (await createClient(ports, { department: 'xinyong', name: '省信用平台', scopes: ['credit:read'] })).apiKey;
  const server = serve({ fetch: createApp(ports, { log: () => {} }).fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise<void>((r) => server.close(() => r()));
});
afterAll(() => close());

// Response bodies are whatever JSON the API sent; each test asserts the parts it cares about.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the parts of arbitrary response JSON they assert on
async function call(as: keyof typeof keys, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${keys[as]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

const listing = (code: string, sourceId: string) => ({
  sourceId,
  creditCode: code,
  enterpriseName: `嘉兴市南湖区测试企业${code.slice(-4)}`,
  reason: '提供虚假材料骗取市场主体登记，情节严重',
  legalBasis: '《市场监督管理严重违法失信名单管理办法》第九条',
  authority: '嘉兴市南湖区市场监督管理局',
  decisionNumber: `南市监列严〔2025〕${sourceId}号`,
  decisionDate: '2025-06-01',
});
const removal = () => ({ reason: 'error', date: chinaToday(new Date()), authority: '嘉兴市南湖区市场监督管理局', note: '列入错误，予以更正' });

/** Applies the feed to a list keyed by credit code, checking the numbering as it goes. */
function follower() {
  const state = new Map<string, CreditEntry>();
  let last = 0;
  return {
    state,
    apply(changes: CreditChange[]) {
      for (const c of changes) {
        expect(c.seq, 'numbers follow each other without gaps or repeats').toBe(last + 1);
        last = c.seq;
        if (c.change === 'added') state.set(c.entry.creditCode, c.entry);
        else if (state.get(c.entry.creditCode)?.id === c.entry.id) state.delete(c.entry.creditCode);
      }
    },
    get last() {
      return last;
    },
  };
}

async function snapshotAll(as: keyof typeof keys) {
  const entries: CreditEntry[] = [];
  let cursor: string | undefined;
  let followFrom = '';
  do {
    const page = await call(as, 'GET', `/v1/credit/lists/blacklist?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status).toBe(200);
    entries.push(...page.body.items);
    followFrom ||= page.body.followFrom;
    expect(page.body.followFrom).toBe(followFrom);
    cursor = page.body.next;
  } while (cursor);
  return { entries, followFrom };
}

describe('the blacklist change feed', () => {
  it('brings a follower to exactly the list after 8 concurrent writers with slow commits', { timeout: 120_000 }, async () => {
    const expected = new Map<string, string>();
    let writing = true;

    // The follower polls all the time the writers write, from the very start of the feed.
    const a = follower();
    let cursor: string | undefined;
    const poll = async () => {
      const page = await call('reader', 'GET', `/v1/credit/lists/blacklist/changes?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      a.apply(page.body.items);
      cursor = page.body.cursor;
      return page.body.caughtUp as boolean;
    };
    const following = (async () => {
      while (writing) {
        if (await poll()) await pause(5);
      }
    })();

    // A second consumer starts from a snapshot taken while the writers are busy.
    const late = (async () => {
      await pause(300);
      return snapshotAll('reader');
    })();

    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let e = 0; e < 2; e++) {
        const code = makeCreditCode('91', '330402', `MA2F${w}${e}00`);
        const added = await call('writer', 'POST', '/v1/credit/lists/blacklist/entries', listing(code, `L-${w}-${e}`));
        expect(added.status, JSON.stringify(added.body)).toBe(201);
        expected.set(code, added.body.id);
        if (e === 0) {
          const removed = await call('writer', 'POST', `/v1/credit/lists/blacklist/enterprises/${code}/removal`, removal());
          expect(removed.status, JSON.stringify(removed.body)).toBe(200);
          expected.delete(code);
          // Re-listed: a new entry, the old one stays in the enterprise's history.
          const again = await call('writer', 'POST', '/v1/credit/lists/blacklist/entries', listing(code, `L-${w}-${e}-again`));
          expect(again.status).toBe(201);
          expect(again.body.id).not.toBe(added.body.id);
          expected.set(code, again.body.id);
        }
      }
    });
    try {
      await Promise.all(writers);
    } finally {
      writing = false;
      await following;
    }
    while (!(await poll()));

    // 8 writers x (2 additions + 1 removal + 1 re-listing) = 32 changes.
    expect(a.last).toBe(32);
    expect(new Map([...a.state].map(([code, entry]) => [code, entry.id]))).toEqual(expected);

    const snap = await snapshotAll('reader');
    expect(new Map(snap.entries.map((e) => [e.creditCode, e.id]))).toEqual(expected);

    const b = await late;
    const fromSnapshot = new Map(b.entries.map((e) => [e.creditCode, e]));
    let c: string = b.followFrom;
    for (;;) {
      const page = await call('reader', 'GET', `/v1/credit/lists/blacklist/changes?limit=50&cursor=${c}`);
      for (const ch of page.body.items as CreditChange[]) {
        if (ch.change === 'added') fromSnapshot.set(ch.entry.creditCode, ch.entry);
        else if (fromSnapshot.get(ch.entry.creditCode)?.id === ch.entry.id) fromSnapshot.delete(ch.entry.creditCode);
      }
      c = page.body.cursor;
      if (page.body.caughtUp) break;
    }
    expect(new Map([...fromSnapshot].map(([code, entry]) => [code, entry.id]))).toEqual(expected);
  });

  it('keeps a removed entry in the enterprise’s public history and lists it again as a new entry', async () => {
    const code = makeCreditCode('91', '330402', 'MA2G0001');
    const first = await call('writer', 'POST', '/v1/credit/lists/blacklist/entries', listing(code, 'H-1'));
    expect(first.body).toMatchObject({ plannedEnd: '2028-06-01', earliestRemoval: '2026-06-01', department: 'credit' });
    const replay = await call('writer', 'POST', '/v1/credit/lists/blacklist/entries', listing(code, 'H-1'));
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    expect((await call('writer', 'POST', '/v1/credit/lists/blacklist/entries', listing(code, 'H-2'))).status).toBe(409);

    const early = await call('writer', 'POST', `/v1/credit/lists/blacklist/enterprises/${code}/removal`, { ...removal(), reason: 'credit-repair', date: '2026-01-10' });
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual([expect.objectContaining({ path: '/date', code: 'too-early' })]);
    const repaired = await call('writer', 'POST', `/v1/credit/lists/blacklist/enterprises/${code}/removal`, { ...removal(), reason: 'credit-repair' });
    expect(repaired.body.removal).toMatchObject({ reason: 'credit-repair', department: 'credit' });
    const again = await call('writer', 'POST', '/v1/credit/lists/blacklist/entries', listing(code, 'H-3'));
    expect(again.status).toBe(201);

    const history = (await fetch(`${base}/v1/public/credit/lists/blacklist/enterprises/${code}`).then((r) => r.json())) as { current: CreditEntry; past: CreditEntry[] };
    expect(history.current.id).toBe(again.body.id);
    expect(history.past.map((e: CreditEntry) => [e.id, e.removal?.reason])).toEqual([[first.body.id, 'credit-repair']]);
  });

  it('is readable without a key as a public list, in pages and as NDJSON, and refuses a reader without the scope', async () => {
    const pub = await fetch(`${base}/v1/public/credit/lists/blacklist?limit=3`);
    expect(pub.status).toBe(200);
    const page = (await pub.json()) as { items: CreditEntry[]; followFrom: string };
    expect(page.items).toHaveLength(3);
    expect(page.followFrom).toEqual(expect.any(String));
    const nd = await fetch(`${base}/v1/public/credit/lists/blacklist?limit=1000&format=ndjson`);
    expect(nd.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await nd.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CreditEntry);
    expect(lines.map((e) => e.creditCode)).toEqual((await snapshotAll('reader')).entries.map((e) => e.creditCode));
    expect(nd.headers.get('x-follow-from')).toEqual(expect.any(String));
    expect((await call('reader', 'GET', '/v1/credit/lists/nolist/changes')).status).toBe(404);
    expect((await call('reader', 'GET', '/v1/credit/lists/blacklist/changes?cursor=bogus')).status).toBe(400);
    expect((await call('reader', 'POST', '/v1/credit/lists/blacklist/entries', listing(makeCreditCode('91', '330402', 'MA2G0002'), 'X-1'))).status).toBe(403);
  });
});
