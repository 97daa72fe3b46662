/**
 * What the core needs from the outside world. Adapters: functions/store/dynamo.ts (store), the
 * system clock and crypto ids in production; tests pass the same DynamoDB store and a fixed clock.
 */
import type { RecordKind } from '../../schemas/records';
import type { AccessLogEntry, ApiClient, CreditCodeException, HistoryPosition, RecordSummary, StoredVersion } from './model';

export interface Page<T> {
  items: T[];
  /** Opaque position for the next page; absent on the last page. */
  next?: string;
}

export interface Store {
  /** Writes version 1 unless the record exists; then returns what is stored as version 1. */
  putFirstVersion(v: StoredVersion): Promise<{ created: true } | { created: false; existing: StoredVersion }>;
  /** Writes `next` and marks `previous` superseded in one transaction; false if `previous` is no longer current. */
  putCorrection(next: StoredVersion, previous: StoredVersion): Promise<boolean>;
  latestVersion(recordId: string): Promise<StoredVersion | undefined>;
  /** Every version, newest first. */
  recordVersions(recordId: string): Promise<StoredVersion[]>;
  /** Every live record of an enterprise, ordered by kind, then date, then id. */
  enterpriseRecords(creditCode: string): Promise<RecordSummary[]>;
  /** Live records of one kind older than `before`, newest first. */
  enterpriseHistory(creditCode: string, kind: RecordKind, before: HistoryPosition | undefined, limit: number): Promise<RecordSummary[]>;

  appendAccessLog(entry: AccessLogEntry, nonce: string): Promise<void>;
  accessLog(creditCode: string, cursor: string | undefined, limit: number): Promise<Page<AccessLogEntry>>;

  getClient(clientId: string): Promise<ApiClient | undefined>;
  putClient(client: ApiClient): Promise<void>;
  listClients(): Promise<ApiClient[]>;
  revokeClient(clientId: string, at: string): Promise<boolean>;

  creditCodeExceptions(): Promise<ReadonlySet<string>>;
  listCreditCodeExceptions(): Promise<CreditCodeException[]>;
  putCreditCodeException(e: CreditCodeException): Promise<void>;
  deleteCreditCodeException(creditCode: string): Promise<boolean>;
}

export interface Clock {
  now(): Date;
}

export interface Ids {
  /** `bytes` random bytes as base64url (4 characters per 3 bytes, no padding). */
  random(bytes: number): string;
}

export interface Ports {
  store: Store;
  clock: Clock;
  ids: Ids;
}
