/** Every entity store on one table, sharing one client. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FanoutReplayStore, Stores } from '../core/ports';
import { DynamoAccessLogStore, type AccessAnchor } from './access-log';
import { DynamoCalendarStore } from './calendar';
import { DynamoDirectoryStore } from './directory';
import { meterCapacity, reportUnavailable, TableClient, type CapacityListener } from './client';
import { DynamoCatalogueStore, DynamoScopePhraseStore } from './catalogue';
import { DynamoStatisticsStore } from './statistics';
import { DynamoClientStore } from './clients';
import { DynamoCreditCodeExceptionStore } from './credit-code-exceptions';
import { DynamoDepartmentStore } from './departments';
import { DynamoRecordStore } from './records';
import { DynamoRateWindowStore } from './rate-windows';
import { DynamoCommitmentStore } from './commitments';
import { DynamoCreditListStore } from './credit-lists';
import type { Retention } from './table';

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
    listings: onFirstUse(() => import('./listings').then(({ DynamoRecordListingStore }) => new DynamoRecordListingStore(t))),
    departments: new DynamoDepartmentStore(t),
    accessLog: new DynamoAccessLogStore(t, options.retention?.accessLogDays, options.anchor, options.retention?.notificationDays),
    clients: new DynamoClientStore(t),
    rateWindows: new DynamoRateWindowStore(t),
    creditCodeExceptions: new DynamoCreditCodeExceptionStore(t),
    subscriptions: onFirstUse(() => import('./subscriptions').then(({ DynamoSubscriptionStore }) => new DynamoSubscriptionStore(t))),
    fanoutReplay: onFirstUse<FanoutReplayStore>(() => import('./fanout-replay').then(({ DynamoFanoutReplayStore }) => new DynamoFanoutReplayStore(t))),
    notifications: onFirstUse(() => import('./notifications').then(({ DynamoNotificationStore }) => new DynamoNotificationStore(t, options.retention?.notificationDays))),
    directory: new DynamoDirectoryStore(t),
    plans: onFirstUse(() => import('./plans').then(({ DynamoPlanStore }) => new DynamoPlanStore(t))),
    calendar: new DynamoCalendarStore(t),
    ping: () => t.ping(),
    creditLists: new DynamoCreditListStore(t),
    proposals: onFirstUse(() => import('./credit').then(({ DynamoProposalStore }) => new DynamoProposalStore(t))),
    commitments: new DynamoCommitmentStore(t),
    risk: onFirstUse(() => import('./credit').then(({ DynamoRiskStore }) => new DynamoRiskStore(t))),
    measureReports: onFirstUse(() => import('./credit').then(({ DynamoMeasureReportStore }) => new DynamoMeasureReportStore(t))),
    directedEvents: onFirstUse(() => import('./credit').then(({ DynamoDirectedEventStore }) => new DynamoDirectedEventStore(t))),
    creditFile: onFirstUse(() => import('./credit').then(({ DynamoCreditFileStore }) => new DynamoCreditFileStore(t))),
    catalogue: new DynamoCatalogueStore(t),
    scopePhrases: new DynamoScopePhraseStore(t),
    cover: onFirstUse(() => import('./cover').then(({ DynamoCoverStore }) => new DynamoCoverStore(t))),
    sessions: onFirstUse(() => import('./sessions').then(({ DynamoSessionStore }) => new DynamoSessionStore(t))),
    statistics: new DynamoStatisticsStore(t),
    names: onFirstUse(() => import('./names').then(({ DynamoNameIndexStore }) => new DynamoNameIndexStore(t))),
    importJobs: onFirstUse(() => import('./import-jobs').then(({ DynamoImportJobStore }) => new DynamoImportJobStore(t))),
    problemData: onFirstUse(() => import('./problem-data').then(({ DynamoProblemDataStore }) => new DynamoProblemDataStore(t))),
  };
}

/**
 * A store whose adapter is a chunk of its own, loaded on its first call: a cold start loads only
 * the stores its first request uses (posting a record needs none of these), the rest on demand.
 */
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
