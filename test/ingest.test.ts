/**
 * Department systems post records: validation against the national standards, idempotency,
 * corrections with history, batches, scopes, and bad input that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AUTHORITIES, ENTERPRISES, filing, inspection, licence, makeCreditCode, penalty, registration } from '../local/samples';
import { addCreditCodeException } from '../functions/core/credit-code-exceptions';
import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalJson } from '../functions/core/ingest';
import { documentClient } from '../functions/store/aws';
import { recordKey } from '../functions/store/table';
import { startExchange, type TestExchange } from './helpers';

let ex: TestExchange;
beforeAll(async () => {
  ex = await startExchange();
});
afterAll(() => ex.close());

const code = ENTERPRISES.restaurant.creditCode;
const wrong18th = (c: string) => c.slice(0, 17) + (c[17] === '0' ? '1' : '0');

describe('posting one record', () => {
  it('accepts a valid licence with provenance and a Location', async () => {
    const res = await ex.call('POST', '/v1/records', { body: licence(code, 'XK-1') });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/records/${res.body.id}`);
    expect(res.body).toMatchObject({ version: 1, kind: 'licence', creditCode: code, sourceId: 'XK-1', warnings: [] });
    expect(res.body.provenance).toMatchObject({ department: 'market', clientId: ex.clientIds.market });
    expect(Date.parse(res.body.provenance.receivedAt)).not.toBeNaN();
  });

  it('accepts each of the five kinds', async () => {
    const c = makeCreditCode('91', '330402', 'MA2F1WE0');
    for (const r of [registration(c, 'K-1'), licence(c, 'K-2'), filing(c, 'K-3'), inspection(c, 'K-4'), penalty(c, 'K-5')]) {
      const res = await ex.call('POST', '/v1/records', { body: r });
      expect(res.status, `${r.kind}: ${JSON.stringify(res.body)}`).toBe(201);
    }
    const profile = await ex.call('GET', `/v1/enterprises/${c}`);
    expect(profile.body.counts).toMatchObject({ registration: 1, licence: 1, filing: 1, inspection: 1, penalty: 1 });
  });

  it('returns the same record when the same content is posted again, and stores it once', async () => {
    const body = inspection(code, 'JC-replay');
    const first = await ex.call('POST', '/v1/records', { body });
    const again = await ex.call('POST', '/v1/records', { body });
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const record = await ex.call('GET', `/v1/records/${first.body.id}`);
    expect(record.body.versions).toHaveLength(1);
  });

  it('treats the same content with keys in another order as the same post', async () => {
    const body = filing(code, 'BA-order');
    const first = await ex.call('POST', '/v1/records', { body });
    const reordered = Object.fromEntries(Object.entries({ ...body, data: Object.fromEntries(Object.entries(body.data).reverse()) }).reverse());
    const again = await ex.call('POST', '/v1/records', { body: reordered });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers 409 to different content under the same id, and keeps the original', async () => {
    const first = await ex.call('POST', '/v1/records', { body: licence(code, 'XK-conflict') });
    const res = await ex.call('POST', '/v1/records', { body: licence(code, 'XK-conflict', { status: 'revoked' }) });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: '/problems/record-exists', status: 409, currentVersion: 1, recordId: first.body.id });
    const record = await ex.call('GET', `/v1/records/${first.body.id}`);
    expect(record.body.data.status).toBe('valid');
  });

  it('lets the same sourceId be used by two departments as two records', async () => {
    const a = await ex.call('POST', '/v1/records', { body: inspection(code, 'JC-shared-id') });
    const b = await ex.call('POST', '/v1/records', { as: 'transport', body: inspection(code, 'JC-shared-id', { department: AUTHORITIES.transport.name }) });
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
  });
});

describe('corrections', () => {
  it('supersedes the named version and keeps the history', async () => {
    const v1 = await ex.call('POST', '/v1/records', { body: licence(code, 'XK-fix') });
    const v2 = await ex.call('POST', '/v1/records', { body: { ...licence(code, 'XK-fix', { status: 'revoked' }), corrects: 1 } });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ id: v1.body.id, version: 2, corrects: 1 });
    const record = await ex.call('GET', `/v1/records/${v1.body.id}`);
    expect(record.body.version).toBe(2);
    expect(record.body.data.status).toBe('revoked');
    expect(record.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(record.body.versions[1]).toMatchObject({ supersededBy: 2, data: { status: 'valid' } });

    // The profile shows only the current version.
    const history = await ex.call('GET', `/v1/enterprises/${code}/records?kind=licence&limit=100`);
    const entries = history.body.items.filter((i: { id: string }) => i.id === v1.body.id);
    expect(entries).toEqual([expect.objectContaining({ version: 2, status: 'revoked' })]);
  });

  it('replays a correction posted twice', async () => {
    await ex.call('POST', '/v1/records', { body: penalty(code, 'CF-fix') });
    const body = { ...penalty(code, 'CF-fix', { fineFen: 6_000_000 }), corrects: 1 };
    const first = await ex.call('POST', '/v1/records', { body });
    const again = await ex.call('POST', '/v1/records', { body });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('rejects a correction of a stale version with 409 naming the current one', async () => {
    await ex.call('POST', '/v1/records', { body: filing(code, 'BA-stale') });
    await ex.call('POST', '/v1/records', { body: { ...filing(code, 'BA-stale', { filingNumber: 'N2' }), corrects: 1 } });
    const res = await ex.call('POST', '/v1/records', { body: { ...filing(code, 'BA-stale', { filingNumber: 'N3' }), corrects: 1 } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: '/problems/stale-version', currentVersion: 2 });
  });

  it('rejects a correction of a record that does not exist', async () => {
    const res = await ex.call('POST', '/v1/records', { body: { ...filing(code, 'BA-missing'), corrects: 1 } });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('/problems/correction-target-missing');
  });

  it('lets exactly one of two concurrent corrections of the same version win', async () => {
    await ex.call('POST', '/v1/records', { body: inspection(code, 'JC-race') });
    const [a, b] = await Promise.all([
      ex.call('POST', '/v1/records', { body: { ...inspection(code, 'JC-race', { result: 'corrected-on-order' }), corrects: 1 } }),
      ex.call('POST', '/v1/records', { body: { ...inspection(code, 'JC-race', { result: 'pending-follow-up' }), corrects: 1 } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const winner = a.status === 201 ? a : b;
    const record = await ex.call('GET', `/v1/records/${winner.body.id}`);
    expect(record.body.versions).toHaveLength(2);
    expect(record.body.data.result).toBe(winner.body.data.result);
  });
});

describe('national standards', () => {
  it('rejects a wrong 18th check character, naming the field and the right character', async () => {
    const res = await ex.call('POST', '/v1/records', { body: { ...licence(code, 'XK-bad18'), creditCode: wrong18th(code) } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/creditCode', code: 'credit-code-check', message: expect.stringContaining(code[17]) })]);
  });

  it('accepts a wrong inner organisation-code check character with a warning', async () => {
    // Flip the 17th character and recompute the 18th: GB 32100 passes, GB 11714 does not.
    const { creditCodeCheckChar } = await import('../schemas/credit-code');
    const first17 = code.slice(0, 16) + (code[16] === '1' ? '2' : '1');
    const innerWrong = first17 + creditCodeCheckChar(first17);
    const res = await ex.call('POST', '/v1/records', { body: { ...inspection(code, 'JC-inner'), creditCode: innerWrong } });
    expect(res.status).toBe(201);
    expect(res.body.warnings).toEqual([expect.objectContaining({ path: '/creditCode', code: 'org-code-check' })]);
  });

  it('lets a code on the administrator-kept exception list in, and no other with a wrong check character', async () => {
    const pilot = wrong18th(makeCreditCode('91', '350200', 'M0001234'));
    const typo = wrong18th(makeCreditCode('91', '350200', 'M0001235'));
    await addCreditCodeException(ex.ports, { creditCode: pilot, reason: 'pilot issuance, verified with the registry', addedBy: 'admin', addedAt: '2026-11-27T00:00:00Z' });
    const ok = await ex.call('POST', '/v1/records', { body: { ...inspection(code, 'JC-pilot'), creditCode: pilot } });
    expect(ok.status).toBe(201);
    expect(ok.body.warnings).toEqual([expect.objectContaining({ code: 'credit-code-exception' })]);
    const no = await ex.call('POST', '/v1/records', { body: { ...inspection(code, 'JC-typo'), creditCode: typo } });
    expect(no.status).toBe(422);
  });

  it('checks region and industry codes exist, warning on a retired region code', async () => {
    const c = makeCreditCode('91', '330402', 'MA2REG01');
    const bad = await ex.call('POST', '/v1/records', { body: { ...registration(c, 'DJ-codes'), data: { ...registration(c, 'DJ-codes').data, regionCode: '330499', industryCode: '6219' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/data/industryCode', '/data/regionCode']);

    const old = await ex.call('POST', '/v1/records', { body: { ...registration(c, 'DJ-old'), data: { ...registration(c, 'DJ-old').data, regionCode: '110103' } } });
    expect(old.status).toBe(201);
    expect(old.body.warnings).toEqual([expect.objectContaining({ path: '/data/regionCode', code: 'retired-region-code', message: expect.stringContaining('110101') })]);
  });

  it('accepts industry codes at every level and rejects a class that does not exist', async () => {
    const c = makeCreditCode('91', '330402', 'MA2JND01');
    for (const [i, industryCode] of ['H', '62', '621', '6210'].entries()) {
      const r = registration(c, `DJ-ind-${i}`, { industryCode });
      expect((await ex.call('POST', '/v1/records', { body: r })).status).toBe(201);
    }
    const r = { ...registration(c, 'DJ-ind-x'), data: { ...registration(c, 'DJ-ind-x').data, industryCode: '6219' } };
    expect((await ex.call('POST', '/v1/records', { body: r })).status).toBe(422);
  });

  it('names every bad field at once: impossible dates, money not in integer fen, rule violations', async () => {
    const p = penalty(code, 'CF-bad');
    const res = await ex.call('POST', '/v1/records', {
      body: { ...p, data: { ...p.data, decisionDate: '2025-02-29', fineFen: 50.5, confiscationFen: -1, categories: ['fine'], publicUntil: 'soon' } },
    });
    expect(res.status).toBe(422);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/data/decisionDate', '/data/fineFen', '/data/confiscationFen', '/data/publicUntil']));
  });

  it('enforces cross-field rules of the standard', async () => {
    const res = await ex.call('POST', '/v1/records', { body: { ...licence(code, 'XK-dates'), data: { ...licence(code, 'XK-dates').data, validFrom: '2026-01-01', validTo: '2025-01-01' } } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/data/validTo' })]);
  });
});

describe('bad input changes nothing', () => {
  const profileCount = async (c: string) => (await ex.call('GET', `/v1/enterprises/${c}`)).status;
  const fresh = makeCreditCode('91', '330402', 'MA2BAD00');

  it.each([
    ['malformed JSON', { rawBody: '{"kind": "licence",', headers: { 'content-type': 'application/json' } }, 400, '/problems/bad-request'],
    ['a non-JSON content type', { rawBody: 'kind=licence', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, '/problems/unsupported-media-type'],
    ['an unknown field', { body: { ...inspection(fresh, 'JC-u'), note: 'x' } }, 422, '/problems/validation-failed'],
    ['an unknown kind', { body: { ...inspection(fresh, 'JC-k'), kind: 'permit' } }, 422, '/problems/validation-failed'],
    ['a JSON array', { body: [inspection(fresh, 'JC-a')] }, 422, '/problems/validation-failed'],
    ['an oversized body', { body: { ...inspection(fresh, 'JC-big'), data: { ...inspection(fresh, 'JC-big').data, resultDetail: 'x'.repeat(70_000) } } }, 413, '/problems/payload-too-large'],
  ])('%s gets a problem response', async (_name, opts, status, type) => {
    const res = await ex.call('POST', '/v1/records', opts);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type, status, title: expect.any(String), detail: expect.any(String) });
    expect(await profileCount(fresh)).toBe(404);
  });

  it('names the unknown field and the unknown kind', async () => {
    const unknownField = await ex.call('POST', '/v1/records', { body: { ...inspection(fresh, 'JC-u'), note: 'x' } });
    expect(unknownField.body.errors).toEqual([{ path: '/note', message: 'unknown field', code: 'unknown-field' }]);
    const unknownKind = await ex.call('POST', '/v1/records', { body: { ...inspection(fresh, 'JC-k'), kind: 'permit' } });
    expect(unknownKind.body.errors).toEqual([expect.objectContaining({ path: '/kind', code: 'invalid-discriminator' })]);
  });
});

describe('scopes', () => {
  it('refuses a kind the client may not post', async () => {
    const res = await ex.call('POST', '/v1/records', { as: 'transport', body: penalty(code, 'CF-transport') });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('records:write:penalty');
  });

  it('refuses to let a client post as another department', async () => {
    const res = await ex.call('POST', '/v1/records', { as: 'transport', body: { ...inspection(code, 'JC-as'), department: 'market' } });
    expect(res.status).toBe(403);
    const own = await ex.call('POST', '/v1/records', { as: 'transport', body: { ...inspection(code, 'JC-as'), department: 'transport' } });
    expect(own.status).toBe(201);
    expect(own.body.provenance.department).toBe('transport');
  });

  it('needs an API key', async () => {
    const res = await ex.call('POST', '/v1/records', { as: null, body: inspection(code, 'JC-anon') });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });
});

describe('batches', () => {
  it('gives each record its own result and lets good ones through past bad ones', async () => {
    const c = makeCreditCode('91', '330402', 'MA2BAT01');
    const good = inspection(c, 'JC-b1');
    const res = await ex.call('POST', '/v1/records/batch', {
      body: { records: [good, { ...inspection(c, 'JC-b2'), creditCode: wrong18th(c) }, licence(c, 'XK-b3'), good, penalty(c, 'CF-b5')] },
      as: 'transport',
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([201, 422, 201, 201, 403]);
    expect(res.body.results[1].problem.errors[0].path).toBe('/creditCode');
    expect(res.body.counts).toEqual({ created: 2, replayed: 1, rejected: 2 });
    expect(res.body.results[0].record.id).toBe(res.body.results[3].record.id);
    expect((await ex.call('GET', `/v1/enterprises/${c}`)).body.counts).toMatchObject({ inspection: 1, licence: 1, penalty: 0 });
  });

  it('refuses a record over 64 KB inside a batch, alone', async () => {
    const c = makeCreditCode('91', '330402', 'MA2BAT04');
    const big = { ...inspection(c, 'JC-big'), data: { ...inspection(c, 'JC-big').data, resultDetail: '很'.repeat(30_000) } };
    const res = await ex.call('POST', '/v1/records/batch', { body: { records: [big, inspection(c, 'JC-small')] } });
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([413, 201]);
    expect(res.body.results[0].problem.type).toBe('/problems/payload-too-large');
  });

  it('takes at most 100 records', async () => {
    const c = makeCreditCode('91', '330402', 'MA2BAT02');
    const records = Array.from({ length: 101 }, (_, i) => inspection(c, `JC-${i}`));
    const res = await ex.call('POST', '/v1/records/batch', { body: { records } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe('/records');
    expect((await ex.call('GET', `/v1/enterprises/${c}`)).status).toBe(404);
  });

  it('accepts 100 records in one call', async () => {
    const c = makeCreditCode('91', '330402', 'MA2BAT03');
    const records = Array.from({ length: 100 }, (_, i) => inspection(c, `JC-${i}`, { date: `2025-0${1 + (i % 9)}-1${i % 10}` }));
    const res = await ex.call('POST', '/v1/records/batch', { body: { records } });
    expect(res.body.counts).toEqual({ created: 100, replayed: 0, rejected: 0 });
    expect((await ex.call('GET', `/v1/enterprises/${c}`)).body.counts.inspection).toBe(100);
  });
});

describe('content hash', () => {
  // What an unkeyed fingerprint would be: anyone holding the masked record could test guesses against it.
  const plainSha256 = (r: { kind: string; creditCode?: string; data: unknown }) =>
    createHash('sha256')
      .update(canonicalJson({ kind: r.kind, creditCode: r.creditCode, data: r.data }))
      .digest('hex');

  it('gives a caller without personal:read no hash to test guesses at a masked identity number against', async () => {
    const c = makeCreditCode('91', '330402', 'MA2HA5H1');
    const body = registration(c, 'DJ-hash');
    const posted = await ex.call('POST', '/v1/records', { body });
    expect(posted.status).toBe(201);
    expect(posted.body.provenance.contentHash).toBeUndefined();

    const masked = await ex.call('GET', `/v1/records/${posted.body.id}`);
    expect(masked.body.data.legalRepresentative.idDocument.number).toBe('33************0027');
    expect(masked.body.provenance).not.toHaveProperty('contentHash');
    expect(masked.body.versions[0].provenance).not.toHaveProperty('contentHash');

    const clear = await ex.call('GET', `/v1/records/${posted.body.id}`, { as: 'supervision' });
    const hash: string = clear.body.provenance.contentHash;
    expect(hash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    // Even the full plaintext does not reproduce it without the exchange's key.
    expect(hash).not.toContain(plainSha256(body));
    const seenByMarket = JSON.stringify([posted.body, masked.body]);
    expect(seenByMarket).not.toContain(hash.slice('hmac-sha256:'.length));
    expect(seenByMarket).not.toContain(plainSha256(body));
  });

  it('still recognises a replay, and refuses other content, of a record stored with the older unkeyed hash', async () => {
    const body = licence(code, 'XK-old-hash');
    const first = await ex.call('POST', '/v1/records', { body });
    // As a version stored before hashes were keyed carries it.
    const db = documentClient(inject('dynamodbEndpoint'));
    await db.send(new UpdateCommand({ TableName: ex.table, Key: recordKey(first.body.id, 1), UpdateExpression: 'SET contentHash = :h', ExpressionAttributeValues: { ':h': plainSha256(body) } }));
    const stored = await ex.call('GET', `/v1/records/${first.body.id}`, { as: 'supervision' });
    expect(stored.body.provenance.contentHash).toBe(plainSha256(body));

    const again = await ex.call('POST', '/v1/records', { body });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toMatchObject({ id: first.body.id, version: 1 });

    const other = await ex.call('POST', '/v1/records', { body: licence(code, 'XK-old-hash', { status: 'revoked' }) });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ type: '/problems/record-exists', currentVersion: 1 });

    // A correction that repeats the stored content is a replay too; one that changes it gets a keyed hash.
    const sameAsStored = await ex.call('POST', '/v1/records', { body: { ...body, corrects: 1 } });
    expect(sameAsStored.headers.get('idempotent-replayed')).toBe('true');
    const fixed = await ex.call('POST', '/v1/records', { body: { ...licence(code, 'XK-old-hash', { status: 'revoked' }), corrects: 1 } });
    expect(fixed.status).toBe(201);
    expect(fixed.body.version).toBe(2);
    const after = await ex.call('GET', `/v1/records/${first.body.id}`, { as: 'supervision' });
    expect(after.body.versions.map((v: { provenance: { contentHash: string } }) => v.provenance.contentHash)).toEqual([expect.stringMatching(/^hmac-sha256:/), plainSha256(body)]);
  });
});
