/**
 * The permit catalogue's shipped data and its rules: the catalogue as of a date, registration
 * scope matched to the standard terms, licences and filings checked against the catalogue,
 * 双告知 routing and licence cover.
 */
import { describe, expect, it } from 'vitest';
import { CatalogueFile, ScopeTermFile, type CatalogueItem, type ScopeTerm } from '../../schemas/catalogue';
import { shippedCatalogue } from '../../schemas/catalogue-data';
import { CatalogueItemCode } from '../../schemas/common';
import {
  CATALOGUE_CSV_COLUMNS,
  catalogueAsOf,
  catalogueCsv,
  catalogueWarnings,
  checkAgainstCatalogue,
  indexCatalogue,
  indexScopeTerms,
  itemAsOf,
  licenceCover,
  matchScope,
  routeRegistration,
  splitScope,
  type CheckedRecord,
  type RoutingContext,
} from '../../functions/core/catalogue';

const shipped = shippedCatalogue();
const catalogue = indexCatalogue(shipped.catalogue.items);
const terms = indexScopeTerms(shipped.terms.terms);
const departments = new Map(shipped.departments.departments.map((d) => [d.id, d]));
/** The departments the demo exchange has clients for. */
const DEMO_DEPARTMENTS = new Set(['market', 'health', 'transport', 'credit', 'supervision']);
const ctx: RoutingContext = { catalogue, terms, departments, isMapped: (id) => DEMO_DEPARTMENTS.has(id) };

const version = (over: Partial<CatalogueItem['versions'][number]> = {}): CatalogueItem['versions'][number] => ({
  effectiveFrom: '2021-07-01',
  name: '测试事项',
  setBy: 'central',
  legalBasis: ['《测试条例》'],
  competentDepartment: 'transport',
  approvingDepartment: 'transport',
  reformMode: 'optimised',
  supervision: { measures: ['双随机、一公开监管'] },
  sources: ['gf-2021-7'],
  ...over,
});

describe('the shipped catalogue data', () => {
  const { catalogue: file, terms: termFile, departments: directory } = shipped;

  it('names its editions and holds at least 40 items and 150 scope terms', () => {
    expect(file.edition).toContain('2021年全国版');
    expect(termFile.edition).toContain('经营范围登记规范表述目录');
    expect(file.items.length).toBeGreaterThanOrEqual(40);
    expect(termFile.terms.length).toBeGreaterThanOrEqual(150);
    expect(termFile.terms.filter((t) => t.kind === 'licensed').length).toBeGreaterThanOrEqual(40);
  });

  it('uses item codes that records can carry', () => {
    for (const item of file.items) expect(CatalogueItemCode.safeParse(item.code).success, item.code).toBe(true);
  });

  it('covers the trades a district needs, in every reform mode', () => {
    const names = file.items.map((i) => i.versions.at(-1)?.name ?? '');
    for (const trade of [
      '食品经营',
      '小餐饮',
      '公共场所卫生',
      '娱乐场所',
      '互联网上网服务',
      '道路货物运输',
      '道路旅客运输',
      '旅行社',
      '人力资源服务',
      '印刷',
      '出版物零售',
      '危险化学品经营',
      '药品零售',
      '第三类医疗器械',
      '第二类医疗器械',
      '二手车',
      '典当',
      '户外广告',
    ]) {
      expect(
        names.some((n) => n.includes(trade)),
        trade,
      ).toBe(true);
    }
    const modes = new Set(file.items.flatMap((i) => i.versions.map((v) => v.reformMode)));
    expect([...modes].sort()).toEqual(['cancelled', 'commitment', 'filing', 'optimised']);
    expect(file.items.some((i) => i.versions.some((v) => v.setBy === 'provincial'))).toBe(true);
  });

  it('keeps the codes the demo records use', () => {
    expect(itemAsOf(catalogue, 'ZJ-SC-FOOD-01', '2024-03-20').status).toBe('in-force');
    expect(itemAsOf(catalogue, 'ZJ-SC-FOOD-07', '2022-05-20').status).toBe('in-force');
    expect(itemAsOf(catalogue, 'ZJ-JT-ROAD-02', '2023-11-20').status).toBe('in-force');
  });

  it('names only departments of the directory, and the demo departments are in it', () => {
    for (const item of file.items) {
      for (const v of item.versions) {
        expect(departments.has(v.competentDepartment), `${item.code} competent ${v.competentDepartment}`).toBe(true);
        if (v.approvingDepartment) expect(departments.has(v.approvingDepartment), `${item.code} approving ${v.approvingDepartment}`).toBe(true);
      }
    }
    for (const id of DEMO_DEPARTMENTS) expect(departments.get(id)?.level).toBe('district');
    expect(directory.departments.find((d) => d.id === 'market')?.name).toBe('嘉兴市南湖区市场监督管理局');
  });

  it('links every term to items that are in force today, and every need of a licensed term to a permit', () => {
    for (const term of termFile.terms) {
      for (const need of term.permits ?? []) {
        const modes = [need].flat().map((code) => {
          const standing = itemAsOf(catalogue, code, '2026-01-01');
          expect(standing.status, `${term.term} → ${code}`).toBe('in-force');
          return standing.status === 'in-force' ? standing.item.reformMode : undefined;
        });
        if (term.kind === 'licensed')
          expect(
            modes.some((m) => m === 'optimised' || m === 'commitment'),
            term.term,
          ).toBe(true);
      }
    }
  });

  it('gives every commitment item its template with the consequences of a false commitment', () => {
    const commitments = file.items.flatMap((i) => i.versions).filter((v) => v.reformMode === 'commitment');
    expect(commitments.length).toBeGreaterThan(0);
    for (const v of commitments) {
      expect(v.commitment?.conditions.length, v.name).toBeGreaterThan(0);
      expect(v.commitment?.consequences.join(''), v.name).toContain('撤销许可');
    }
    // 劳务派遣 is 优化审批服务 on the national list (告知承诺 only in the free-trade zones), so it has no template.
    const dispatch = file.items.find((i) => i.code === 'ZJ-RS-DISPATCH-01')?.versions[0];
    expect(dispatch?.reformMode).toBe('optimised');
    expect(dispatch?.commitment).toBeUndefined();
  });

  it('is rejected by the schema when an edit breaks it', () => {
    const items = structuredClone(file.items);
    items.push(structuredClone(items[0]));
    items[1].versions[0].reformMode = 'commitment';
    items[2].versions[0].sources = ['no-such-source'];
    const result = CatalogueFile.safeParse({ ...file, items });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((i) => `${i.path.join('/')} ${i.message}`) ?? [];
    expect(messages.some((m) => m.includes('duplicate item ZJ-SC-FOOD-01'))).toBe(true);
    expect(messages.some((m) => m.startsWith('items/1/versions/0/commitment'))).toBe(true);
    expect(messages.some((m) => m.includes('unknown source no-such-source'))).toBe(true);
    const badTerm = ScopeTermFile.safeParse({ ...termFile, terms: [{ term: '药品零售', kind: 'licensed' }] });
    expect(badTerm.error?.issues[0].path).toEqual(['terms', 0, 'permits']);
  });
});

describe('the catalogue as of a date', () => {
  it('gives the version in force on the date and keeps the earlier one', () => {
    const before = itemAsOf(catalogue, 'ZJ-WJ-MEDICAL-02', '2022-04-30');
    const after = itemAsOf(catalogue, 'ZJ-WJ-MEDICAL-02', '2022-05-01');
    expect(before.status === 'in-force' && before.item.reformMode).toBe('optimised');
    expect(after.status === 'in-force' && after.item.reformMode).toBe('filing');
    expect(after.status === 'in-force' && after.item.name).toBe('诊所备案');
  });

  it('lists only the items in force on the date', () => {
    expect(catalogueAsOf(catalogue, '2021-06-30').map((i) => i.code)).toEqual(['ZJ-MZ-ELDERLY-01', 'ZJ-MZ-ELDERLY-02', 'ZJ-SC-FOOD-07']);
    expect(catalogueAsOf(catalogue, '2021-07-01')).toHaveLength(shipped.catalogue.items.length);
  });

  it('drops a withdrawn item from its withdrawal date and says when', () => {
    const index = indexCatalogue([{ code: 'T-1', versions: [version({ effectiveFrom: '2024-01-01', withdrawn: true }), version()] }]);
    expect(itemAsOf(index, 'T-1', '2023-12-31').status).toBe('in-force');
    expect(itemAsOf(index, 'T-1', '2024-01-01')).toEqual({ status: 'withdrawn', since: '2024-01-01' });
    expect(catalogueAsOf(index, '2024-06-01')).toEqual([]);
    expect(itemAsOf(index, 'T-1', '2021-06-30')).toEqual({ status: 'not-yet-in-force', firstEffective: '2021-07-01' });
    expect(itemAsOf(index, 'T-2', '2024-06-01')).toEqual({ status: 'unknown' });
  });
});

describe('registration scope against the standard terms', () => {
  const terms = (m: ReturnType<typeof matchScope>) => m.matched.map((x) => x.term.term);

  it('matches half- and full-width brackets and stray spaces alike', () => {
    for (const written of ['道路货物运输(不含危险货物)', '道路货物运输（不含危险货物）', ' 道路货物运输 （不含危险货物） ', '道路货物运输【不含危险货物】']) {
      const m = matchScope(written, ctx.terms);
      expect(terms(m), written).toEqual(['道路货物运输（不含危险货物）']);
      expect(m.requirements).toEqual([{ items: ['ZJ-JT-ROAD-02'], terms: ['道路货物运输（不含危险货物）'] }]);
    }
  });

  it('reads a whole business licence scope: headings, tails and every separator', () => {
    const text =
      '许可项目：食品经营；道路货物运输(不含危险货物)，药品零售（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以审批结果为准）。' +
      '一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广;广告设计、代理、广告发布；日用百货销售、五金产品零售、粮油零售；' +
      '人力资源服务（不含职业中介活动、劳务派遣服务）（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）';
    const m = matchScope(text, ctx.terms);
    expect(terms(m)).toEqual([
      '食品经营',
      '道路货物运输（不含危险货物）',
      '药品零售',
      '技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广',
      '广告设计、代理',
      '广告发布',
      '日用百货销售',
      '五金产品零售',
      '人力资源服务（不含职业中介活动、劳务派遣服务）',
    ]);
    expect(m.matched.slice(0, 3).every((x) => x.declared === 'licensed')).toBe(true);
    expect(m.matched.slice(3).every((x) => x.declared === 'general')).toBe(true);
    expect(m.unmatched).toEqual(['粮油零售']);
    expect(m.requirements.map((r) => r.items)).toEqual([['ZJ-SC-FOOD-01'], ['ZJ-JT-ROAD-02'], ['ZJ-SC-DRUG-01']]);
  });

  it('splits lines and keeps each unmatched phrase once', () => {
    const phrases = splitScope('许可项目:餐饮服务\n一般项目:外卖递送服务\n特色小吃研发;特色小吃研发');
    expect(phrases).toEqual([
      { text: '餐饮服务', declared: 'licensed' },
      { text: '外卖递送服务', declared: 'general' },
      { text: '特色小吃研发', declared: 'general' },
      { text: '特色小吃研发', declared: 'general' },
    ]);
    expect(matchScope('特色小吃研发;特色小吃研发、外卖递送服务', ctx.terms).unmatched).toEqual(['特色小吃研发']);
  });

  it('reads the split scope a registration record carries, one requirement per need with every term that asked', () => {
    const m = matchScope({ licensed: ['食品经营', '餐饮服务', '危险化学品经营'], general: ['食品销售（仅销售预包装食品）'] }, ctx.terms);
    expect(m.requirements).toEqual([
      { items: ['ZJ-SC-FOOD-01'], terms: ['食品经营', '餐饮服务'] },
      { items: ['ZJ-YJ-HAZCHEM-01', 'ZJ-YJ-HAZCHEM-02'], terms: ['危险化学品经营'] },
      { items: ['ZJ-SC-FOOD-07'], terms: ['食品销售（仅销售预包装食品）'] },
    ]);
  });
});

describe('records checked against the catalogue on their decision date', () => {
  const licence = (catalogueItemCode: string, decisionDate = '2024-03-20', grantMode: 'ordinary' | 'commitment' = 'ordinary'): CheckedRecord => ({
    kind: 'licence',
    data: { catalogueItemCode, decisionDate, grantMode },
  });
  const filing = (catalogueItemCode: string, date = '2024-03-20'): CheckedRecord => ({ kind: 'filing', data: { catalogueItemCode, date } });

  it('accepts a licence under an item that needs one, granted either way on a commitment item', () => {
    expect(checkAgainstCatalogue(licence('ZJ-SC-DRUG-01'), catalogue)).toEqual([]);
    expect(checkAgainstCatalogue(licence('ZJ-JT-ROAD-02', '2023-11-20', 'commitment'), catalogue)).toEqual([]);
    expect(checkAgainstCatalogue(licence('ZJ-JT-ROAD-02', '2023-11-20', 'ordinary'), catalogue)).toEqual([]);
  });

  it('rejects a licence on a commitment under an item not in commitment mode, naming the item and its mode', () => {
    expect(checkAgainstCatalogue(licence('ZJ-SC-FOOD-01', '2024-03-20', 'commitment'), catalogue)).toEqual([
      {
        path: '/data/grantMode',
        code: 'catalogue-item-not-commitment',
        message: 'ZJ-SC-FOOD-01 食品经营许可 is in mode optimised (优化审批服务) on 2024-03-20: a licence on a commitment needs a commitment item',
      },
    ]);
  });

  it('rejects a licence under a filing item or a cancelled one', () => {
    const [asFiling] = checkAgainstCatalogue(licence('ZJ-SC-FOOD-07'), catalogue);
    expect(asFiling).toMatchObject({ path: '/data/catalogueItemCode', code: 'catalogue-item-is-filing' });
    expect(asFiling.message).toContain('ZJ-SC-FOOD-07 仅销售预包装食品备案 is in mode filing (审批改为备案)');
    const [cancelled] = checkAgainstCatalogue(licence('ZJ-JT-ROAD-03'), catalogue);
    expect(cancelled).toMatchObject({ path: '/data/catalogueItemCode', code: 'catalogue-item-cancelled' });
    expect(cancelled.message).toContain('ZJ-JT-ROAD-03');
    expect(cancelled.message).toContain('cancelled (直接取消审批)');
  });

  it('accepts a filing only under a filing item', () => {
    expect(checkAgainstCatalogue(filing('ZJ-SC-FOOD-07', '2022-05-20'), catalogue)).toEqual([]);
    for (const code of ['ZJ-SC-FOOD-01', 'ZJ-MZ-ELDERLY-02', 'ZJ-WL-TRAVEL-01']) {
      const [error] = checkAgainstCatalogue(filing(code), catalogue);
      expect(error, code).toMatchObject({ path: '/data/catalogueItemCode', code: 'catalogue-item-not-filing' });
      expect(error.message).toContain(code);
    }
  });

  it('rejects an unknown item', () => {
    expect(checkAgainstCatalogue(licence('ZJ-XX-NOPE-01'), catalogue)).toEqual([
      { path: '/data/catalogueItemCode', code: 'unknown-catalogue-item', message: 'ZJ-XX-NOPE-01 is not an item of the permit catalogue' },
    ]);
  });

  it('lets a record decided before its item entered the list in, with a warning instead of a mode check', () => {
    expect(checkAgainstCatalogue(filing('ZJ-SC-FOOD-07', '2021-04-28'), catalogue)).toEqual([]);
    expect(checkAgainstCatalogue(licence('ZJ-SC-FOOD-01', '2019-03-01', 'commitment'), catalogue)).toEqual([]);
    expect(catalogueWarnings(filing('ZJ-SC-FOOD-07', '2021-04-28'), catalogue)).toEqual([
      {
        path: '/data/catalogueItemCode',
        code: 'catalogue-item-before-list',
        message: 'ZJ-SC-FOOD-07 entered the permit catalogue on 2021-04-29, after 2021-04-28: the filing was not checked against its mode',
      },
    ]);
    expect(catalogueWarnings(filing('ZJ-SC-FOOD-07', '2021-04-29'), catalogue)).toEqual([]);
  });

  it('judges a record by the catalogue of its own date: the clinic permit became a filing on 2022-05-01', () => {
    expect(checkAgainstCatalogue(licence('ZJ-WJ-MEDICAL-02', '2022-04-30'), catalogue)).toEqual([]);
    expect(checkAgainstCatalogue(licence('ZJ-WJ-MEDICAL-02', '2022-05-01'), catalogue)[0]).toMatchObject({ code: 'catalogue-item-is-filing' });
    expect(checkAgainstCatalogue(filing('ZJ-WJ-MEDICAL-02', '2022-04-30'), catalogue)[0]).toMatchObject({ code: 'catalogue-item-not-filing' });
    expect(checkAgainstCatalogue(filing('ZJ-WJ-MEDICAL-02', '2022-05-01'), catalogue)).toEqual([]);
  });

  it('leaves the other record kinds alone', () => {
    expect(checkAgainstCatalogue({ kind: 'inspection', data: {} }, catalogue)).toEqual([]);
  });
});

describe('双告知 routing of a registration', () => {
  const establish = (licensed: string[], general: string[] = [], date = '2024-03-12') => ({ action: 'establish' as const, date, businessScope: { licensed, general } });
  const told = (r: ReturnType<typeof routeRegistration>) =>
    r.notices.map((n) => `${n.recipient.kind === 'department' ? n.recipient.department : `pool(${n.recipient.reason}:${n.recipient.intendedDepartment})`} ${n.itemCode} ${n.purposes.join('+')}`);

  it('tells exactly the approving department of each of three needed items, and no other', () => {
    const r = routeRegistration(establish(['食品经营', '道路货物运输（不含危险货物）', '洗浴服务'], ['餐饮管理', '日用百货销售']), undefined, ctx);
    expect(told(r)).toEqual(['market ZJ-SC-FOOD-01 approve', 'transport ZJ-JT-ROAD-02 approve', 'health ZJ-WJ-PLACE-01 approve']);
    expect(r.notices[1]).toMatchObject({ itemName: expect.stringContaining('道路货物运输经营许可'), reformMode: 'commitment', terms: ['道路货物运输（不含危险货物）'] });
  });

  it('tells a filing item’s department to take the business into supervision as well, in one notice', () => {
    const r = routeRegistration(establish([], ['食品销售（仅销售预包装食品）']), undefined, ctx);
    expect(told(r)).toEqual(['market ZJ-SC-FOOD-07 approve+supervise']);
  });

  it('sends what no department on the exchange holds to the claim pool, naming the intended department', () => {
    const r = routeRegistration(establish(['旅游业务'], ['二手车经销']), undefined, ctx);
    expect(told(r)).toEqual(['pool(unmapped-department:zj-culture) ZJ-WL-TRAVEL-01 approve', 'pool(unmapped-department:zj-commerce) ZJ-SW-USEDCAR-01 approve+supervise']);
  });

  it('tells only the competent department of a cancelled item, and pools a department the directory does not know', () => {
    const index = indexCatalogue([
      { code: 'T-GONE', versions: [version({ reformMode: 'cancelled', approvingDepartment: undefined, competentDepartment: 'transport' })] },
      { code: 'T-ODD', versions: [version({ approvingDepartment: 'port-authority' })] },
    ]);
    const table = indexScopeTerms([
      { term: '小型货运', kind: 'general', permits: ['T-GONE'] },
      { term: '港口经营', kind: 'licensed', permits: ['T-ODD'] },
    ] satisfies ScopeTerm[]);
    const r = routeRegistration(establish(['港口经营'], ['小型货运']), undefined, { ...ctx, catalogue: index, terms: table });
    expect(told(r)).toEqual(['pool(unknown-department:port-authority) T-ODD approve', 'transport T-GONE supervise']);
  });

  it('on a change tells only about the items the new scope adds; a deregistration tells nobody', () => {
    const previous = { businessScope: { licensed: ['食品经营'], general: ['餐饮管理'] } };
    const change = { ...establish(['食品经营', '餐饮服务', '劳务派遣服务']), action: 'change' as const };
    expect(told(routeRegistration(change, previous, ctx))).toEqual(['pool(unmapped-department:hrss) ZJ-RS-DISPATCH-01 approve']);
    expect(told(routeRegistration({ ...change, businessScope: previous.businessScope }, previous, ctx))).toEqual([]);
    expect(routeRegistration({ ...change, action: 'deregister' }, previous, ctx).notices).toEqual([]);
    expect(told(routeRegistration(establish(['餐饮服务']), previous, ctx))).toEqual(['market ZJ-SC-FOOD-01 approve']);
  });

  it('routes by the catalogue of the registration date', () => {
    const mapped: RoutingContext = { ...ctx, isMapped: (id) => id === 'health' };
    expect(told(routeRegistration(establish(['医疗服务'], [], '2022-04-30'), undefined, mapped))).toEqual(['health ZJ-WJ-MEDICAL-01 approve', 'health ZJ-WJ-MEDICAL-02 approve']);
    expect(told(routeRegistration(establish(['医疗服务'], [], '2022-05-01'), undefined, mapped))).toEqual(['health ZJ-WJ-MEDICAL-01 approve', 'health ZJ-WJ-MEDICAL-02 approve+supervise']);
    const early = routeRegistration(establish([], ['食品销售（仅销售预包装食品）'], '2021-03-01'), undefined, ctx);
    expect(early.notices).toEqual([]);
    expect(early.itemsNotInForce).toEqual(['ZJ-SC-FOOD-07']);
  });

  it('leaves a registration of general trades alone', () => {
    expect(routeRegistration(establish([], ['农业机械服务', '灌溉服务']), undefined, ctx).notices).toEqual([]);
  });
});

describe('licence cover (证照匹配)', () => {
  const scope = matchScope({ licensed: ['食品经营', '道路货物运输（不含危险货物）', '危险化学品经营'], general: ['食品销售（仅销售预包装食品）'] }, ctx.terms).requirements;
  const valid = { status: 'valid' as const, validFrom: '2024-03-20', validTo: '2029-03-19' };
  const coveredCodes = (c: ReturnType<typeof licenceCover>) => c.covered.map((e) => `${e.items.map((i) => i.code).join('|')}<-${e.coveredBy?.kind}:${e.coveredBy?.itemCode}`);
  const uncoveredCodes = (c: ReturnType<typeof licenceCover>) => c.uncovered.map((e) => e.items.map((i) => i.code).join('|'));

  it('covers a need by a valid licence or a filing, and any one of alternatives will do', () => {
    const cover = licenceCover(
      scope,
      {
        licences: [
          { catalogueItemCode: 'ZJ-SC-FOOD-01', ...valid },
          { catalogueItemCode: 'ZJ-JT-ROAD-02', ...valid, status: 'revoked' },
          { catalogueItemCode: 'ZJ-YJ-HAZCHEM-02', ...valid },
        ],
        filings: [{ catalogueItemCode: 'ZJ-SC-FOOD-07', date: '2024-04-02' }],
      },
      '2025-01-01',
      catalogue,
    );
    expect(coveredCodes(cover)).toEqual(['ZJ-SC-FOOD-01<-licence:ZJ-SC-FOOD-01', 'ZJ-YJ-HAZCHEM-01|ZJ-YJ-HAZCHEM-02<-licence:ZJ-YJ-HAZCHEM-02', 'ZJ-SC-FOOD-07<-filing:ZJ-SC-FOOD-07']);
    expect(uncoveredCodes(cover)).toEqual(['ZJ-JT-ROAD-02']);
    expect(cover.uncovered[0].terms).toEqual(['道路货物运输（不含危险货物）']);
  });

  it('changes with the date: before a licence starts, after it expires, before a filing is made', () => {
    const holdings = { licences: [{ catalogueItemCode: 'ZJ-SC-FOOD-01', ...valid }], filings: [{ catalogueItemCode: 'ZJ-SC-FOOD-07', date: '2024-04-02' }] };
    const food = scope.slice(0, 1).concat(scope.slice(3));
    expect(uncoveredCodes(licenceCover(food, holdings, '2024-03-19', catalogue))).toEqual(['ZJ-SC-FOOD-01', 'ZJ-SC-FOOD-07']);
    expect(uncoveredCodes(licenceCover(food, holdings, '2024-03-20', catalogue))).toEqual(['ZJ-SC-FOOD-07']);
    expect(uncoveredCodes(licenceCover(food, holdings, '2029-03-19', catalogue))).toEqual([]);
    expect(uncoveredCodes(licenceCover(food, holdings, '2029-03-20', catalogue))).toEqual(['ZJ-SC-FOOD-01']);
  });

  it('needs nothing for a cancelled item', () => {
    const index = indexCatalogue([{ code: 'T-GONE', versions: [version({ reformMode: 'cancelled', approvingDepartment: undefined })] }]);
    const cover = licenceCover([{ items: ['T-GONE'], terms: ['小型货运'] }], { licences: [], filings: [] }, '2024-01-01', index);
    expect(cover).toEqual({ covered: [], uncovered: [], notRequired: [{ items: [{ code: 'T-GONE', name: '测试事项', reformMode: 'cancelled' }], terms: ['小型货运'] }] });
  });
});

describe('the catalogue as published', () => {
  it('exports the list of a date as CSV in the published columns, quoting where a cell needs it', () => {
    const csv = catalogueCsv(catalogueAsOf(catalogue, '2024-01-01'), departments);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CATALOGUE_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(shipped.catalogue.items.length + 2);
    expect(lines.at(-1)).toBe('');
    const food = lines.find((l) => l.includes(',ZJ-SC-FOOD-01,'));
    expect(food).toBe(
      '22,ZJ-SC-FOOD-01,食品经营许可,《中华人民共和国食品安全法》第三十五条,中央层面设定,嘉兴市南湖区市场监督管理局,嘉兴市南湖区市场监督管理局,优化审批服务,' +
        '仅销售预包装食品的，不需取得食品经营许可，改为备案（ZJ-SC-FOOD-07）；有效期5年,双随机、一公开监管；食品生产经营风险分级管理；信用监管,' +
        '按风险等级：A级每年至少1次，B级1-2次，C级2-3次，D级3-4次,2021-07-01',
    );
    const quoted = catalogueCsv([{ ...catalogueAsOf(catalogue, '2024-01-01')[0], name: '名称,带"引号"' }], departments).split('\r\n')[1];
    expect(quoted).toContain(',"名称,带""引号""",');
    expect(lines.find((l) => l.includes(',ZJ-JT-ROAD-03,'))).toContain(',嘉兴市南湖区交通运输局,,直接取消审批,');
  });
});
