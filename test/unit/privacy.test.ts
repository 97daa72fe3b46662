/**
 * The privacy rule: every field of every record kind carries a privacy class, and masking,
 * summaries and events all follow it, including the individual-business case.
 */
import { describe, expect, it } from 'vitest';
import { recordEvent } from '../../functions/core/events';
import { fieldClasses, maskRecordData, personalPaths, summarySharing } from '../../functions/core/privacy';
import { summarise } from '../../functions/core/summary';
import type { StoredVersion } from '../../functions/core/model';
import { makeCreditCode, registration } from '../../local/samples';
import { RECORD_KINDS, SUMMARY_FIELDS } from '../../schemas/records';
import { SUMMARY_SHARING } from '../../schemas/summary-sharing';

const company = makeCreditCode('91', '330402', 'MA2UN1T1');
const individual = makeCreditCode('92', '330402', 'MA2UN1T2');

describe('privacy classes', () => {
  it('mark every field of every record kind', () => {
    for (const kind of RECORD_KINDS) {
      const unmarked = [...fieldClasses(kind)].filter(([, p]) => p === undefined).map(([path]) => path);
      expect(unmarked, kind).toEqual([]);
    }
  });

  it('keep free text, identity numbers and phones out of every summary', () => {
    for (const kind of RECORD_KINDS) {
      const shared = [...fieldClasses(kind)].filter(([path, p]) => (SUMMARY_FIELDS[kind] as readonly string[]).includes(path.split(/[.[]/)[0]) && p !== 'public' && p !== 'individual');
      expect(shared, kind).toEqual([]);
    }
  });

  it('are what the written-out summary table says, field by field and in order', () => {
    for (const kind of RECORD_KINDS) expect(Object.entries(SUMMARY_SHARING[kind]), kind).toEqual(Object.entries(summarySharing(kind)));
  });

  it('make the operator of an individual business, its name, address and capital personal', () => {
    expect(personalPaths('registration', company)).toEqual(['legalRepresentative.idDocument.number', 'legalRepresentative.phone']);
    expect(personalPaths('registration', individual)).toEqual([
      'name',
      'legalRepresentative.name',
      'legalRepresentative.idDocument.number',
      'legalRepresentative.phone',
      'address',
      'registeredCapitalFen',
    ]);
  });
});

describe('summaries, events and masking', () => {
  const data = registration(company, 'DJ-u').data;

  it('summarise a company with its name and address, an individual business without them', () => {
    expect(summarise('registration', data, company)).toMatchObject({ name: data.name, address: data.address });
    const s = summarise('registration', data, individual);
    expect(s).not.toHaveProperty('name');
    expect(s).not.toHaveProperty('address');
    expect(s).not.toHaveProperty('registeredCapitalFen');
    expect(s).toMatchObject({ regionCode: '330402', industryCode: data.industryCode });
  });

  it('filter an event summary stored under an older, wider rule', () => {
    const v = {
      id: 'rec_x',
      version: 1,
      kind: 'registration',
      creditCode: individual,
      department: 'market',
      date: data.date,
      receivedAt: '2026-11-27T02:00:00.000Z',
      summary: { ...data },
    } as unknown as StoredVersion;
    const text = JSON.stringify(recordEvent(v));
    for (const value of [data.name, data.address, data.legalRepresentative.name, data.legalRepresentative.idDocument?.number ?? '']) expect(text).not.toContain(value);
  });

  it('mask the operator, name and address of an individual business, not those of a company', () => {
    const masked = maskRecordData('registration', data, individual) as typeof data;
    expect(masked.name).not.toBe(data.name);
    expect(masked.address).not.toBe(data.address);
    expect(masked.legalRepresentative.name).not.toBe(data.legalRepresentative.name);
    expect(masked.legalRepresentative.idDocument).toMatchObject({ type: 'resident-id', number: '33************0027' });
    const plain = maskRecordData('registration', data, company) as typeof data;
    expect(plain).toMatchObject({ name: data.name, address: data.address, legalRepresentative: { name: data.legalRepresentative.name } });
  });
});
