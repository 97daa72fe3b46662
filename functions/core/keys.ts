/**
 * The single table's key layout. Nothing else in the code base builds PK/SK strings.
 *
 * Items
 * | item                | PK                         | SK                      | GSI1PK (sparse)   | GSI1SK                         |
 * |---------------------|----------------------------|-------------------------|-------------------|--------------------------------|
 * | record version      | REC#<recordId>             | V#<version, 6 digits>   | ENT#<creditCode>  | <kind>#<date>#<recordId>       |
 * | profile access log  | ENT#<creditCode>           | ACCESS#<iso time>#<rnd> |                   |                                |
 * | API client          | CLIENTS                    | <clientId>              |                   |                                |
 * | credit code exception | CREDIT_CODE_EXCEPTIONS   | <creditCode>            |                   |                                |
 * | subscription        | SUBS                       | <department>#<subId>    |                   |                                |
 * | notification        | INBOX#<department>         | N#<event time>#<ntfId>  | GSI2: OPEN#<department> | <event time>#<ntfId> (until acknowledged) |
 *
 * GSI2 ("open notifications", projects everything) holds a notification until it is
 * acknowledged: a department's pull of what it has not seen, redrive of failed deliveries and the
 * overdue job read it instead of whole inboxes.
 *
 * Only the current version of a record carries the GSI1 keys, so GSI1 ("enterprise index") holds
 * exactly one entry per live record. It projects the summary (no personal fields), not the body:
 * a 1 KB record costs 2 WCU on the table plus 1 on the index, and a profile is one query page.
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
 * | log a profile read                        | PutItem ENT#code/ACCESS#...                            | 1 WCU                   |
 * | list an enterprise's access log           | Query ENT#code, begins_with ACCESS#, descending         | one page per call       |
 * | authenticate a client                     | GetItem CLIENTS/<id> (cached in the Lambda for 15 s)   | 0.5 RCU                 |
 * | list clients / exceptions                 | Query CLIENTS / CREDIT_CODE_EXCEPTIONS                 | one page                |
 * | a department's subscriptions              | Query SUBS, begins_with <department>#                  | one page                |
 * | all subscriptions (fan-out matching)      | Query SUBS                                             | one page per stream batch |
 * | write a notification (idempotent)         | PutItem INBOX#d/N#..., attribute_not_exists(PK)        | 1 WCU + 1 WCU on GSI2   |
 * | one notification (ack, feedback, deliver) | GetItem / UpdateItem INBOX#d/N#... (key from the id)   | 1 RCU / 1-2 WCU         |
 * | a department's inbox, oldest first        | Query INBOX#d, begins_with N#                          | one page per call       |
 * | a department's open notifications         | Query GSI2 OPEN#d                                      | one page per call       |
 * | latest registration of an enterprise      | Query GSI1 ENT#code, begins_with registration#, desc, Limit 1 | 0.5 RCU           |
 */
import type { RecordKind } from '../../schemas/records';

export const GSI1 = 'GSI1';
export const GSI2 = 'GSI2';

export const recordKey = (recordId: string, version: number) => ({ PK: `REC#${recordId}`, SK: `V#${String(version).padStart(6, '0')}` });
export const recordPartition = (recordId: string) => `REC#${recordId}`;

export const enterprisePartition = (creditCode: string) => `ENT#${creditCode}`;
/** Position of a live record in its enterprise's history: by kind, then date, then id. */
export const historySortKey = (kind: RecordKind, date: string, recordId: string) => `${kind}#${date}#${recordId}`;
export const historyKindPrefix = (kind: RecordKind) => `${kind}#`;

export const accessLogKey = (creditCode: string, at: string, nonce: string) => ({ PK: enterprisePartition(creditCode), SK: `ACCESS#${at}#${nonce}` });
export const ACCESS_LOG_PREFIX = 'ACCESS#';

export const CLIENTS_PARTITION = 'CLIENTS';
export const clientKey = (clientId: string) => ({ PK: CLIENTS_PARTITION, SK: clientId });

export const EXCEPTIONS_PARTITION = 'CREDIT_CODE_EXCEPTIONS';
export const exceptionKey = (creditCode: string) => ({ PK: EXCEPTIONS_PARTITION, SK: creditCode });

export const SUBSCRIPTIONS_PARTITION = 'SUBS';
export const subscriptionKey = (department: string, id: string) => ({ PK: SUBSCRIPTIONS_PARTITION, SK: `${department}#${id}` });
export const subscriptionPrefix = (department: string) => `${department}#`;

/**
 * A notification id carries its event time (ntf_<yyyymmddhhmmssSSS>_<hash>), so the item's key
 * follows from the id and the caller's department without an index.
 */
export function notificationId(eventTime: string, hash: string): string {
  return `ntf_${eventTime.replace(/[^0-9]/g, '').slice(0, 17)}_${hash}`;
}
const NOTIFICATION_ID = /^ntf_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})_[0-9a-f]{16}$/;
export const isNotificationId = (id: string) => NOTIFICATION_ID.test(id);
export function notificationKey(department: string, id: string) {
  const m = NOTIFICATION_ID.exec(id);
  if (!m) throw new Error(`not a notification id: ${id}`);
  const time = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`;
  return { PK: inboxPartition(department), SK: `N#${time}#${id}` };
}
export const inboxPartition = (department: string) => `INBOX#${department}`;
export const INBOX_PREFIX = 'N#';
export const openPartition = (department: string) => `OPEN#${department}`;
export const openSortKey = (eventTime: string, id: string) => `${eventTime}#${id}`;
