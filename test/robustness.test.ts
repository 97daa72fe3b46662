/**
 * Whatever a department system sends, the answer is a clear 4xx or an acceptance, never a 500:
 * every field of every kind replaced by values of the wrong type, shape or size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filing, inspection, licence, makeCreditCode, penalty, registration } from '../local/samples';
import { startExchange, type TestExchange } from './helpers';

let ex: TestExchange;
beforeAll(async () => {
  ex = await startExchange();
});
afterAll(() => ex.close());

const WEIRD: unknown[] = [null, 0, -1, 1.5, 1e308, '', ' ', 'x'.repeat(5000), '\u0000', '😀', '2026-02-30', true, [], [null], {}, { nested: { deeper: [1] } }];

/** Every path to a value inside `value`, including the containers. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function replaced(value: unknown, path: (string | number)[], by: unknown): unknown {
  if (path.length === 0) return by;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path[path.length - 1]] = by;
  return copy;
}

describe('malformed records', () => {
  const code = makeCreditCode('91', '330402', 'MA2FUQQ0');
  const samples = [registration(code, 'F-1'), licence(code, 'F-2'), filing(code, 'F-3'), inspection(code, 'F-4'), penalty(code, 'F-5')];

  it('never get a 500', async () => {
    const statuses = new Map<number, number>();
    let i = 0;
    for (const sample of samples) {
      for (const [path, variant] of paths(sample)
        .filter((p) => p.length > 0)
        .flatMap((p) => [0, 5, 11].map((shift) => [p, shift] as const))) {
        // A fresh sourceId per variant, so a variant that happens to be valid does not collide.
        const body = { ...(replaced(sample, path, WEIRD[(i + variant) % WEIRD.length]) as object) };
        if (path[0] !== 'sourceId') (body as { sourceId: string }).sourceId = `F-${i}`;
        i++;
        const res = await ex.call('POST', '/v1/records', { body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${path.join('.')} = ${JSON.stringify(WEIRD[(i - 1 + variant) % WEIRD.length])?.slice(0, 40)}: ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    expect(i).toBeGreaterThan(250);
    expect(statuses.get(422)).toBeGreaterThan(200);
  }, 60_000);

  it.each([
    ['/v1/records/%00', 'GET'],
    ['/v1/records/rec_' + 'f'.repeat(500), 'GET'],
    ['/v1/enterprises/' + encodeURIComponent('９１３３０４０２ＭＡ２Ｂ４Ｔ１Ｘ８Ｑ'), 'GET'],
    ['/v1/enterprises/91330402MA2B4T1X8Q/records?cursor=' + 'A'.repeat(400), 'GET'],
    ['/v1/enterprises/91330402MA2B4T1X8Q/records?limit=-1', 'GET'],
    ['/v1/notifications/ntf_x/ack', 'POST'],
    ['/v1/subscriptions/sub_%2F..%2F', 'GET'],
  ])('%s (%s) gets a 4xx', async (path, method) => {
    const res = await ex.call(method, path, { as: 'supervision' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
