/** The pure rules, table by table: each row is a case a department or supervisor would notice. */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { isNotificationId, notificationId, notificationTime } from '../../functions/core/ids';
import { canonicalJson } from '../../functions/core/ingest';
import { matches } from '../../functions/core/matching';
import type { RecordSummary } from '../../functions/core/model';
import { buildProfile } from '../../functions/core/profile';
import { chinaDate } from '../../functions/core/china-time';
import { fieldErrors, PARSE_OPTIONS, pointer } from '../../functions/core/validation';
import { notificationKey } from '../../functions/store/table';
import type { SubscriptionFilters } from '../../schemas/events';
import { ENTERPRISES } from '../../local/samples';

const code = ENTERPRISES.restaurant.creditCode; // 91 330402 ...

describe('subscription matching', () => {
  const licence = { kind: 'licence' as const, creditCode: code, summary: { catalogueItemCode: 'FOOD-01' } };
  const registration = (regionCode: string, industryCode: string): RecordSummary => ({
    id: 'rec_r',
    version: 1,
    kind: 'registration',
    creditCode: code,
    date: '2024-01-01',
    summary: { regionCode, industryCode },
    department: 'market',
    receivedAt: '2024-01-01T00:00:00Z',
  });
  it.each<[string, SubscriptionFilters, RecordSummary | undefined, boolean]>([
    ['no filters match everything', {}, undefined, true],
    ['kind listed', { kinds: ['licence', 'penalty'] }, undefined, true],
    ['kind not listed', { kinds: ['penalty'] }, undefined, false],
    ['on the watch list', { creditCodes: [code] }, undefined, true],
    ['not on the watch list', { creditCodes: ['91330402MA2C7Y3N0X'] }, undefined, false],
    ['catalogue item listed', { catalogueItemCodes: ['FOOD-01'] }, undefined, true],
    ['catalogue item not listed', { catalogueItemCodes: ['FOOD-02'] }, undefined, false],
    ['region from the credit code when no registration is known', { regionPrefixes: ['3304'] }, undefined, true],
    ['region from the registration wins over the credit code', { regionPrefixes: ['3304'] }, registration('110101', 'H6210'), false],
    ['industry section letter', { industryPrefixes: ['H'] }, registration('330402', '6210'), true],
    ['industry digits prefix', { industryPrefixes: ['62'] }, registration('330402', '6210'), true],
    ['other industry section', { industryPrefixes: ['C'] }, registration('330402', '6210'), false],
    ['industry filter without a known registration', { industryPrefixes: ['H'] }, undefined, false],
    ['every filter must hold', { kinds: ['licence'], regionPrefixes: ['11'] }, undefined, false],
  ])('%s', (_, filters, reg, expected) => {
    expect(matches(filters, { record: licence, registration: reg })).toBe(expected);
  });
});

describe('profile dates', () => {
  const licence = (id: string, validFrom: string, validTo: string, status = 'valid'): RecordSummary => ({
    id,
    version: 1,
    kind: 'licence',
    creditCode: code,
    date: validFrom,
    summary: { status, validFrom, validTo },
    department: 'health',
    receivedAt: '2026-01-01T00:00:00Z',
  });

  it.each([
    ['a UTC evening is already the next day in China', '2026-11-27T16:00:00Z', '2026-11-28'],
    ['just before midnight in China', '2026-11-27T15:59:59Z', '2026-11-27'],
    ['a UTC morning is the same day', '2026-11-27T00:00:00Z', '2026-11-27'],
  ])('%s', (_, at, date) => {
    expect(chinaDate(new Date(at))).toBe(date);
  });

  it.each([
    ['valid through its last day', '2020-01-01', '2026-11-27', 'valid', true],
    ['expired the day before', '2020-01-01', '2026-11-26', 'valid', false],
    ['valid from today', '2026-11-27', '2030-01-01', 'valid', true],
    ['not valid yet', '2026-11-28', '2030-01-01', 'valid', false],
    ['long-term (2099-12-31)', '2020-01-01', '2099-12-31', 'valid', true],
    ['revoked within its dates', '2020-01-01', '2030-01-01', 'revoked', false],
  ])('a licence %s counts as valid: %s..%s %s -> %s', (_, from, to, status, valid) => {
    const profile = buildProfile(code, [licence('rec_1', from, to, status)], '2026-11-27');
    expect(profile.counts.licence).toBe(1);
    expect(profile.counts.validLicence).toBe(valid ? 1 : 0);
    expect(profile.licences).toHaveLength(valid ? 1 : 0);
  });
});

describe('canonical JSON', () => {
  it.each([
    ['keys sorted at every level', { b: 1, a: { d: 2, c: [{ f: 1, e: 2 }] } }, '{"a":{"c":[{"e":2,"f":1}],"d":2},"b":1}'],
    ['undefined members dropped', { a: 1, b: undefined }, '{"a":1}'],
    ['array order kept', [3, 1, 2], '[3,1,2]'],
    ['strings escaped as JSON', { 名称: '禾味"餐饮"' }, '{"名称":"禾味\\"餐饮\\""}'],
    ['null kept', { a: null }, '{"a":null}'],
  ])('%s', (_, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('is the same for the same content in any key order', () => {
    expect(canonicalJson({ x: 1, y: { p: 1, q: 2 } })).toBe(canonicalJson({ y: { q: 2, p: 1 }, x: 1 }));
  });
});

describe('notification ids and keys', () => {
  it.each([
    ['2026-11-27T10:00:00.123Z', 'ntf_20261127100000123_0123456789abcdef'],
    ['2026-01-01T00:00:00.000Z', 'ntf_20260101000000000_0123456789abcdef'],
  ])('an id carries its event time %s', (time, id) => {
    expect(notificationId(time, '0123456789abcdef')).toBe(id);
    expect(isNotificationId(id)).toBe(true);
    expect(notificationTime(id)).toBe(time);
    expect(notificationKey('health', id)).toEqual({ PK: 'INBOX#health', SK: `N#${time}#${id}` });
  });

  it.each(['ntf_2026112710000012_0123456789abcdef', 'ntf_20261127100000123_0123456789ABCDEF', 'evt_20261127100000123_0123456789abcdef', ''])('%j is not a notification id', (id) => {
    expect(isNotificationId(id)).toBe(false);
    expect(() => notificationTime(id)).toThrow(/not a notification id/);
  });
});

describe('field errors', () => {
  const schema = z.strictObject({ name: z.string(), data: z.strictObject({ 'a/b': z.number(), list: z.array(z.number()).optional() }) });
  const errorsOf = (value: unknown) => {
    const r = schema.safeParse(value, PARSE_OPTIONS);
    return r.success ? [] : fieldErrors(r.error);
  };

  it.each<[string, unknown, { path: string; code: string }[]]>([
    ['a missing field is "required"', { data: { 'a/b': 1 } }, [{ path: '/name', code: 'required' }]],
    ['a wrong type names the type', { name: 1, data: { 'a/b': 1 } }, [{ path: '/name', code: 'invalid-type' }]],
    ['an unknown field is named by its own path', { name: 'x', data: { 'a/b': 1 }, extra: true }, [{ path: '/extra', code: 'unknown-field' }]],
    ['"/" in a key is escaped as in JSON pointer', { name: 'x', data: { 'a/b': 'no' } }, [{ path: '/data/a~1b', code: 'invalid-type' }]],
    ['array items are numbered', { name: 'x', data: { 'a/b': 1, list: [1, 'two'] } }, [{ path: '/data/list/1', code: 'invalid-type' }]],
    [
      'every bad field is named',
      { data: { 'a/b': 'no', zz: 1 } },
      [
        { path: '/name', code: 'required' },
        { path: '/data/a~1b', code: 'invalid-type' },
        { path: '/data/zz', code: 'unknown-field' },
      ],
    ],
  ])('%s', (_, value, expected) => {
    expect(errorsOf(value).map(({ path, code }) => ({ path, code }))).toEqual(expect.arrayContaining(expected));
    expect(errorsOf(value)).toHaveLength(expected.length);
  });

  it('escapes "~" before "/" in a pointer', () => {
    expect(pointer(['a~/b', 0])).toBe('/a~0~1b/0');
  });
});
