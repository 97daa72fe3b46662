/**
 * The single table's layout: key builders, attribute names, the entity type stamped on every
 * item, the indexes with their projections and the stream filter patterns. Nothing else in the
 * code base builds PK/SK strings or names a table attribute; infra/ builds the table from these
 * constants, so the deployed and the local table cannot differ from what the stores expect.
 * test/unit/table.test.ts checks the two tables below against the code.
 *
 * Items (every item carries `type`, its entity name)
 * | type                  | PK                     | SK                        | index keys (sparse)                                        |
 * |-----------------------|------------------------|---------------------------|------------------------------------------------------------|
 * | record-version        | REC#<recordId>         | V#<version6>              | GSI1 ENT#<creditCode> / <kind>#<date>#<recordId> (current only) |
 * | access-log            | ENT#<creditCode>       | ACCESS#<at>#<nonce>       |                                                            |
 * | client                | CLIENTS                | <clientId>                |                                                            |
 * | credit-code-exception | CREDIT_CODE_EXCEPTIONS | <creditCode>              |                                                            |
 * | subscription          | SUBS                   | <department>#<id>         |                                                            |
 * | notification          | INBOX#<department>     | N#<eventTime>#<id>        | GSI2 OPEN#<department> / <eventTime>#<id> (until acknowledged) |
 *
 * Indexes
 * | index | serves                        | projection                                                         |
 * |-------|-------------------------------|--------------------------------------------------------------------|
 * | GSI1  | enterprise: its live records  | id, version, kind, creditCode, date, summary, department, receivedAt |
 * | GSI2  | a department's open notifications | ALL                                                            |
 *
 * Only the current version of a record carries the GSI1 keys, so GSI1 holds exactly one entry per
 * live record. It projects the summary (no personal fields), not the body: a 1 KB record costs
 * 2 WCU on the table plus 1 on the index, and a profile is one query page. GSI2 holds a
 * notification until it is acknowledged: a department's pull of what it has not seen, redrive of
 * failed deliveries and the overdue job read it instead of whole inboxes.
 *
 * Access patterns (cost for a 1 KB record; eventually consistent reads are half a unit per 4 KB)
 * | pattern                                   | operation                                              | cost                    |
 * |-------------------------------------------|--------------------------------------------------------|-------------------------|
 * | ingest a new record (idempotent)          | PutItem REC#id/V#000001, attribute_not_exists(PK)      | 2 WCU + 1 WCU on GSI1   |
 * | replay / conflict check                   | same PutItem returns the old item (ALL_OLD on failure) | 2 WCU, no extra read    |
 * | correct a record                          | TransactWrite: Put V#n+1, Update V#n (drop GSI1 keys)  | 2x (2 + 1) + 2x1 WCU    |
 * | latest version of a record                | Query REC#id, descending, Limit 1                      | 1 RCU (strong)          |
 * | a record with all its versions            | Query REC#id, descending                               | 0.5 RCU per 4 KB        |
 * | enterprise profile (all live records)     | Query GSI1 ENT#code                                    | 0.5 RCU per 4 KB summaries; one page up to ~3,000 records |
 * | enterprise history, one kind, newest first| Query GSI1 ENT#code, SK < <kind>#<date>#<id>, desc     | one page per call       |
 * | enterprise history, all kinds             | the above for each of 5 kinds, merged                  | 5 small queries per page|
 * | latest registration of an enterprise      | Query GSI1 ENT#code, begins_with registration#, desc, Limit 1 | 0.5 RCU          |
 * | log a profile read                        | PutItem ENT#code/ACCESS#...                            | 1 WCU                   |
 * | list an enterprise's access log           | Query ENT#code, begins_with ACCESS#, descending        | one page per call       |
 * | authenticate a client                     | GetItem CLIENTS/<id> (cached in the Lambda for 15 s)   | 0.5 RCU                 |
 * | list clients / exceptions                 | Query CLIENTS / CREDIT_CODE_EXCEPTIONS                 | one page                |
 * | a department's subscriptions              | Query SUBS, begins_with <department>#                  | one page                |
 * | all subscriptions (fan-out matching)      | Query SUBS                                             | one page per stream batch |
 * | write a notification (idempotent)         | PutItem INBOX#d/N#..., attribute_not_exists(PK)        | 1 WCU + 1 WCU on GSI2   |
 * | one notification (ack, feedback, deliver) | GetItem / UpdateItem INBOX#d/N#... (key from the id)   | 1 RCU / 1-2 WCU         |
 * | a department's inbox, oldest first        | Query INBOX#d, begins_with N#                          | one page per call       |
 * | a department's open notifications         | Query GSI2 OPEN#d                                      | one page per call       |
 */
import type { RecordKind } from '../../schemas/records';
import { notificationTime } from '../core/ids';
import type { StoredVersion } from '../core/model';

/** Attribute names of the table's keys and of the fields the table itself reads (filters, conditions). */
export const ATTR = {
  pk: 'PK',
  sk: 'SK',
  gsi1pk: 'GSI1PK',
  gsi1sk: 'GSI1SK',
  gsi2pk: 'GSI2PK',
  gsi2sk: 'GSI2SK',
  type: 'type',
} as const;

/** The entity name every item carries in `type`. */
export const ITEM_TYPES = {
  recordVersion: 'record-version',
  accessLog: 'access-log',
  client: 'client',
  creditCodeException: 'credit-code-exception',
  subscription: 'subscription',
  notification: 'notification',
} as const;
export type ItemType = (typeof ITEM_TYPES)[keyof typeof ITEM_TYPES];

/** What the enterprise index projects: the summary and what a profile shows next to it; never the record body. */
export const SUMMARY_ATTRIBUTES = ['id', 'version', 'kind', 'creditCode', 'date', 'summary', 'department', 'receivedAt'] as const;
/** A live record as the enterprise index holds it. */
export type RecordSummary = Pick<StoredVersion, (typeof SUMMARY_ATTRIBUTES)[number]>;

export const INDEXES = {
  /** An enterprise's live records, by kind, date and id. */
  enterprise: { name: 'GSI1', partitionKey: ATTR.gsi1pk, sortKey: ATTR.gsi1sk, projection: SUMMARY_ATTRIBUTES },
  /** A department's notifications not yet acknowledged, oldest first; notifications are small, so it projects everything. */
  open: { name: 'GSI2', partitionKey: ATTR.gsi2pk, sortKey: ATTR.gsi2sk, projection: 'ALL' },
} as const;

/** The table as data, for the CDK stack and the local runner. */
export const TABLE = {
  partitionKey: ATTR.pk,
  sortKey: ATTR.sk,
  indexes: [INDEXES.enterprise, INDEXES.open],
  stream: 'NEW_AND_OLD_IMAGES',
} as const;

/** The bookkeeping attributes on top of the domain object; `strip` removes exactly these. */
export const BOOKKEEPING = Object.values(ATTR);

export const recordPartition = (recordId: string) => `REC#${recordId}`;
export const recordKey = (recordId: string, version: number) => ({ PK: recordPartition(recordId), SK: `V#${String(version).padStart(6, '0')}` });

export const enterprisePartition = (creditCode: string) => `ENT#${creditCode}`;
/** Position of a live record in its enterprise's history: by kind, then date, then id. */
export const historySortKey = (kind: RecordKind, date: string, recordId: string) => `${kind}#${date}#${recordId}`;
export const historyKindPrefix = (kind: RecordKind) => `${kind}#`;
export const enterpriseIndexKey = (creditCode: string, kind: RecordKind, date: string, recordId: string) => ({
  [ATTR.gsi1pk]: enterprisePartition(creditCode),
  [ATTR.gsi1sk]: historySortKey(kind, date, recordId),
});

export const ACCESS_LOG_PREFIX = 'ACCESS#';
export const accessLogKey = (creditCode: string, at: string, nonce: string) => ({ PK: enterprisePartition(creditCode), SK: `${ACCESS_LOG_PREFIX}${at}#${nonce}` });

export const CLIENTS_PARTITION = 'CLIENTS';
export const clientKey = (clientId: string) => ({ PK: CLIENTS_PARTITION, SK: clientId });

export const EXCEPTIONS_PARTITION = 'CREDIT_CODE_EXCEPTIONS';
export const exceptionKey = (creditCode: string) => ({ PK: EXCEPTIONS_PARTITION, SK: creditCode });

export const SUBSCRIPTIONS_PARTITION = 'SUBS';
export const subscriptionPrefix = (department: string) => `${department}#`;
export const subscriptionKey = (department: string, id: string) => ({ PK: SUBSCRIPTIONS_PARTITION, SK: `${subscriptionPrefix(department)}${id}` });

export const inboxPartition = (department: string) => `INBOX#${department}`;
export const INBOX_PREFIX = 'N#';
/** A notification's key follows from its id (which carries the event time) and the department, without an index. */
export const notificationKey = (department: string, id: string) => ({ PK: inboxPartition(department), SK: `${INBOX_PREFIX}${notificationTime(id)}#${id}` });
export const openPartition = (department: string) => `OPEN#${department}`;
export const openSortKey = (eventTime: string, id: string) => `${eventTime}#${id}`;
export const openIndexKey = (department: string, eventTime: string, id: string) => ({
  [ATTR.gsi2pk]: openPartition(department),
  [ATTR.gsi2sk]: openSortKey(eventTime, id),
});

/** Notification attributes whose appearance wakes fan-out (feedback to pass on, an escalation to send). */
export const NOTIFICATION_WAKERS = ['lastFeedbackAt', 'escalatedAt'] as const;

/**
 * Which stream records wake fan-out, as Lambda event filter patterns: new record versions, and
 * notifications that carry feedback or an escalation mark (delivery-status updates never do).
 * The stack and the local stream poller apply the same patterns.
 */
export const FANOUT_STREAM_FILTERS = [
  { eventName: ['INSERT'], dynamodb: { NewImage: { [ATTR.type]: { S: [ITEM_TYPES.recordVersion] } } } },
  ...NOTIFICATION_WAKERS.map((attribute) => ({
    eventName: ['MODIFY'],
    dynamodb: { NewImage: { [ATTR.type]: { S: [ITEM_TYPES.notification] }, [attribute]: { S: [{ exists: true }] } } },
  })),
];
