/**
 * The national standards as pure functions: credit code check characters, code lists, masking.
 */
import { describe, expect, it } from 'vitest';
import { checkCreditCode, creditCodeCheckChar, entityKind, orgCodeCheckChar } from '../schemas/credit-code';
import { division, industryName } from '../schemas/refdata/index';
import { RECORD_KINDS, SUMMARY_FIELDS } from '../schemas/records';
import { maskText, personalPaths } from '../functions/core/privacy';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts published codes', () => {
    for (const code of ['91350100M000100Y43', '91110000100006485K']) expect(checkCreditCode(code)).toEqual({ valid: true, innerCheckOk: true });
  });

  it('computes the 18th character with weights 3^i mod 31', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckChar('91110000100006485')).toBe('K');
  });

  it('computes the GB 11714 check with X for 10 and 0 for 11', () => {
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
    expect(orgCodeCheckChar('10000648')).toBe('5');
    const values = new Set(Array.from({ length: 400 }, (_, i) => orgCodeCheckChar(String(10_000_000 + i * 7919).slice(0, 8))));
    expect(values.has('X')).toBe(true);
    expect([...values].every((v) => /^[0-9X]$/.test(v))).toBe(true);
  });

  it('rejects I, O, S, V, Z and wrong lengths as format errors', () => {
    for (const code of ['91350100M000100YI3', '9135010OM000100Y43', '91350100M000100Y4', '91350100M000100Y433']) {
      expect(checkCreditCode(code)).toEqual({ valid: false, reason: 'format' });
    }
  });

  it('tells a wrong 18th character from a wrong inner one', () => {
    expect(checkCreditCode('91350100M000100Y44')).toEqual({ valid: false, reason: 'check-char' });
    const first17 = '91350100M000100Y5';
    expect(checkCreditCode(first17 + creditCodeCheckChar(first17))).toEqual({ valid: true, innerCheckOk: false });
  });

  it('reads the kind of market entity from characters 1-2', () => {
    expect(['91', '92', '93', '12'].map((p) => entityKind(p + '0'.repeat(16)))).toEqual(['enterprise', 'individual-business', 'farmers-cooperative', 'other']);
  });
});

describe('code lists', () => {
  it('knows current and retired administrative divisions (GB/T 2260)', () => {
    expect(division('330402')).toEqual({ status: 'current', code: '330402', name: '南湖区' });
    expect(division('110103')).toMatchObject({ status: 'retired', name: '崇文区', lastYear: 2010, successors: ['110101'] });
    expect(division('500105')).toMatchObject({ status: 'retired' }); // removed in the Nov 2025 Chongqing change
    expect(division('500157')).toMatchObject({ status: 'current' });
    expect(division('999999')).toBeUndefined();
  });

  it('knows sections, divisions, groups and classes of GB/T 4754-2017', () => {
    expect(['H', '62', '621', '6210'].map(industryName)).toEqual(['住宿和餐饮业', '餐饮业', '正餐服务', '正餐服务']);
    expect(industryName('6219')).toBeUndefined();
  });
});

describe('personal data', () => {
  it('masks all but the edges of a value', () => {
    expect(maskText('330402198805120027')).toBe('33************0027');
    expect(maskText('13857321046')).toBe('13*****1046');
    expect(maskText('王丽')).toBe('**');
  });

  it('marks identity numbers and phones personal, and no summary field is personal', () => {
    expect(personalPaths('registration')).toEqual(['legalRepresentative.idDocument.number', 'legalRepresentative.phone']);
    for (const kind of RECORD_KINDS) {
      const roots = personalPaths(kind).map((p) => p.split('.')[0]);
      expect(SUMMARY_FIELDS[kind].filter((f) => roots.includes(f))).toEqual([]);
    }
  });
});
