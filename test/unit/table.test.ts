/**
 * The table module's header documents the key layout, the indexes and the access patterns; these
 * tests hold the header to the code, so a key or index changed in one place fails here.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  accessLogKey,
  accessLogOnceKey,
  calendarYearKey,
  clientKey,
  directoryKey,
  dueIndexKey,
  itemPlanKey,
  jobCursorKey,
  planChunkKey,
  planKey,
  planListKey,
  poolIndexKey,
  postedIndexKey,
  publishedIndexKey,
  taskKey,
  departmentEntryKey,
  commitmentKey,
  commitmentListKey,
  directedEventKey,
  creditDueKey,
  feedChangeKey,
  feedHeadKey,
  listedKey,
  membershipKey,
  proposalKey,
  reportKey,
  riskIndexKey,
  riskKey,
  CATALOGUE_STAMP_KEY,
  catalogueChangeKey,
  catalogueVersionKey,
  coverKey,
  enterpriseIndexKey,
  exceptionKey,
  FANOUT_STREAM_FILTERS,
  INDEXES,
  ITEM_TYPES,
  notificationDeliveredKey,
  notificationKey,
  openIndexKey,
  quotaStockKey,
  recheckIndexKey,
  recheckShard,
  recordKey,
  subscriptionKey,
  SUBSCRIPTIONS_STAMP_KEY,
  parkedChangeKey,
  rateWindowKey,
  SUMMARY_ATTRIBUTES,
  TABLE,
  uncoveredIndexKey,
  unmatchedPhraseKey,
  sessionKey,
  statisticsKey,
  recordCountedKey,
  importJobKey,
  importRowsKey,
  importReportKey,
  nameKey,
  problemKey,
  problemListIndexKey,
  problemWaitingKey,
} from '../../functions/store/table';

const header = readFileSync(new URL('../../functions/store/table.ts', import.meta.url), 'utf8').split('*/')[0];

/** The rows of the markdown table that follows `title` in the header, as trimmed cells. */
function docTable(title: string): string[][] {
  const lines = header.split('\n').map((l) => l.replace(/^\s*\*\s?/, ''));
  const start = lines.findIndex((l) => l.startsWith(title));
  expect(start, `header has a "${title}" table`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows.slice(2); // heading and rule
}

// Sample values for the placeholders the header writes in angle brackets.
const sample = {
  recordId: 'rec_1',
  window: '1795744800',
  version6: '000007',
  creditCode: '91350200MA2XYZ1234',
  kind: 'licence',
  date: '2026-11-27',
  at: '2026-11-27T10:00:00.000Z',
  nonce: 'n0nce',
  clientId: 'cAbCdEfGhIjKl',
  department: 'health',
  id: 'ntf_20261127100000123_0123456789abcdef',
  eventTime: '2026-11-27T10:00:00.123Z',
  ackBy: '2026-11-30T10:00:01.000Z',
  planId: 'pln_0123456789abcdef',
  regionCode: '330402',
  industryKey: 'H6210',
  createdAt: '2026-11-27T10:00:00.000Z',
  part: 'POOL',
  chunk4: '0003',
  dueDate: '2027-01-12',
  itemCode: 'ZJ-SC-FOOD-01',
  drawnAt: '2026-11-28T10:00:00.000Z',
  year: '2027',
  job: 'task-overdue',
  list: 'blacklist',
  block: '000001',
  seq12: '000000012345',
  // A once-logged event's marker: 22 characters of the SHA-256 (base64url) of what it is.
  digest: createHash('sha256').update('push:n1:c1').digest('base64url').slice(0, 22),
  proposalId: 'prp_x',
  month: '2026-11',
  actOn: '2026-11-28',
  what: 'blacklist:expire',
  region: '330402',
  riskClass: 'C',
  reportId: 'rpt_1',
  eventId: 'evt_1',
  code: 'ZJ-SC-FOOD-01',
  effectiveFrom: '2026-12-01',
  phrase: '宠物美容服务',
  since: '2026-11-20',
  shard: String(recheckShard('91350200MA2XYZ1234')),
  tokenHash: 'q1w2e3r4t5y6u7i8o9p0',
  quarter: '2026Q4',
  itemPk: 'REC#rec_1',
  itemSk: 'V#000007',
  prefix2: '嘉兴',
  normalised: '嘉兴市南湖区禾味餐饮管理有限公司',
  jobId: 'imp_q1w2e3r4t5y6u7i8',
  grantedMonth: '2026-11',
  grantedOn: '2026-11-20',
  check: 'out-of-scope',
  status: 'open',
};
const fill = (template: string) => template.replace(/<(\w+)>/g, (_, name: string) => sample[name as keyof typeof sample] ?? `<${name}>`);

/** The keys each item type's builders produce from the samples. */
const built: Record<string, { PK: string; SK: string; index?: Record<string, string> }> = {
  [ITEM_TYPES.recordVersion]: {
    ...recordKey(sample.recordId, 7),
    index: {
      ...enterpriseIndexKey(sample.creditCode, 'licence', sample.date, sample.recordId),
      ...postedIndexKey(sample.department, 'licence', sample.date, sample.recordId),
      ...publishedIndexKey('licence', sample.date, sample.recordId),
    },
  },
  [ITEM_TYPES.accessLog]: accessLogKey(sample.creditCode, 12_345),
  [ITEM_TYPES.accessLogOnce]: accessLogOnceKey(sample.creditCode, 'push:n1:c1'),
  [ITEM_TYPES.client]: clientKey(sample.clientId),
  [ITEM_TYPES.creditCodeException]: exceptionKey(sample.creditCode),
  [ITEM_TYPES.subscription]: subscriptionKey(sample.department, sample.id),
  [ITEM_TYPES.subscriptionStamp]: SUBSCRIPTIONS_STAMP_KEY,
  [ITEM_TYPES.fanoutParked]: parkedChangeKey(sample.itemPk, sample.itemSk),
  [ITEM_TYPES.rateWindow]: rateWindowKey(sample.clientId, Number(sample.window)),
  [ITEM_TYPES.notification]: { ...notificationKey(sample.department, sample.id), index: openIndexKey(sample.department, sample.ackBy, sample.id) },
  [ITEM_TYPES.notificationDelivered]: notificationDeliveredKey(sample.department, sample.id),
  [ITEM_TYPES.enterpriseDirectory]: { ...directoryKey(sample.creditCode), index: poolIndexKey(sample.regionCode, sample.industryKey, sample.creditCode) },
  [ITEM_TYPES.inspectionPlan]: planKey(sample.planId),
  [ITEM_TYPES.planListing]: planListKey(sample.department, sample.createdAt, sample.planId),
  [ITEM_TYPES.planChunk]: planChunkKey(sample.planId, 'POOL', 3),
  [ITEM_TYPES.inspectionTask]: { ...taskKey(sample.planId, sample.creditCode), index: dueIndexKey(sample.dueDate, sample.planId, sample.creditCode) },
  [ITEM_TYPES.itemPlan]: itemPlanKey(sample.itemCode, sample.drawnAt, sample.planId),
  [ITEM_TYPES.calendarYear]: calendarYearKey(sample.year),
  [ITEM_TYPES.jobCursor]: jobCursorKey(sample.job),
  [ITEM_TYPES.departmentEntry]: departmentEntryKey(sample.department),
  [ITEM_TYPES.creditFeedHead]: feedHeadKey('blacklist'),
  [ITEM_TYPES.creditChange]: feedChangeKey('blacklist', 12_345),
  [ITEM_TYPES.creditListed]: listedKey('blacklist', sample.creditCode),
  [ITEM_TYPES.creditMembership]: { ...membershipKey(sample.creditCode, 'blacklist'), index: creditDueKey(sample.actOn, sample.creditCode, sample.what) },
  [ITEM_TYPES.creditProposal]: proposalKey(sample.creditCode, sample.proposalId),
  [ITEM_TYPES.commitment]: {
    ...commitmentKey(sample.creditCode, sample.recordId),
    index: { ...creditDueKey(sample.actOn, sample.creditCode, sample.what), ...commitmentListKey(sample.grantedOn, sample.recordId) },
  },
  [ITEM_TYPES.risk]: { ...riskKey(sample.creditCode), index: riskIndexKey(sample.region, sample.riskClass, sample.creditCode) },
  [ITEM_TYPES.creditReport]: reportKey(sample.at, sample.reportId),
  [ITEM_TYPES.directedEvent]: directedEventKey(sample.eventId),
  [ITEM_TYPES.catalogueVersion]: catalogueVersionKey(sample.code, sample.effectiveFrom),
  [ITEM_TYPES.catalogueStamp]: CATALOGUE_STAMP_KEY,
  [ITEM_TYPES.catalogueChange]: catalogueChangeKey(sample.at, sample.code, sample.effectiveFrom),
  [ITEM_TYPES.quotaStock]: quotaStockKey(sample.code),
  [ITEM_TYPES.unmatchedPhrase]: unmatchedPhraseKey(sample.phrase),
  [ITEM_TYPES.nameIndex]: nameKey('嘉兴市南湖区禾味餐饮管理有限公司', '91350200MA2XYZ1234'),
  [ITEM_TYPES.statisticsCounter]: statisticsKey(sample.department, sample.quarter, Number(sample.shard)),
  [ITEM_TYPES.recordCounted]: recordCountedKey(sample.recordId, 7),
  [ITEM_TYPES.licenceCover]: {
    ...coverKey(sample.creditCode),
    index: { ...uncoveredIndexKey(sample.region, sample.since, sample.creditCode), ...recheckIndexKey(sample.date, sample.creditCode) },
  },
  [ITEM_TYPES.consoleSession]: sessionKey(sample.tokenHash),
  [ITEM_TYPES.importJob]: importJobKey(sample.jobId),
  [ITEM_TYPES.importRows]: importRowsKey(sample.jobId, 3),
  [ITEM_TYPES.importReport]: importReportKey(sample.jobId, 3),
  [ITEM_TYPES.problemData]: { ...problemKey(sample.recordId, 7, sample.check), index: problemListIndexKey(sample.department, sample.status, sample.check, sample.at, sample.id) },
  [ITEM_TYPES.problemWaiting]: problemWaitingKey(sample.creditCode, sample.id),
};

describe('the items table in the header', () => {
  const rows = docTable('Items');

  it('has one row per item type, and no other', () => {
    expect(rows.map((r) => r[0]).sort()).toEqual(Object.values(ITEM_TYPES).sort());
  });

  it.each(Object.values(ITEM_TYPES))('documents the keys %s items are written with', (type) => {
    const [, pk, sk, index] = rows.find((r) => r[0] === type) ?? [];
    const keys = built[type];
    expect(fill(pk)).toBe(keys.PK);
    expect(fill(sk)).toBe(keys.SK);
    if (keys.index) {
      // One entry per index, separated by "; ".
      for (const entry of index.split('; ')) {
        const [name, partition, , sort] = entry.split(' ');
        const def = Object.values(INDEXES).find((i) => i.name === name);
        expect(def, `index ${name} exists`).toBeDefined();
        expect(fill(partition)).toBe(keys.index[def?.partitionKey ?? '']);
        expect(fill(sort)).toBe(keys.index[def?.sortKey ?? '']);
      }
    } else {
      expect(index).toBe('');
    }
  });
});

describe('the indexes table in the header', () => {
  const rows = docTable('Indexes');

  it('names every index the table has, with its projection', () => {
    expect(rows.map((r) => r[0])).toEqual(TABLE.indexes.map((i) => i.name));
    for (const index of TABLE.indexes) {
      const projection = rows.find((r) => r[0] === index.name)?.[2];
      expect(projection).toBe(typeof index.projection === 'string' ? index.projection : index.projection.join(', '));
    }
  });

  it('keeps record bodies out of the enterprise index', () => {
    expect(INDEXES.enterprise.projection).toEqual(SUMMARY_ATTRIBUTES);
    expect(SUMMARY_ATTRIBUTES).not.toContain('data');
  });
});

describe('the access patterns table in the header', () => {
  const rows = docTable('Access patterns');

  it('gives every pattern an operation and a cost', () => {
    expect(rows.length).toBeGreaterThan(10);
    for (const [pattern, operation, cost] of rows) {
      expect(operation, pattern).not.toBe('');
      expect(cost, pattern).toMatch(/RCU|WCU|page|quer/);
    }
  });

  it('queries only indexes that exist', () => {
    const names = TABLE.indexes.map((i) => i.name);
    for (const [pattern, operation] of rows) {
      for (const used of operation.match(/\bGSI\d+|\bby[A-Z]\w+/g) ?? []) expect(names, pattern).toContain(used);
    }
  });
});

describe('fan-out stream filters', () => {
  it('wake fan-out for inserts of record versions, credit list changes, directed events, catalogue changes and tasks, feedback, escalation or a claim on a notification, and escalated tasks', () => {
    expect(FANOUT_STREAM_FILTERS).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['record-version', 'credit-change', 'directed-event', 'catalogue-change', 'inspection-task'] } } } },
      { eventName: ['MODIFY'], dynamodb: { NewImage: { type: { S: ['notification'] }, lastFeedbackAt: { S: [{ exists: true }] } } } },
      { eventName: ['MODIFY'], dynamodb: { NewImage: { type: { S: ['notification'] }, escalatedAt: { S: [{ exists: true }] } } } },
      { eventName: ['MODIFY'], dynamodb: { NewImage: { type: { S: ['notification'] }, claimedAt: { S: [{ exists: true }] } } } },
      { eventName: ['MODIFY'], dynamodb: { NewImage: { type: { S: ['inspection-task'] }, escalatedAt: { S: [{ exists: true }] } } } },
    ]);
  });
});
