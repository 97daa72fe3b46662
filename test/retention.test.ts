/**
 * Retention and erasure: notifications and access-log entries carry the expiry the table's TTL
 * deletes them at (DynamoDB Local never deletes, so the attribute itself is checked), and an
 * administrator's erasure replaces a personal field in every stored version with a tombstone.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main as erase } from '../local/erase';
import { makeCreditCode, inspection, registration } from '../local/samples';
import { documentClient } from '../functions/store/aws';
import { accessLogKey, notificationKey, recordKey } from '../functions/store/table';
import { commandRunner, startExchange, waitFor, type TestExchange } from './helpers';

let ex: TestExchange;
const db = documentClient(inject('dynamodbEndpoint'));
const run = commandRunner(erase);
const DAY = 86_400;

beforeAll(async () => {
  ex = await startExchange({ push: {}, retention: { notificationDays: 30, accessLogDays: 400 } });
  process.env.TABLE_NAME = ex.table;
  process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
});
afterAll(() => ex.close());

const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

describe('retention', () => {
  it('marks each notification and access-log entry with its expiry, counted from its own time', async () => {
    const code = makeCreditCode('91', '330402', 'MA2RT001');
    const sub = await ex.call('POST', '/v1/subscriptions', { as: 'health', body: { name: '留存', purpose: 'test: retention', filters: { creditCodes: [code] } } });
    expect(sub.status).toBe(201);
    expect((await ex.call('POST', '/v1/records', { body: inspection(code, 'JC-ttl') })).status).toBe(201);
    const [n] = await waitFor(async () => {
      const items = (await ex.call('GET', '/v1/inbox', { as: 'health' })).body.items as { id: string; createdAt: string }[];
      return items.length ? items : undefined;
    });
    const stored = (await db.send(new GetCommand({ TableName: ex.table, Key: notificationKey('health', n.id) }))).Item;
    expect(stored?.expiresAtEpoch).toBe(epoch(n.createdAt) + 30 * DAY);
    expect(n).not.toHaveProperty('expiresAtEpoch');

    expect((await ex.call('GET', `/v1/enterprises/${code}`, { purpose: 'test: retention' })).status).toBe(200);
    const entries = (
      await db.send(new QueryCommand({ TableName: ex.table, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :a)', ExpressionAttributeValues: { ':pk': accessLogKey(code, 1).PK, ':a': 'S' } }))
    ).Items;
    // The profile read and the pull of the notification, each kept 400 days from when it happened.
    expect(entries?.length).toBeGreaterThanOrEqual(2);
    for (const e of entries ?? []) expect(e.expiresAtEpoch).toBe(epoch(e.at) + 400 * DAY);
    const log = await ex.call('GET', `/v1/enterprises/${code}/access-log`, { as: 'supervision' });
    expect(log.body.items.length).toBe(entries?.length);
    for (const e of log.body.items) expect(e).not.toHaveProperty('expiresAtEpoch');
  });
});

describe('erasure', () => {
  const ID_NUMBER = '330402198805120027';
  const FIELD = 'legalRepresentative.idDocument.number';
  const REASON = '经营者身份证号码误录入法定代表人栏';

  it('replaces a personal field in every stored version with a tombstone and logs it; replays still work', async () => {
    const code = makeCreditCode('91', '330402', 'MA2ER001');
    const first = registration(code, 'DJ-erase');
    const posted = await ex.call('POST', '/v1/records', { body: first });
    const correction = { ...registration(code, 'DJ-erase', { address: '浙江省嘉兴市南湖区南湖街道中山东路1210号' }), corrects: 1 };
    expect((await ex.call('POST', '/v1/records', { body: correction })).status).toBe(201);
    const id: string = posted.body.id;

    const fields = await run('fields', id);
    expect(fields.code).toBe(0);
    expect(fields.text).toContain(FIELD);
    expect(fields.text).not.toMatch(/^\s+name$/m);

    const erased = await run(id, FIELD, '--reason', REASON, '--by', 'admin-zhang');
    expect(erased.code).toBe(0);
    expect(erased.text).toContain('version 1: erased');
    expect(erased.text).toContain('version 2: erased');

    const tombstone = { erased: { at: expect.any(String), by: 'admin-zhang', reason: REASON } };
    for (const as of ['supervision', 'market'] as const) {
      const read = await ex.call('GET', `/v1/records/${id}`, { as });
      expect(read.body.versions).toHaveLength(2);
      for (const v of read.body.versions) {
        expect(v.data.legalRepresentative.idDocument).toEqual({ type: 'resident-id', number: tombstone });
        expect(v.data.legalRepresentative.name).toBe('王丽华');
      }
      expect(JSON.stringify(read.body)).not.toContain(ID_NUMBER);
    }
    for (const version of [1, 2]) {
      const item = (await db.send(new GetCommand({ TableName: ex.table, Key: recordKey(id, version) }))).Item;
      expect(JSON.stringify(item)).not.toContain(ID_NUMBER);
    }
    expect((await ex.call('GET', `/v1/enterprises/${code}`)).status).toBe(200);

    const log = await ex.call('GET', `/v1/enterprises/${code}/access-log`, { as: 'supervision' });
    expect(log.body.items).toContainEqual(expect.objectContaining({ resource: `erasure:${id}:${FIELD}`, clientId: 'admin-zhang', department: 'administrator', purpose: REASON }));

    // The department's retry of what it posted is recognised (and answered with the erased record); other content is still a conflict.
    const replay = await ex.call('POST', '/v1/records', { body: correction });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.data.legalRepresentative.idDocument.number).toEqual(tombstone);
    const other = await ex.call('POST', '/v1/records', { body: registration(code, 'DJ-erase', { address: '浙江省嘉兴市南湖区建国路1号' }) });
    expect(other.status).toBe(409);

    // Erasing again finds nothing left to erase and logs nothing new.
    const again = await run(id, FIELD, '--reason', REASON, '--by', 'admin-zhang');
    expect(again.text).toContain('nothing erased');
    const after = await ex.call('GET', `/v1/enterprises/${code}/access-log`, { as: 'supervision' });
    expect(after.body.items.filter((e: { resource: string }) => e.resource.startsWith('erasure:'))).toHaveLength(1);
  });

  it('refuses a field that is not personal, and prints its usage on bad input', async () => {
    const code = makeCreditCode('91', '330402', 'MA2ER002');
    const posted = await ex.call('POST', '/v1/records', { body: registration(code, 'DJ-erase-2') });
    await expect(run(posted.body.id, 'address', '--reason', REASON, '--by', 'admin-zhang')).rejects.toMatchObject({ errors: [expect.objectContaining({ path: 'field' })] });
    const usage = await run(posted.body.id, FIELD, '--reason', REASON);
    expect(usage.code).toBe(2);
    expect(usage.text).toContain('usage: npm run erase');
    const read = await ex.call('GET', `/v1/records/${posted.body.id}`, { as: 'supervision' });
    expect(read.body.data.address).toBe('浙江省嘉兴市南湖区南湖街道中山东路1208号');
    expect(read.body.data.legalRepresentative.idDocument.number).toBe(ID_NUMBER);
  });
});
