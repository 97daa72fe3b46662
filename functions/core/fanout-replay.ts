/**
 * Replaying fan-out (推送补发) after it gave up. The stream keeps a change for 24 hours, and what
 * Lambda hands its on-failure destination is only a pointer into the stream; but every change
 * fan-out acts on is an item that stays in the table (a record version, a credit change, a
 * directed event, a catalogue change, a notification, an inspection task). So a change fan-out gave
 * up on is parked by the key of its item, and replaying it reads the item as it is now and fans it
 * out again, however long ago it failed.
 *
 * Replaying is safe to repeat and to run beside the live stream: notifications are written only
 * if absent under ids derived from the event and the department, and every event id is derived from
 * what it is about, so each notification exists once however often a change is replayed; one still
 * waiting for its webhook is queued again (receivers dedupe on `webhook-id`).
 *
 * Both the AWS on-failure consumer (which turns the pointer into keys, functions/fanout/adapter.ts)
 * and the local runner park with `parkChanges` and replay with `replayParked`; `replayChange`
 * replays one key at once.
 */
import { Fanout, SubscriptionSet, type FanoutConfig, type StreamChange } from './fanout';
import type { ChangedEntity } from './model';
import type { ChangeKey, FanoutReplayStore, Ports } from './ports';

/**
 * The stream changes that reproduce what fan-out does for an item as it is now. A notification or
 * a task is replayed as a change from a state without any of its feedback, claim or escalation,
 * so everything they ever woke fan-out for is derived again (and found to exist where it does).
 */
export function changesFor(entity: ChangedEntity, sequenceNumber: string): StreamChange[] {
  switch (entity.type) {
    case 'record-version':
    case 'credit-change':
    case 'directed-event':
    case 'catalogue-change':
      return [{ eventName: 'INSERT', sequenceNumber, after: entity }];
    case 'inspection-task': {
      const { escalatedAt: _escalatedAt, ...unescalated } = entity.value;
      return [
        { eventName: 'INSERT', sequenceNumber, after: entity },
        ...(entity.value.escalatedAt ? [{ eventName: 'MODIFY' as const, sequenceNumber, after: entity, before: { type: 'inspection-task' as const, value: unescalated } }] : []),
      ];
    }
    case 'notification': {
      const { escalatedAt: _escalatedAt, claimedAt: _claimedAt, ...rest } = entity.value;
      return [{ eventName: 'MODIFY', sequenceNumber, after: entity, before: { type: 'notification', value: { ...rest, feedback: [] } } }];
    }
    default:
      return [];
  }
}

/** The metric the on-failure consumer counts parked changes in (its alarm tells operators to replay). */
export const PARKED_METRIC = { namespace: 'EnterpriseDataExchange', name: 'FanoutChangesParked' } as const;

function replayStore(ports: Ports): FanoutReplayStore {
  if (!ports.fanoutReplay) throw new Error('replaying fan-out needs the table (the fanoutReplay store)');
  return ports.fanoutReplay;
}

/** Keeps changes fan-out gave up on until they are replayed. */
export async function parkChanges(ports: Ports, changes: { key: ChangeKey; reason: string }[]): Promise<void> {
  if (changes.length) await replayStore(ports).park(changes, ports.clock.now().toISOString());
}

/** Fans out the item under `key` again as it is now; the notifications it wrote (none when all existed). */
export async function replayChange(ports: Ports, config: FanoutConfig, key: ChangeKey, fanout = new Fanout(ports, config, undefined, true)): Promise<number> {
  const entity = await replayStore(ports).read(key);
  if (!entity) return 0;
  let failure: { error: unknown } | undefined;
  try {
    for (const change of changesFor(entity, `replay:${key.pk}/${key.sk}`)) await fanout.handle(change);
  } catch (error) {
    failure = { error };
  }
  // Written and queued before the change counts as replayed (and is released); a failure keeps it parked.
  const flushed = await fanout.flush();
  if (failure) throw failure.error;
  if (flushed.failed) throw flushed.error;
  return flushed.notifications;
}

export interface ReplayProgress {
  replayed: number;
  notifications: number;
  failed: number;
  /** The first failure's message, when a change still fails (it stays parked). */
  firstError?: string;
}

/**
 * Replays every parked change, a page at a time, and forgets each one that went through; one that
 * still fails stays parked for the next run. `onPage` reports progress after each page.
 */
export async function replayParked(ports: Ports, config: FanoutConfig, onPage: (p: ReplayProgress) => void = () => {}, pageSize = 100): Promise<ReplayProgress> {
  const store = replayStore(ports);
  const progress: ReplayProgress = { replayed: 0, notifications: 0, failed: 0 };
  const subscriptions = new SubscriptionSet(ports, 0);
  let cursor: string | undefined;
  do {
    const page = await store.parked(cursor, pageSize);
    // One fan-out per page: one look at the subscriptions and the clients for up to pageSize changes.
    const fanout = new Fanout(ports, config, subscriptions, true);
    for (const parked of page.items) {
      try {
        progress.notifications += await replayChange(ports, config, parked.key, fanout);
        await store.release(parked);
        progress.replayed++;
      } catch (error) {
        progress.failed++;
        progress.firstError ??= `${parked.key.pk}/${parked.key.sk}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    onPage({ ...progress });
    cursor = page.next;
  } while (cursor);
  return progress;
}
