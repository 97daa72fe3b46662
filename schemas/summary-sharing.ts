/**
 * Which summary fields (SUMMARY_FIELDS in schemas/records.ts) may leave in a summary or an event,
 * per record kind: `public` always, `individual` unless the enterprise is an individual business
 * (个体工商户). It is what the privacy classes in the record schemas give (`summarySharing` in
 * functions/core/privacy.ts; a unit test keeps the two equal), written out so that fan-out,
 * delivery and the overdue sweep summarise without bundling zod and the code lists.
 */
import type { RecordKind } from './records';

export type Sharing = 'public' | 'individual';

export const SUMMARY_SHARING: { readonly [K in RecordKind]: Readonly<Record<string, Sharing>> } = {
  registration: {
    action: 'public',
    date: 'public',
    name: 'individual',
    entityType: 'public',
    address: 'individual',
    regionCode: 'public',
    industryCode: 'public',
    registeredCapitalFen: 'individual',
    establishedOn: 'public',
    businessScope: 'public',
    authority: 'public',
  },
  licence: {
    documentNumber: 'public',
    category: 'public',
    certificateName: 'public',
    certificateNumber: 'public',
    decisionDate: 'public',
    validFrom: 'public',
    validTo: 'public',
    authority: 'public',
    catalogueItemCode: 'public',
    grantMode: 'public',
    status: 'public',
  },
  filing: { catalogueItemCode: 'public', filingNumber: 'public', department: 'public', date: 'public' },
  inspection: { type: 'public', department: 'public', date: 'public', result: 'public', public: 'public', taskId: 'public', commitment: 'public' },
  penalty: {
    decisionNumber: 'public',
    violationType: 'public',
    categories: 'public',
    fineFen: 'public',
    confiscationFen: 'public',
    decisionDate: 'public',
    publicUntil: 'public',
    authority: 'public',
  },
};
