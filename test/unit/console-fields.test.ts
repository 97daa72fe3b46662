/** Online entry and file import: record bodies as flat fields and CSV rows, and back. */
import { describe, expect, it } from 'vitest';
import { recordExamples } from '../../schemas/examples';
import { RECORD_KINDS, RecordInput } from '../../schemas/records';
import { bodyFrom, fieldsOf, fileReader, parseCsv, placeErrors, templateCsv, textsOf } from '../../functions/console/fields';
import { chineseMessage } from '../../functions/console/messages';
import { excelDate, NotXlsx, readXlsx } from '../../functions/console/xlsx';
import { xlsxOf } from '../fakes/xlsx';

describe('record fields', () => {
  it.each(RECORD_KINDS)('a %s example survives the trip through its template row', (kind) => {
    const example = recordExamples()[kind];
    const [header, row] = parseCsv(templateCsv(kind, example));
    expect(header[0]).toBe('sourceId');
    const body = fileReader(kind, header).body(row);
    expect(body).toEqual(example);
    expect(RecordInput.safeParse(body).success).toBe(true);
  });

  it('read licences and penalties in the 双公示 layout, and files written with field paths as before', () => {
    const penalty = recordExamples().penalty;
    const [header] = parseCsv(templateCsv('penalty', penalty));
    expect(header).toEqual(expect.arrayContaining(['CF_WSH', 'CF_CFLB', 'CF_NR_FK', 'CF_JDRQ', 'CF_GSJZQ']));
    expect(header).not.toContain('data/fineFen');
    // Amounts in 万元, categories by their Chinese names separated by ;, the source unit ignored.
    const standard = fileReader('penalty', ['sourceId', 'CF_NR_FK', 'CF_CFLB', 'CF_SJLY', 'XK_NOPE']);
    expect(standard.unknown).toEqual(['XK_NOPE']);
    expect(standard.body(['CF-9', '0.05', '警告;罚款', '某局', ''])).toEqual({ kind: 'penalty', sourceId: 'CF-9', data: { fineFen: 50_000, categories: ['warning', 'fine'] } });
    const paths = fileReader('licence', ['sourceId', 'creditCode', 'data/category', 'data/decisionDate']);
    expect(paths.unknown).toEqual([]);
    expect(paths.body(['XK-9', '91330402MA2B4T1X8Q', 'ordinary', '2026-03-01'])).toEqual({
      kind: 'licence',
      sourceId: 'XK-9',
      creditCode: '91330402MA2B4T1X8Q',
      data: { category: 'ordinary', decisionDate: '2026-03-01' },
    });
    expect(fileReader('licence', ['XK_XKLB', 'XK_ZT']).body(['特许', '1'])).toEqual({ kind: 'licence', data: { category: 'franchise', status: 'valid' } });
  });

  it('say field errors in Chinese, with the labels of the fields they name', () => {
    const label = (path: string) => ({ '/data/validFrom': '有效期自' })[path];
    expect(chineseMessage({ path: '/data/authority', message: 'required', code: 'required' })).toBe('必填');
    expect(chineseMessage({ path: '/data/documentName', message: 'Too big: expected string to have <=100 characters', code: 'too-big' })).toBe('不能超过 100 个字');
    expect(chineseMessage({ path: '/data/facts', message: 'Too small: expected string to have >=1 characters', code: 'too-small' })).toBe('不能为空');
    expect(chineseMessage({ path: '/data/validTo', message: 'cannot be before validFrom', code: 'custom' }, label)).toBe('不能早于“有效期自”');
    expect(chineseMessage({ path: '/creditCode', message: 'check character (18th) must be Q for this code (GB 32100-2015)', code: 'credit-code-check' })).toContain('应为 Q');
    // A message no rule knows keeps its English text after a Chinese lead.
    expect(chineseMessage({ path: '/x', message: 'something new', code: 'custom' })).toBe('填写有误（something new）');
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
