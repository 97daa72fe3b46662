/**
 * Request and response examples for the OpenAPI document, the docs page and the sample-record
 * command, built from the sample data (local/samples.ts), whose builders parse every sample with
 * the contract: an example is valid by construction and its credit, region and industry codes
 * pass every check. Built on demand, never at cold start.
 */
import { ENTERPRISES, filing, inspection, licence, penalty, registration } from '../local/samples';
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
