/**
 * Request and response examples for the OpenAPI document, the docs page and the sample-record
 * command, built from the sample data (local/samples.ts), whose builders parse every sample with
 * the contract: an example is valid by construction and its credit, region and industry codes
 * pass every check. Built on demand, never at cold start.
 */
import { ENTERPRISES, filing, inspection, licence, penalty, registration } from '../local/samples';
import shippedHolidays from './refdata/holidays.json' with { type: 'json' };
import type { RecordInput, RecordKind } from './records';

/** One example body per record kind, as a department posts it. */
export function recordExamples(): { [K in RecordKind]: Extract<RecordInput, { kind: K }> } {
  const code = ENTERPRISES.restaurant.creditCode;
  return {
    registration: registration(code, 'DJ-2024-000318'),
    licence: licence(code, 'XK-2024-000318'),
    filing: filing(code, 'BA-2024-000042'),
    inspection: inspection(code, 'JC-2025-004211'),
    penalty: penalty(code, 'CF-2025-000112'),
  };
}

export const subscriptionExample = () => ({
  name: '餐饮许可和处罚',
  purpose: '餐饮服务日常监管',
  filters: { kinds: ['licence', 'penalty'], industryPrefixes: ['62'], regionPrefixes: ['3304'] },
  webhook: { url: 'https://hooks.example.gov.cn/exchange' },
});

export const feedbackExample = () => ({ outcome: 'taken-into-supervision', comment: '已纳入日常监管名单' });

/** A 双随机 plan over the district's restaurants, as the README's walk-through creates it. */
export const planExample = () => ({
  title: '餐饮服务食品安全双随机抽查',
  catalogueItemCodes: ['ZJ-SC-FOOD-01'],
  regionPrefixes: ['330402'],
  industryPrefixes: ['H'],
  inspectBy: '2026-12-31',
  ratios: { A: 500, B: 1000, C: 3000, D: 10000, unrated: 10000 },
  requiredFields: ['食品安全'],
  roster: [
    { id: 'm1', name: '王建国', certificate: '33040220001', department: 'market', fields: ['食品安全'] },
    { id: 'm2', name: '李晓梅', certificate: '33040220002', department: 'market', fields: ['食品安全'] },
  ],
});

/** The shipped 2026 holiday calendar, as an administrator would store it from the notice. */
export const calendarExample = () => {
  const { notice, number, issued, holidays, workingWeekends } = shippedHolidays.years['2026'];
  return { notice, number, issued, holidays, workingWeekends };
};

export const listingExample = () => ({
  sourceId: 'LR-2026-0001',
  creditCode: ENTERPRISES.restaurant.creditCode,
  enterpriseName: ENTERPRISES.restaurant.name,
  reason: '提供虚假材料骗取登记',
  legalBasis: '《市场监督管理严重违法失信名单管理办法》',
  authority: '嘉兴市南湖区市场监督管理局',
  decisionNumber: '南市监列严〔2026〕1号',
  decisionDate: '2026-11-20',
});

export const removalExample = () => ({ reason: 'credit-repair', date: '2027-11-22', authority: '嘉兴市南湖区市场监督管理局', note: '信用修复申请已审核通过' });

export const reportExample = () => ({
  creditCode: ENTERPRISES.restaurant.creditCode,
  item: 'ZJ-SC-FOOD-01',
  measure: 'no-commitment',
  action: '不予适用告知承诺，按一般程序审批',
  caseNumber: '南市监许〔2026〕88号',
});
