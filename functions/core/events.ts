/**
 * The events the exchange emits (CloudEvents 1.0), with ids derived from what they are about, so
 * every retry of every step produces the same id.
 */
import { createHash } from 'node:crypto';
import { EVENT_TYPES } from '../../schemas/event-types';
import type { CloudEvent } from '../../schemas/events';
import { eventId, notificationId } from './ids';
import { summarise } from './summary';
import type { CreditChange } from '../../schemas/credit';
import type { CatalogueChange, Feedback, StoredNotification, StoredTask, StoredVersion } from './model';

const digest = (s: string, n: number) => createHash('sha256').update(s).digest('hex').slice(0, n);
export { eventId };
/** One notification per event and receiving department. */
export const notificationIdFor = (event: CloudEvent, department: string) => notificationId(event.time, digest(`${event.id}\n${department}`, 16));

/**
 * The CloudEvents 1.0 envelope every event of the exchange shares. `about` names what the event
 * is about (the kind, the thing and its step); the id is derived from it, so a retry of any step
 * makes the same event.
 */
export function cloudEvent(e: { about: string; source: string; type: string; subject: string; time: string; data: CloudEvent['data'] }): CloudEvent {
  return { specversion: '1.0', id: eventId(e.about), source: e.source, type: e.type, subject: e.subject, time: e.time, datacontenttype: 'application/json', data: e.data };
}

export function recordEvent(v: StoredVersion): CloudEvent {
  return cloudEvent({
    about: `record:${v.id}:${v.version}`,
    source: `/v1/records/${v.id}`,
    type: v.version === 1 ? EVENT_TYPES.recordCreated : EVENT_TYPES.recordCorrected,
    subject: v.creditCode,
    time: v.receivedAt,
    data: {
      recordId: v.id,
      version: v.version,
      ...(v.corrects === undefined ? {} : { corrects: v.corrects }),
      kind: v.kind,
      creditCode: v.creditCode,
      postedBy: v.department,
      date: v.date,
      // Filtered again, so a summary stored under an older rule cannot carry more than the rule allows now.
      summary: summarise(v.kind, v.summary, v.creditCode),
    },
  });
}

/** A comment is free text that can name anyone: the event says there is one, the poster reads it in its inbox. */
export function feedbackEvent(n: StoredNotification, feedback: Feedback, index: number): CloudEvent {
  const { comment, ...shared } = feedback;
  return cloudEvent({
    about: `feedback:${n.id}:${index}`,
    source: `/v1/notifications/${n.id}`,
    type: EVENT_TYPES.feedback,
    subject: n.event.subject,
    time: feedback.at,
    data: {
      notificationId: n.id,
      about: { eventId: n.event.id, type: n.event.type, source: n.event.source },
      from: n.department,
      feedback: { ...shared, ...(comment ? { hasComment: true } : {}) },
    },
  });
}

export function overdueEvent(n: StoredNotification): CloudEvent {
  return cloudEvent({
    about: `overdue:${n.id}`,
    source: `/v1/notifications/${n.id}`,
    type: EVENT_TYPES.overdue,
    subject: n.event.subject,
    time: n.escalatedAt ?? n.ackBy,
    data: { notificationId: n.id, department: n.department, ackBy: n.ackBy, about: { eventId: n.event.id, type: n.event.type, source: n.event.source } },
  });
}

/** A drawn task for the inspectors' departments (检查任务下达): public task data only. */
export function taskEvent(t: StoredTask): CloudEvent {
  return cloudEvent({
    about: `task:${t.id}`,
    source: `/v1/public/plans/${t.planId}/tasks/${t.creditCode}`,
    type: EVENT_TYPES.taskAssigned,
    subject: t.creditCode,
    time: t.createdAt,
    data: {
      taskId: t.id,
      planId: t.planId,
      creditCode: t.creditCode,
      riskClass: t.riskClass,
      catalogueItemCodes: t.catalogueItemCodes,
      inspectors: t.inspectors,
      organiser: t.organiser,
      resultDue: t.resultDue,
    },
  });
}

/** A task whose result was not posted in time, for the organising department. */
export function taskOverdueEvent(t: StoredTask): CloudEvent {
  return cloudEvent({
    about: `task-overdue:${t.id}`,
    source: `/v1/public/plans/${t.planId}/tasks/${t.creditCode}`,
    type: EVENT_TYPES.taskOverdue,
    subject: t.creditCode,
    time: t.escalatedAt ?? t.resultDue.overdueAfter,
    data: { taskId: t.id, planId: t.planId, creditCode: t.creditCode, departments: t.departments, inspectors: t.inspectors.map((i) => i.id), resultDue: t.resultDue },
  });
}

/** A change of a credit list, for subscribers of the list (the feed has the same change at `seq`). */
export function listChangeEvent(c: CreditChange): CloudEvent {
  return cloudEvent({
    about: `credit-change:${c.list}:${c.seq}`,
    source: `/v1/credit/lists/${c.list}/changes`,
    type: EVENT_TYPES.creditListChanged,
    subject: c.entry.creditCode,
    time: c.at,
    data: { list: c.list, seq: c.seq, change: c.change, entry: c.entry },
  });
}

/** A version added to the permit catalogue; `subject` is the item code (the event is about no enterprise). */
export function catalogueChangedEvent(c: CatalogueChange): CloudEvent {
  return cloudEvent({
    about: `catalogue:${c.code}:${c.effectiveFrom}:${c.at}`,
    source: `/v1/catalogue/${c.code}`,
    type: EVENT_TYPES.catalogueChanged,
    subject: c.code,
    time: c.at,
    data: { ...c },
  });
}
