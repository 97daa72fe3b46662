/**
 * Push and feedback end to end, on the real local services: subscriptions, stream fan-out,
 * signed webhook delivery to a real HTTP receiver, pull, acknowledgement and feedback.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Notification, Subscription } from '../schemas/events';
import { filing, inspection, licence, makeCreditCode, penalty, registration } from '../local/samples';
import { WebhookReceiver } from '../local/receiver';
import { createClient } from '../functions/core/clients';
import { startExchange, waitFor, type TestClient, type TestExchange } from './helpers';

let ex: TestExchange;
const receiver = new WebhookReceiver();
/** Every line the api logged, for the test that no personal data reaches a log. */
const apiLog: string[] = [];

beforeAll(async () => {
  ex = await startExchange({ push: {}, log: (line) => apiLog.push(JSON.stringify(line)) });
  await receiver.start();
});
afterAll(async () => {
  await ex.close();
  await receiver.stop();
});

async function subscribe(as: TestClient, body: Record<string, unknown>) {
  const res = await ex.call('POST', '/v1/subscriptions', { as, body: { purpose: `test: ${String(body.name)}`, ...body } });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  if (res.body.webhookSecret) receiver.expect(new URL(res.body.webhook.url).pathname, res.body.webhookSecret);
  return res.body;
}
/** For waitFor: an empty list is "not yet". */
const some = <T>(xs: T[]) => (xs.length ? xs : undefined);
const inbox = async (as: TestClient, query = '') => (await ex.call('GET', `/v1/inbox${query}`, { as })).body.items as Notification[];
const post = async (body: unknown, as: TestClient = 'market') => {
  const res = await ex.call('POST', '/v1/records', { as, body });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body;
};

describe('subscriptions', () => {
  it('are created with a secret shown once, listed, paused and deleted by their own department only', async () => {
    const created = await ex.call('POST', '/v1/subscriptions', {
      as: 'credit',
      body: { name: '处罚归集', purpose: '行政处罚信息归集', filters: { kinds: ['penalty'] }, webhook: { url: receiver.url('/hooks/credit-a') } },
    });
    expect(created.status).toBe(201);
    expect(created.body.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    expect(created.body.webhook.secretHint).toBe(created.body.webhookSecret.slice(-4));
    const id = created.body.id;

    const listed = await ex.call('GET', '/v1/subscriptions', { as: 'credit' });
    expect(listed.body.items.map((s: { id: string }) => s.id)).toContain(id);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.webhookSecret);
    // The table keeps the secret only sealed, and listings (what fan-out and the overdue job read) not even that.
    const stored = await ex.ports.subscriptions.get('credit', id);
    expect(stored?.webhook?.sealedSecret).toBeDefined();
    expect(JSON.stringify(stored)).not.toContain(created.body.webhookSecret.slice(6));
    expect(JSON.stringify(await ex.ports.subscriptions.list())).not.toContain('sealedSecret');
    expect(Subscription.safeParse(listed.body.items[0]).success).toBe(true);

    expect((await ex.call('GET', `/v1/subscriptions/${id}`, { as: 'health' })).status).toBe(404);
    expect((await ex.call('DELETE', `/v1/subscriptions/${id}`, { as: 'health' })).status).toBe(404);

    const paused = await ex.call('PATCH', `/v1/subscriptions/${id}`, { as: 'credit', body: { status: 'paused' } });
    expect(paused.body.status).toBe('paused');
    expect(paused.body.webhookSecret).toBeUndefined();

    const rotated = await ex.call('POST', `/v1/subscriptions/${id}/rotate-secret`, { as: 'credit' });
    expect(rotated.body.webhookSecret).toMatch(/^whsec_/);
    expect(rotated.body.webhookSecret).not.toBe(created.body.webhookSecret);

    expect((await ex.call('DELETE', `/v1/subscriptions/${id}`, { as: 'credit' })).status).toBe(204);
    expect((await ex.call('GET', `/v1/subscriptions/${id}`, { as: 'credit' })).status).toBe(404);
  });

  it('name every bad filter, and need the scope', async () => {
    const bad = await ex.call('POST', '/v1/subscriptions', {
      as: 'credit',
      body: { name: '', filters: { kinds: ['permit'], regionPrefixes: ['3'], industryPrefixes: ['Z9'] }, webhook: { url: 'ftp://x' } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      ['/filters/industryPrefixes/0', '/filters/kinds/0', '/filters/regionPrefixes/0', '/name', '/purpose', '/webhook/url'].sort(),
    );
    expect((await ex.call('POST', '/v1/subscriptions', { as: 'transport', body: { name: 'x' } })).status).toBe(403);
  });

  it('refuse plain-http and private webhook targets on a strict exchange', async () => {
    const strict = await startExchange();
    try {
      for (const url of ['http://example.gov.cn/hook', 'https://127.0.0.1/hook', 'https://10.1.2.3/hook', 'https://169.254.169.254/latest', 'https://[::1]/x']) {
        const res = await strict.call('POST', '/v1/subscriptions', { as: 'credit', body: { name: 'x', purpose: 'p', webhook: { url } } });
        expect(res.status, url).toBe(422);
      }
      expect((await strict.call('POST', '/v1/subscriptions', { as: 'credit', body: { name: 'x', purpose: 'p', webhook: { url: 'https://credit.example.gov.cn/hook' } } })).status).toBe(201);
    } finally {
      await strict.close();
    }
  });
});

describe('fan-out and delivery', () => {
  it('pushes a signed CloudEvent to the subscribed department, and to nobody else', async () => {
    const code = makeCreditCode('91', '330402', 'MA2PU5H1');
    const sub = await subscribe('health', { name: '南湖检查', filters: { kinds: ['inspection'], regionPrefixes: ['3304'] }, webhook: { url: receiver.url('/hooks/health-1') } });
    const record = await post(inspection(code, 'JC-push-1'));

    const got = await waitFor(() => receiver.received.find((r) => r.event.subject === code && r.path === '/hooks/health-1'), 15_000, 'the webhook');
    expect(got.event).toMatchObject({
      specversion: '1.0',
      type: 'cn.edx.record.created',
      subject: code,
      source: `/v1/records/${record.id}`,
      datacontenttype: 'application/json',
      data: { recordId: record.id, version: 1, kind: 'inspection', postedBy: 'market', summary: { result: 'no-problem' } },
    });
    expect(got.id).toMatch(/^ntf_/);

    const items = await waitFor(async () => some((await inbox('health')).filter((n) => n.event.subject === code && n.delivery.status === 'delivered')));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ reasons: [`subscription:${sub.id}`], delivery: { mode: 'webhook', attempts: 1, subscriptionId: sub.id } });
    expect(Notification.safeParse(items[0]).success).toBe(true);
    expect((await inbox('market')).filter((n) => n.event.subject === code)).toEqual([]);
    expect((await inbox('credit')).filter((n) => n.event.subject === code)).toEqual([]);
  });

  it('never carries personal data in an event', async () => {
    const code = makeCreditCode('91', '330402', 'MA2PU5H2');
    await subscribe('credit', { name: '监视', filters: { creditCodes: [code] } });
    await post(penalty(code, 'CF-push-2'));
    const [n] = await waitFor(async () => some((await inbox('credit')).filter((i) => i.event.subject === code)));
    expect(JSON.stringify(n)).not.toContain('330402198805120027');
    expect(n.delivery).toMatchObject({ mode: 'pull', status: 'none' });
  });

  it('carries no personal field or free text of an individual business in an event, a webhook body or a log line', async () => {
    const lines: string[] = [];
    let marketHook: { id: string } | undefined;
    const spies = (['log', 'info', 'warn', 'error'] as const).map((m) => vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))));
    try {
      // A 个体工商户: its name is the operator's, its address often a home.
      const code = makeCreditCode('92', '330402', 'MA2PR1W9');
      const secret = {
        businessName: '南湖区张记明粮油店',
        operator: '张记明',
        idNumber: '330402199003070419',
        phone: '13900571234',
        address: '浙江省嘉兴市南湖区新兴街道家园路8号3幢201室',
        facts: '经营者张记明在其住所销售过期食用油',
        comment: '已约谈经营者张记明,电话13900571234',
      };
      const credit = await subscribe('credit', { name: '个体户监视', filters: { creditCodes: [code] }, webhook: { url: receiver.url('/hooks/credit-individual') } });
      marketHook = await subscribe('market', { name: '反馈回执', filters: { creditCodes: [makeCreditCode('91', '110101', 'MA2N0NE2')] }, webhook: { url: receiver.url('/hooks/market-individual') } });
      const operator = { name: secret.operator, idDocument: { type: 'resident-id' as const, number: secret.idNumber } };
      await post(registration(code, 'DJ-priv', { name: secret.businessName, legalRepresentative: { ...operator, phone: secret.phone }, address: secret.address, registeredCapitalFen: 3_000_000 }));
      await post(penalty(code, 'CF-priv', { facts: secret.facts, legalRepresentative: operator }));
      const pushed = await waitFor(() => {
        const mine = receiver.received.filter((r) => r.event.subject === code);
        return mine.length >= 2 ? mine : undefined;
      });
      const registered = pushed.find((r) => r.event.data.kind === 'registration');
      expect(registered?.event.data.summary).toMatchObject({ regionCode: '330402', industryCode: '6210', action: 'establish' });
      expect(Object.keys(registered?.event.data.summary as object)).not.toContain('name');

      const [n] = await waitFor(async () => some((await inbox('credit', '?limit=100')).filter((i) => i.event.subject === code && i.reasons.includes(`subscription:${credit.id}`))));
      expect((await ex.call('POST', `/v1/notifications/${n.id}/feedback`, { as: 'credit', body: { outcome: 'inspected', comment: secret.comment } })).status).toBe(201);
      // The poster reads the comment in its own inbox; the event and its webhook only say there is one.
      const [back] = await waitFor(async () => some((await inbox('market', '?limit=100')).filter((i) => i.event.type === 'cn.edx.notification.feedback' && i.event.subject === code)));
      expect(back.comment).toBe(secret.comment);
      expect(back.event.data.feedback).toMatchObject({ outcome: 'inspected', hasComment: true });
      const feedbackPush = await waitFor(() => receiver.received.find((r) => r.event.type === 'cn.edx.notification.feedback' && r.event.subject === code));

      const events = [...pushed, feedbackPush].map((r) => JSON.stringify(r.event));
      events.push(...(await inbox('credit', '?limit=100')).filter((i) => i.event.subject === code).map((i) => JSON.stringify(i.event)), JSON.stringify(back.event));
      const profile = await ex.call('GET', `/v1/enterprises/${code}`, { as: 'credit' });
      expect(profile.body.name).toBeNull();
      for (const [what, text] of [
        ['events and webhook bodies', events.join('\n')],
        ['log lines', [...lines, ...apiLog].join('\n')],
        ['the profile', JSON.stringify(profile.body)],
      ]) {
        for (const [field, value] of Object.entries(secret)) expect(text, `${field} in ${what}`).not.toContain(value);
        expect(text, `capital in ${what}`).not.toContain('registeredCapitalFen');
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
      // Feedback to market goes to its first active webhook: leave that to the other tests.
      if (marketHook) await ex.call('PATCH', `/v1/subscriptions/${marketHook.id}`, { as: 'market', body: { status: 'paused' } });
    }
  });

  it('matches industry and region through the enterprise registration, and catalogue items on the record', async () => {
    const restaurant = makeCreditCode('91', '330402', 'MA2PU5H3');
    const haulier = makeCreditCode('91', '330411', 'MA2PU5H4');
    const catering = await subscribe('supervision', { name: '餐饮', filters: { industryPrefixes: ['H'], kinds: ['licence'] } });
    const roads = await subscribe('supervision', { name: '道路运输', filters: { industryPrefixes: ['54'], regionPrefixes: ['330411'] } });
    const food = await subscribe('supervision', { name: '食品许可事项', filters: { catalogueItemCodes: ['ZJ-SC-FOOD-01'] } });

    await post(registration(restaurant, 'DJ-p3', { industryCode: '6210' }));
    await post(registration(haulier, 'DJ-p4', { industryCode: '5431', regionCode: '330411' }));
    await waitFor(async () => (await inbox('supervision')).some((n) => n.event.subject === haulier));
    await post(licence(restaurant, 'XK-p3'));
    await post(licence(haulier, 'XK-p4', { catalogueItemCode: 'ZJ-JT-ROAD-02' }));

    const reasonsFor = async (code: string, kind: string) => {
      const n = await waitFor(async () => (await inbox('supervision', '?limit=100')).find((i) => i.event.subject === code && i.event.data.kind === kind));
      return n.reasons.sort();
    };
    expect(await reasonsFor(restaurant, 'licence')).toEqual([`subscription:${catering.id}`, `subscription:${food.id}`].sort());
    expect(await reasonsFor(haulier, 'licence')).toEqual([`subscription:${roads.id}`]);
    expect(await reasonsFor(haulier, 'registration')).toEqual([`subscription:${roads.id}`]);
    expect((await inbox('supervision', '?limit=100')).some((i) => i.event.subject === restaurant && i.event.data.kind === 'registration')).toBe(false);
  });

  it('sends a corrected record as a corrected event with a new id', async () => {
    const code = makeCreditCode('91', '330402', 'MA2PU5H5');
    await subscribe('credit', { name: '更正', filters: { creditCodes: [code] } });
    await post(inspection(code, 'JC-p5'));
    await post({ ...inspection(code, 'JC-p5', { result: 'corrected-on-order' }), corrects: 1 });
    const items = await waitFor(async () => {
      const all = (await inbox('credit', '?limit=100')).filter((i) => i.event.subject === code);
      return all.length === 2 ? all : undefined;
    });
    expect(items.map((i) => i.event.type).sort()).toEqual(['cn.edx.record.corrected', 'cn.edx.record.created']);
    expect(new Set(items.map((i) => i.event.id)).size).toBe(2);
  });

  it('stops pushing to a paused subscription', async () => {
    const code = makeCreditCode('91', '330402', 'MA2PU5H6');
    const sub = await subscribe('supervision', { name: '暂停', filters: { kinds: ['filing'], creditCodes: [code] }, webhook: { url: receiver.url('/hooks/paused') } });
    await ex.call('PATCH', `/v1/subscriptions/${sub.id}`, { as: 'supervision', body: { status: 'paused' } });
    await post(filing(code, 'BA-p6'));
    const marker = makeCreditCode('91', '330402', 'MA2PU5H7');
    await subscribe('supervision', { name: '标记', filters: { kinds: ['filing'], creditCodes: [marker] } });
    await post(filing(marker, 'BA-p7'));
    await waitFor(async () => (await inbox('supervision', '?limit=100')).some((n) => n.event.subject === marker));
    expect((await inbox('supervision', '?limit=100')).some((n) => n.event.subject === code)).toBe(false);
    expect(receiver.received.some((r) => r.path === '/hooks/paused')).toBe(false);
  });
});

describe('receiving is reading', () => {
  it('needs profiles:read to subscribe, like reading the records does', async () => {
    const { apiKey } = await createClient(ex.ports, { department: 'culture', name: '区文化和旅游局', scopes: ['subscriptions:manage', 'inbox:read'] });
    const res = await ex.call('POST', '/v1/subscriptions', { as: null, headers: { authorization: `Bearer ${apiKey}` }, body: { name: '全部', purpose: '了解', filters: {} } });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('profiles:read');
  });

  it('logs each pushed and pulled record event once as an access under the subscription purpose', async () => {
    const code = makeCreditCode('91', '330402', 'MA2L0G01');
    await subscribe('credit', { name: '推送留痕', purpose: '信用监管: 行政处罚归集', filters: { creditCodes: [code] }, webhook: { url: receiver.url('/hooks/credit-log') } });
    await subscribe('supervision', { name: '拉取留痕', purpose: '综合监管: 重点企业', filters: { creditCodes: [code] } });
    await post(penalty(code, 'CF-log'));
    await waitFor(() => receiver.received.find((r) => r.path === '/hooks/credit-log' && r.event.subject === code));
    const [pulled] = await waitFor(async () => some((await inbox('supervision', '?limit=100')).filter((n) => n.event.subject === code)));
    await inbox('supervision', '?limit=100'); // a second pull of the same notification
    expect((await ex.call('GET', `/v1/notifications/${pulled.id}`, { as: 'supervision' })).status).toBe(200);

    const log = await waitFor(async () => {
      const items = (await ex.call('GET', `/v1/enterprises/${code}/access-log`, { as: 'supervision' })).body.items as { channel?: string; resource: string }[];
      const received = items.filter((e) => e.resource.startsWith('notification:'));
      return received.some((e) => e.channel === 'push') ? received : undefined;
    });
    expect(log).toHaveLength(2);
    expect(log.find((e) => e.channel === 'push')).toMatchObject({ department: 'credit', clientId: ex.clientIds.credit, purpose: '信用监管: 行政处罚归集' });
    expect(log.find((e) => e.channel === 'pull')).toMatchObject({
      department: 'supervision',
      clientId: ex.clientIds.supervision,
      purpose: '综合监管: 重点企业',
      resource: `notification:${pulled.id}`,
    });
  });

  it('stops at once when the subscribing client loses profiles:read', async () => {
    const code = makeCreditCode('91', '330402', 'MA2RE701');
    // A client of its own: the shared credit client's scopes stay whole for the other tests (the api caches clients).
    const { client, apiKey } = await createClient(ex.ports, { department: 'credit', name: '撤销测试', scopes: ['subscriptions:manage', 'profiles:read', 'inbox:read'] });
    const created = await ex.call('POST', '/v1/subscriptions', {
      as: null,
      headers: { authorization: `Bearer ${apiKey}` },
      body: { name: '撤销', purpose: 'test: 撤销', filters: { creditCodes: [code] }, webhook: { url: receiver.url('/hooks/credit-revoked') } },
    });
    expect(created.status).toBe(201);
    receiver.expect('/hooks/credit-revoked', created.body.webhookSecret);
    await subscribe('supervision', { name: '撤销对照', filters: { creditCodes: [code] } });
    await ex.ports.clients.put({ ...client, scopes: client.scopes.filter((s) => s !== 'profiles:read') });
    await post(inspection(code, 'JC-revoked'));
    await waitFor(async () => some((await inbox('supervision', '?limit=100')).filter((n) => n.event.subject === code)));
    await new Promise((r) => setTimeout(r, 500));
    expect((await inbox('credit', '?limit=100')).filter((n) => n.event.subject === code)).toEqual([]);
    expect(receiver.received.filter((r) => r.path === '/hooks/credit-revoked')).toEqual([]);
  });
});

describe('pull, acknowledgement and feedback', () => {
  it('lists open notifications oldest first, resumably, until acknowledged', async () => {
    const code = makeCreditCode('91', '330402', 'MA2PULL1');
    await subscribe('credit', { name: '拉取', filters: { creditCodes: [code] } });
    for (let i = 0; i < 5; i++) await post(inspection(code, `JC-pull-${i}`, { date: `2026-0${i + 1}-01` }));
    await waitFor(async () => (await inbox('credit', '?open=true&limit=100')).filter((n) => n.event.subject === code).length === 5);

    const seen: Notification[] = [];
    let cursor = '';
    do {
      const res = await ex.call('GET', `/v1/inbox?open=true&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: 'credit' });
      seen.push(...res.body.items);
      cursor = res.body.next ?? '';
    } while (cursor);
    const mine = seen.filter((n) => n.event.subject === code);
    expect(mine.map((n) => n.event.data.date)).toEqual(['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01']);

    const first = await ex.call('POST', `/v1/notifications/${mine[0].id}/ack`, { as: 'credit' });
    expect(first.status).toBe(200);
    expect(first.body.acknowledgedBy).toBe(ex.clientIds.credit);
    const again = await ex.call('POST', `/v1/notifications/${mine[0].id}/ack`, { as: 'credit' });
    expect(again.body.acknowledgedAt).toBe(first.body.acknowledgedAt);
    const open = (await inbox('credit', '?open=true&limit=100')).filter((n) => n.event.subject === code);
    expect(open.map((n) => n.id)).toEqual(mine.slice(1).map((n) => n.id));
    expect((await inbox('credit', '?limit=100')).filter((n) => n.event.subject === code)).toHaveLength(5);

    expect((await ex.call('POST', `/v1/notifications/${mine[1].id}/ack`, { as: 'health' })).status).toBe(404);

    // Reading the inbox does not allow acting on it: that takes inbox:act.
    const { apiKey } = await createClient(ex.ports, { department: 'credit', name: '只读', scopes: ['inbox:read', 'profiles:read'] });
    const readOnly = { as: null, headers: { authorization: `Bearer ${apiKey}` } };
    expect((await ex.call('GET', `/v1/notifications/${mine[1].id}`, readOnly)).status).toBe(200);
    for (const [path, body] of [
      [`/v1/notifications/${mine[1].id}/ack`, undefined],
      [`/v1/notifications/${mine[1].id}/feedback`, { outcome: 'inspected' }],
      ['/v1/deliveries/redrive', undefined],
    ] as const) {
      const refused = await ex.call('POST', path, { ...readOnly, body });
      expect(refused.status, path).toBe(403);
      expect(refused.body.detail).toContain('inbox:act');
    }
    expect((await ex.call('GET', `/v1/notifications/${mine[1].id}`, { as: 'credit' })).body.acknowledgedAt).toBeUndefined();
    expect((await ex.call('GET', '/v1/inbox?cursor=garbage', { as: 'credit' })).status).toBe(400);
  });

  it('delivers feedback to the department that posted the record', async () => {
    const code = makeCreditCode('91', '330402', 'MA2FDBK1');
    await subscribe('health', { name: '反馈', filters: { creditCodes: [code] } });
    const market = await subscribe('market', { name: '反馈接收', filters: { creditCodes: [makeCreditCode('91', '110101', 'MA2N0NE1')] }, webhook: { url: receiver.url('/hooks/market') } });
    await post(licence(code, 'XK-fb'));
    const [n] = await waitFor(async () => some((await inbox('health', '?limit=100')).filter((i) => i.event.subject === code)));

    const bad = await ex.call('POST', `/v1/notifications/${n.id}/feedback`, { as: 'health', body: { outcome: 'whatever' } });
    expect(bad.status).toBe(422);
    const fb = await ex.call('POST', `/v1/notifications/${n.id}/feedback`, { as: 'health', body: { outcome: 'taken-into-supervision', comment: '已纳入日常监管' } });
    expect(fb.status).toBe(201);
    expect(fb.body.acknowledgedAt).toBeDefined();
    await ex.call('POST', `/v1/notifications/${n.id}/feedback`, { as: 'health', body: { outcome: 'taken-into-supervision', comment: '已纳入日常监管' } });

    const pushed = await waitFor(() => receiver.received.find((r) => r.path === '/hooks/market' && r.event.type === 'cn.edx.notification.feedback' && r.event.subject === code));
    expect(pushed.event.data).toMatchObject({ from: 'health', feedback: { outcome: 'taken-into-supervision', hasComment: true, department: 'health' } });
    expect(JSON.stringify(pushed.event)).not.toContain('已纳入日常监管');
    const marketInbox = await waitFor(async () => some((await inbox('market', '?limit=100')).filter((i) => i.event.type === 'cn.edx.notification.feedback' && i.event.subject === code)));
    expect(marketInbox).toHaveLength(1);
    expect(marketInbox[0]).toMatchObject({ reasons: ['feedback'], comment: '已纳入日常监管', delivery: { subscriptionId: market.id } });
  });
});
