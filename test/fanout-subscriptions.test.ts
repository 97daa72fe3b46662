/**
 * Fan-out's subscription set: a department may hold only so many subscriptions, and fan-out reads
 * the set once per change of it rather than once per stream batch, measured in read units.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { fanoutBatch, SubscriptionSet, type FanoutConfig, type StreamChange } from '../functions/core/fanout';
import { createSubscription, STRICT_WEBHOOKS } from '../functions/core/subscriptions';
import type { CatalogueChange } from '../functions/core/model';
import { runtimePorts } from '../functions/runtime';
import { newTable, startExchange, type TestExchange } from './helpers';

describe('the cap on subscriptions per department', () => {
  let ex: TestExchange;
  beforeAll(async () => {
    ex = await startExchange({ app: { subscriptions: { maxPerDepartment: 3 } } });
  });
  afterAll(() => ex.close());

  const body = (n: number) => ({ name: `处罚 ${n}`, purpose: '行政处罚信息归集', filters: { kinds: ['penalty'] } });

  it('refuses the subscription over the cap with a 409 naming the cap, stores nothing, and leaves other departments alone', async () => {
    for (let n = 1; n <= 3; n++) expect((await ex.call('POST', '/v1/subscriptions', { as: 'credit', body: body(n) })).status).toBe(201);
    const over = await ex.call('POST', '/v1/subscriptions', { as: 'credit', body: body(4) });
    expect(over.status).toBe(409);
    expect(over.headers.get('content-type')).toContain('application/problem+json');
    expect(over.body).toMatchObject({ type: '/problems/subscription-limit', status: 409, limit: 3, held: 3 });
    expect(over.body.detail).toContain('(3)');
    expect((await ex.call('GET', '/v1/subscriptions', { as: 'credit' })).body.items).toHaveLength(3);
    // Another department has a cap of its own.
    expect((await ex.call('POST', '/v1/subscriptions', { as: 'health', body: body(1) })).status).toBe(201);
  });

  it('lets the department subscribe again once it deleted one', async () => {
    const [first] = (await ex.call('GET', '/v1/subscriptions', { as: 'credit' })).body.items;
    expect((await ex.call('DELETE', `/v1/subscriptions/${first.id}`, { as: 'credit' })).status).toBe(204);
    expect((await ex.call('POST', '/v1/subscriptions', { as: 'credit', body: body(5) })).status).toBe(201);
    expect((await ex.call('POST', '/v1/subscriptions', { as: 'credit', body: body(6) })).status).toBe(409);
  });
});

describe('the subscription set fan-out keeps between batches', () => {
  const reads: { op: string; units: number }[] = [];
  let now = Date.parse('2026-11-27T08:00:00Z');
  let ports: ReturnType<typeof runtimePorts>;
  const config: FanoutConfig = { ackWithinHours: 72, supervisingDepartment: 'supervision', subscriptionCheckMs: 5_000 };
  const readUnits = (op: string) => reads.filter((r) => r.op === op).reduce((sum, r) => sum + r.units, 0);
  const listings = () => reads.filter((r) => r.op === 'QueryCommand').length;

  let seq = 0;
  /** A batch of one catalogue change: it is matched against the subscriptions and nothing else. */
  const batch = (): StreamChange[] => {
    seq++;
    const change: CatalogueChange = {
      code: 'ZJ-SC-FOOD-01',
      effectiveFrom: '2027-01-01',
      at: new Date(now + seq).toISOString(),
      change: 'amended',
      name: '食品经营许可',
      reformMode: 'optimised',
      by: { seed: 'test' },
    };
    return [{ eventName: 'INSERT', sequenceNumber: String(seq), after: { type: 'catalogue-change', value: change } }];
  };

  beforeAll(async () => {
    const { table, dynamodbEndpoint } = await newTable();
    ports = runtimePorts({
      table,
      dynamodbEndpoint,
      clock: { now: () => new Date(now) },
      store: { onCapacity: (op, capacity: ConsumedCapacity[]) => reads.push(...capacity.map((c) => ({ op, units: c.CapacityUnits ?? 0 }))) },
    });
    // Twenty departments' worth of subscriptions, each with a realistic filter, all asking for the catalogue.
    for (let d = 0; d < 20; d++) {
      const client = {
        clientId: `cdept${String(d).padStart(8, '0')}`,
        department: `dept-${d}`,
        name: `部门 ${d}`,
        scopes: ['subscriptions:manage', 'profiles:read', 'inbox:read'],
        keyHash: '',
        createdAt: '',
      } as const;
      await createSubscription(
        ports,
        { ...client, scopes: [...client.scopes] },
        { name: '许可事项清单', purpose: '许可事项目录维护', filters: { kinds: ['catalogue'], regionPrefixes: ['3304'], industryPrefixes: ['H'] } },
        STRICT_WEBHOOKS,
      );
    }
  });

  it('reads the whole set once, then only the one-item revision at most every check interval', async () => {
    const set = new SubscriptionSet(ports, config.subscriptionCheckMs);
    reads.length = 0;
    const first = await fanoutBatch(ports, batch(), config, set);
    expect(first.notifications).toBe(20);
    const coldListing = readUnits('QueryCommand');
    expect(listings()).toBe(1);
    expect(coldListing).toBeGreaterThan(1);

    // Nine more batches within the check interval: no subscription read at all.
    reads.length = 0;
    for (let i = 0; i < 9; i++) {
      now += 400;
      expect((await fanoutBatch(ports, batch(), config, set)).notifications).toBe(20);
    }
    expect(listings()).toBe(0);
    expect(readUnits('GetItemCommand')).toBe(0);

    // After the interval, one strongly consistent read of the revision (1 RCU) and no listing.
    now += 5_000;
    await fanoutBatch(ports, batch(), config, set);
    expect(listings()).toBe(0);
    expect(readUnits('GetItemCommand')).toBe(1);
  });

  it('a new subscription receives every record fanned out once the check interval has passed since it was created', async () => {
    const set = new SubscriptionSet(ports, config.subscriptionCheckMs);
    await fanoutBatch(ports, batch(), config, set);
    const newcomer = { clientId: 'cnewcomer0000', department: 'newcomer', name: '新部门', scopes: ['subscriptions:manage' as const, 'profiles:read' as const], keyHash: '', createdAt: '' };
    const sub = await createSubscription(ports, newcomer, { name: '清单', purpose: '许可事项目录维护', filters: { kinds: ['catalogue'] } }, STRICT_WEBHOOKS);

    reads.length = 0;
    now += 5_000;
    const after = await fanoutBatch(ports, batch(), config, set);
    expect(after.notifications).toBe(21);
    expect(listings()).toBe(1);
    const inbox = await ports.notifications.open('newcomer');
    expect(inbox.map((n) => n.reasons)).toEqual([[`subscription:${sub.id}`]]);

    // Subscriptions written at the same moment all land, though each moves the one revision item.
    const before = await ports.subscriptions.revision();
    const rush = Array.from({ length: 8 }, (_, i) => ({ ...newcomer, clientId: `crush${String(i).padStart(8, '0')}`, department: `rush-${i}` }));
    await Promise.all(rush.map((c) => createSubscription(ports, c, { name: '清单', purpose: '许可事项目录维护', filters: { kinds: ['penalty'] } }, STRICT_WEBHOOKS)));
    expect(await ports.subscriptions.revision()).toBe(before + 8);
    expect((await ports.subscriptions.list()).filter((x) => x.department.startsWith('rush-'))).toHaveLength(8);

    // A deletion is seen the same way: the department receives nothing more.
    await ports.subscriptions.delete('newcomer', sub.id);
    now += 5_000;
    expect((await fanoutBatch(ports, batch(), config, set)).notifications).toBe(20);
  });
});
