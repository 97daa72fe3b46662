/** Online entry and file import: record bodies as flat fields and CSV rows, and back. */
import { describe, expect, it } from 'vitest';
import { recordExamples } from '../../schemas/examples';
import { RECORD_KINDS, RecordInput } from '../../schemas/records';
import { bodyFrom, fieldsOf, parseCsv, placeErrors, templateCsv, textsOf } from '../../functions/console/fields';
import { excelDate, NotXlsx, readXlsx } from '../../functions/console/xlsx';
import { xlsxOf } from '../fakes/xlsx';

describe('record fields', () => {
  it.each(RECORD_KINDS)('a %s example survives the trip through its template row', (kind) => {
    const example = recordExamples()[kind];
    const [header, row] = parseCsv(templateCsv(kind, example));
    expect(header[0]).toBe('sourceId');
    const values = Object.fromEntries(header.map((h, i) => [`/${h}`, row[i]]));
    const body = bodyFrom(kind, values, /\|/);
    expect(body).toEqual(example);
    expect(RecordInput.safeParse(body).success).toBe(true);
  });

  it('name fields by the paths validation errors carry, with the Chinese labels and choices of the schema', () => {
    const licence = fieldsOf('licence');
    expect(licence.find((f) => f.path === '/data/category')).toMatchObject({ label: '许可类别', type: 'choice', required: true, options: expect.arrayContaining([['ordinary', '普通']]) });
    expect(licence.find((f) => f.path === '/data/decisionDate')).toMatchObject({ type: 'date', required: true });
    expect(licence.find((f) => f.path === '/data/legalRepresentative/idDocument/number')).toMatchObject({ required: false });
    expect(fieldsOf('registration').find((f) => f.path === '/data/businessScope/licensed')).toMatchObject({ type: 'list', label: '许可项目' });
  });

  it('keep text that does not convert, so the schema reports it; leave empty fields out', () => {
    const body = bodyFrom('penalty', { '/sourceId': 'CF-1', '/data/fineFen': '5万', '/data/decisionNumber': '  ' });
    expect(body).toEqual({ kind: 'penalty', sourceId: 'CF-1', data: { fineFen: '5万' } });
    expect(bodyFrom('registration', { '/data/businessScope/licensed': '餐饮服务\n\n食品销售 ' })).toMatchObject({ data: { businessScope: { licensed: ['餐饮服务', '食品销售'] } } });
  });

  it('place every error next to a field: its own, the first under an object, or the list it is in', () => {
    const errors = [{ path: '/data/validTo' }, { path: '/data/legalRepresentative' }, { path: '/data/nope' }];
    const { byField, general } = placeErrors('licence', errors);
    expect(byField.get('/data/validTo')).toEqual([errors[0]]);
    expect(byField.get('/data/legalRepresentative/name')).toEqual([errors[1]]);
    expect(general).toEqual([errors[2]]);
    expect(placeErrors('registration', [{ path: '/data/businessScope/licensed/1' }]).byField.get('/data/businessScope/licensed')).toHaveLength(1);
  });

  it('read CSV as spreadsheet programs write it', () => {
    expect(parseCsv('\uFEFFa,b,c\r\n"x, ""y""",2,"line\nbreak"\r\n\r\n,,\n3,4,5')).toEqual([
      ['a', 'b', 'c'],
      ['x, "y"', '2', 'line\nbreak'],
      ['3', '4', '5'],
    ]);
    expect(textsOf('registration', recordExamples().registration)['/data/businessScope/general']).toContain('|');
  });
});

describe('XLSX import', () => {
  it('reads the first worksheet as rows of text, and day numbers of date columns as dates', () => {
    const rows = readXlsx(xlsxOf([['sourceId', 'data/date', 'data/department'], ['BA-1', 46351, '嘉兴市南湖区 <市场> & "监管"'], [], ['BA-2', '2026-11-20', '']]));
    expect(rows).toEqual([
      ['sourceId', 'data/date', 'data/department'],
      ['BA-1', '46351', '嘉兴市南湖区 <市场> & "监管"'],
      ['BA-2', '2026-11-20', ''],
    ]);
    expect(excelDate('46351')).toBe('2026-11-25');
    expect(excelDate('45658')).toBe('2025-01-01');
    expect(excelDate('2026-11-20')).toBe('2026-11-20');
  });

  it('refuses what is not a spreadsheet', () => {
    expect(() => readXlsx(Buffer.from('PK not really'))).toThrow(NotXlsx);
  });
});
