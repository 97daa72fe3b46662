/**
 * Real-looking sample data for the demo seed, the tests and the benchmarks: enterprises in
 * 嘉兴市南湖区 (330402) with correctly computed credit codes, real region and industry codes.
 * The names are invented. Every builder parses its result with the contract, so a sample is
 * valid by construction.
 */
import { creditCodeCheckChar, orgCodeCheckChar } from '../schemas/credit-code';
import { RecordInput } from '../schemas/records';

/** A credit code with both check characters right: registry+kind prefix, region, 8-char organisation code body. */
export function makeCreditCode(prefix: string, region: string, orgBody: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{8}$/.test(prefix + region + orgBody)) throw new Error(`cannot make a credit code from ${prefix} ${region} ${orgBody}`);
  const first17 = prefix + region + orgBody + orgCodeCheckChar(orgBody);
  return first17 + creditCodeCheckChar(first17);
}

/** Credit codes of the authorities that decide (government bodies use prefix 11). */
export const AUTHORITIES = {
  market: { name: '嘉兴市南湖区市场监督管理局', creditCode: makeCreditCode('11', '330402', '00250101') },
  health: { name: '嘉兴市南湖区卫生健康局', creditCode: makeCreditCode('11', '330402', '00250102') },
  transport: { name: '嘉兴市南湖区交通运输局', creditCode: makeCreditCode('11', '330402', '00250103') },
} as const;

export const ENTERPRISES = {
  restaurant: { creditCode: makeCreditCode('91', '330402', 'MA2B4T1X'), name: '嘉兴市南湖区禾味餐饮管理有限公司' },
  haulier: { creditCode: makeCreditCode('91', '330402', 'MA2C7Y3N'), name: '嘉兴南湖新程道路运输有限公司' },
  grocer: { creditCode: makeCreditCode('92', '330402', 'MA2D8U6W'), name: '南湖区张记粮油店' },
  cooperative: { creditCode: makeCreditCode('93', '330402', 'MA2E1R5P'), name: '嘉兴市南湖区丰源农机专业合作社' },
} as const;

type Input<K extends RecordInput['kind']> = Extract<RecordInput, { kind: K }>;
type Data<K extends RecordInput['kind']> = Input<K>['data'];

function build<K extends RecordInput['kind']>(kind: K, sourceId: string, creditCode: string, data: Data<K>, extra: Partial<Input<K>> = {}): Input<K> {
  return RecordInput.parse({ kind, sourceId, creditCode, data, ...extra }) as Input<K>;
}

export function registration(creditCode: string, sourceId: string, data: Partial<Data<'registration'>> = {}) {
  return build('registration', sourceId, creditCode, {
    action: 'establish',
    date: '2024-03-12',
    name: ENTERPRISES.restaurant.name,
    entityType: '有限责任公司(自然人投资或控股)',
    legalRepresentative: { name: '王丽华', idDocument: { type: 'resident-id', number: '330402198805120027' }, phone: '13857321046' },
    address: '浙江省嘉兴市南湖区南湖街道中山东路1208号',
    regionCode: '330402',
    industryCode: '6210',
    registeredCapitalFen: 100_000_000,
    establishedOn: '2024-03-12',
    businessScope: { licensed: ['食品经营'], general: ['餐饮管理', '外卖递送服务'] },
    authority: AUTHORITIES.market.name,
    ...data,
  });
}

export function licence(creditCode: string, sourceId: string, data: Partial<Data<'licence'>> = {}) {
  return build('licence', sourceId, creditCode, {
    documentName: '食品经营许可决定书',
    documentNumber: '南市监食许〔2024〕0318号',
    category: 'ordinary',
    certificateName: '食品经营许可证',
    certificateNumber: 'JY13304020012345',
    content: '热食类食品制售；冷食类食品制售',
    decisionDate: '2024-03-20',
    validFrom: '2024-03-20',
    validTo: '2029-03-19',
    authority: AUTHORITIES.market.name,
    authorityCreditCode: AUTHORITIES.market.creditCode,
    catalogueItemCode: 'ZJ-SC-FOOD-01',
    grantMode: 'ordinary',
    status: 'valid',
    ...data,
  });
}

export function filing(creditCode: string, sourceId: string, data: Partial<Data<'filing'>> = {}) {
  return build('filing', sourceId, creditCode, {
    catalogueItemCode: 'ZJ-SC-FOOD-07',
    filingNumber: 'YDBA33040220240042',
    department: AUTHORITIES.market.name,
    date: '2024-04-02',
    content: '仅销售预包装食品备案',
    ...data,
  });
}

export function inspection(creditCode: string, sourceId: string, data: Partial<Data<'inspection'>> = {}) {
  return build('inspection', sourceId, creditCode, {
    type: 'random',
    department: AUTHORITIES.market.name,
    date: '2025-06-18',
    result: 'no-problem',
    public: true,
    ...data,
  });
}

export function penalty(creditCode: string, sourceId: string, data: Partial<Data<'penalty'>> = {}) {
  return build('penalty', sourceId, creditCode, {
    decisionNumber: '南市监处罚〔2025〕112号',
    violationType: '违反食品安全法',
    facts: '当事人经营超过保质期的食品，货值金额人民币386元。',
    legalBasis: '《中华人民共和国食品安全法》第一百二十四条第一款第五项',
    categories: ['warning', 'fine', 'confiscation'],
    content: '警告；没收超过保质期的食品；罚款人民币伍万元',
    fineFen: 5_000_000,
    confiscationFen: 38_600,
    decisionDate: '2025-09-03',
    publicUntil: '2026-03-03',
    authority: AUTHORITIES.market.name,
    authorityCreditCode: AUTHORITIES.market.creditCode,
    legalRepresentative: { name: '王丽华', idDocument: { type: 'resident-id', number: '330402198805120027' } },
    ...data,
  });
}

/** A small, coherent picture of four enterprises, as the demo seed posts it: [department, record]. */
export function demoRecords(): [string, RecordInput][] {
  const { restaurant, haulier, grocer, cooperative } = ENTERPRISES;
  return [
    ['market', registration(restaurant.creditCode, 'DJ-2024-000318')],
    ['market', licence(restaurant.creditCode, 'XK-2024-000318')],
    ['market', inspection(restaurant.creditCode, 'JC-2025-004211')],
    ['market', penalty(restaurant.creditCode, 'CF-2025-000112')],
    [
      'market',
      registration(haulier.creditCode, 'DJ-2023-001207', {
        date: '2023-11-07',
        establishedOn: '2023-11-07',
        name: haulier.name,
        legalRepresentative: { name: '陈建国', idDocument: { type: 'resident-id', number: '330411197603150519' }, phone: '13905736672' },
        address: '浙江省嘉兴市南湖区大桥镇亚太路598号',
        industryCode: '5431',
        businessScope: { licensed: ['道路货物运输(不含危险货物)'], general: ['国内货物运输代理', '装卸搬运'] },
      }),
    ],
    [
      'transport',
      licence(haulier.creditCode, 'YS-2023-0097', {
        documentName: '道路运输经营许可决定书',
        documentNumber: '南交运许〔2023〕97号',
        certificateName: '道路运输经营许可证',
        certificateNumber: '浙交运管许可嘉字330402300097号',
        content: '道路普通货物运输',
        decisionDate: '2023-11-20',
        validFrom: '2023-11-20',
        validTo: '2027-11-19',
        authority: AUTHORITIES.transport.name,
        authorityCreditCode: AUTHORITIES.transport.creditCode,
        catalogueItemCode: 'ZJ-JT-ROAD-02',
        grantMode: 'ordinary',
      }),
    ],
    [
      'market',
      registration(grocer.creditCode, 'DJ-2022-004410', {
        date: '2022-05-16',
        establishedOn: '2022-05-16',
        name: grocer.name,
        entityType: '个体工商户',
        legalRepresentative: { name: '张国强', idDocument: { type: 'resident-id', number: '330402196911230035' }, phone: '13567390218' },
        address: '浙江省嘉兴市南湖区新兴街道新兴二路36号',
        industryCode: '5221',
        registeredCapitalFen: undefined,
        businessScope: { licensed: [], general: ['粮油零售', '日用百货销售'] },
      }),
    ],
    ['market', filing(grocer.creditCode, 'BA-2022-000871', { date: '2022-05-20', filingNumber: 'YDBA33040220220871' })],
    [
      'market',
      registration(cooperative.creditCode, 'DJ-2021-000093', {
        date: '2021-02-25',
        establishedOn: '2021-02-25',
        name: cooperative.name,
        entityType: '农民专业合作社',
        legalRepresentative: { name: '李永明', idDocument: { type: 'resident-id', number: '330402197207080411' } },
        address: '浙江省嘉兴市南湖区凤桥镇永红村',
        industryCode: '0513',
        registeredCapitalFen: 50_000_000,
        businessScope: { licensed: [], general: ['农业机械服务', '灌溉服务'] },
      }),
    ],
  ];
}
