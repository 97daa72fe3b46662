/** Every entity store on one table, sharing one client. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Stores } from '../core/ports';
import { DynamoAccessLogStore, type AccessAnchor } from './access-log';
import { DynamoCalendarStore } from './calendar';
import { DynamoDirectoryStore } from './directory';
import { DynamoPlanStore } from './plans';
import { meterCapacity, reportUnavailable, TableClient, type CapacityListener } from './client';
import { DynamoCatalogueStore, DynamoScopePhraseStore } from './catalogue';
import { DynamoCoverStore } from './cover';
import { DynamoStatisticsStore } from './statistics';
import { DynamoNameIndexStore } from './names';
import { DynamoProblemDataStore } from './problem-data';
import { DynamoClientStore } from './clients';
import { DynamoCreditCodeExceptionStore } from './credit-code-exceptions';
import { DynamoDepartmentStore } from './departments';
import { DynamoRecordListingStore } from './listings';
import { DynamoNotificationStore } from './notifications';
import { DynamoRecordStore } from './records';
import { DynamoSubscriptionStore } from './subscriptions';
import { DynamoSessionStore } from './sessions';
import { DynamoFanoutReplayStore } from './fanout-replay';
import { DynamoRateWindowStore } from './rate-windows';
import { DynamoCommitmentStore } from './commitments';
import { DynamoCreditListStore } from './credit-lists';
import type { Retention } from './table';
import { DynamoCreditFileStore, DynamoDirectedEventStore, DynamoMeasureReportStore, DynamoProposalStore, DynamoRiskStore } from './credit';

export interface DynamoStoreOptions {
  /** Receives the capacity every request consumed (benchmarks); requests ask for it only when set. */
  onCapacity?: CapacityListener;
  /** How long notifications and access-log entries are kept (DEFAULT_RETENTION when absent). */
  retention?: Retention;
  /** Receives each access-log entry once written, to keep its hash outside the table (the function's log on AWS). */
  anchor?: AccessAnchor;
}

export function dynamoStores(db: DynamoDBDocumentClient, table: string, options: DynamoStoreOptions = {}): Stores {
  if (options.onCapacity) meterCapacity(db, options.onCapacity);
  reportUnavailable(db);
  const t = new TableClient(db, table);
  return {
    records: new DynamoRecordStore(t),
    listings: new DynamoRecordListingStore(t),
    departments: new DynamoDepartmentStore(t),
    accessLog: new DynamoAccessLogStore(t, options.retention?.accessLogDays, options.anchor),
    clients: new DynamoClientStore(t),
    rateWindows: new DynamoRateWindowStore(t),
    creditCodeExceptions: new DynamoCreditCodeExceptionStore(t),
    subscriptions: new DynamoSubscriptionStore(t),
    fanoutReplay: new DynamoFanoutReplayStore(t),
    notifications: new DynamoNotificationStore(t, options.retention?.notificationDays),
    directory: new DynamoDirectoryStore(t),
    plans: new DynamoPlanStore(t),
    calendar: new DynamoCalendarStore(t),
    ping: () => t.ping(),
    creditLists: new DynamoCreditListStore(t),
    proposals: new DynamoProposalStore(t),
    commitments: new DynamoCommitmentStore(t),
    risk: new DynamoRiskStore(t),
    measureReports: new DynamoMeasureReportStore(t),
    directedEvents: new DynamoDirectedEventStore(t),
    creditFile: new DynamoCreditFileStore(t),
    catalogue: new DynamoCatalogueStore(t),
    scopePhrases: new DynamoScopePhraseStore(t),
    cover: new DynamoCoverStore(t),
    sessions: new DynamoSessionStore(t),
    statistics: new DynamoStatisticsStore(t),
    names: new DynamoNameIndexStore(t),
    importJobs: onFirstUse(() => import('./import-jobs').then(({ DynamoImportJobStore }) => new DynamoImportJobStore(t))),
    problemData: new DynamoProblemDataStore(t),
  };
}

/** A store whose adapter is a chunk of its own, loaded on its first call (only the console uses it, so cold starts do not pay for it). */
function onFirstUse<T extends object>(load: () => Promise<T>): T {
  let loaded: Promise<T> | undefined;
  return new Proxy({} as T, {
    get: (_, method) =>
      // Not a promise itself: `then` stays undefined, so awaiting the store yields the store.
      method === 'then'
        ? undefined
        : async (...args: unknown[]) => {
            const store = await (loaded ??= load());
            return (store[method as keyof T] as (...a: unknown[]) => unknown).apply(store, args);
          },
  });
}
