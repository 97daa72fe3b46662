/**
 * Push and feedback: subscriptions, the CloudEvents 1.0 events the exchange emits, notifications
 * (one per event and receiving department) and feedback on them.
 */
import { z } from 'zod';
import { CatalogueItemCode, LongText, pageOf, pageQuery, Text } from './common';
import { RECORD_KINDS } from './records';

import { EVENT_TYPES } from './event-types';

export { EVENT_TYPES };

/** A CloudEvents 1.0 event in the JSON format; `id` is stable across every retry and receiver. */
export const CloudEvent = z
  .strictObject({
    specversion: z.literal('1.0'),
    id: z.string().meta({ description: 'stable event id: receivers dedupe on it' }),
    source: z.string().meta({ description: 'URI reference of what the event is about, e.g. /v1/records/rec_...' }),
    type: z.enum(Object.values(EVENT_TYPES) as [string, ...string[]]),
    subject: z.string().meta({ description: 'unified social credit code of the enterprise; for catalogue changes, the item code' }),
    time: z.iso.datetime(),
    datacontenttype: z.literal('application/json'),
    data: z.record(z.string(), z.unknown()).meta({
      description:
        'the record summary (public fields only: never personal data or free text), a 双告知 notice, the feedback outcome (never its comment), the overdue notification, or the catalogue change',
    }),
  })
  .meta({ id: 'CloudEvent', description: 'CloudEvents 1.0 JSON envelope' });
export type CloudEvent = z.infer<typeof CloudEvent>;

const Prefixes = (what: string, pattern: RegExp) =>
  z
    .array(z.string().regex(pattern, `must be ${what}`))
    .min(1)
    .max(100)
    .optional();

export const SubscriptionFilters = z
  .strictObject({
    kinds: z
      .array(z.enum([...RECORD_KINDS, 'catalogue']))
      .min(1)
      .max(RECORD_KINDS.length + 1)
      .optional()
      .meta({ description: 'record kinds (any if absent); `catalogue` asks for catalogue changes (cn.edx.catalogue.changed), matched on catalogueItemCodes only' }),
    catalogueItemCodes: z.array(CatalogueItemCode).min(1).max(200).optional().meta({ description: 'permit catalogue items (licences, filings and catalogue changes carry one)' }),
    industryPrefixes: Prefixes('a GB/T 4754 section letter or 1-4 leading digits', /^([A-T]|\d{1,4})$/).meta({
      description: 'GB/T 4754 code prefixes of the enterprise’s registered industry',
    }),
    regionPrefixes: Prefixes('2-6 leading digits of a GB/T 2260 code', /^\d{2,6}$/).meta({ description: 'GB/T 2260 code prefixes of the enterprise’s registered address' }),
    creditLists: z
      .array(z.enum(['blacklist', 'abnormal', 'redlist']))
      .min(1)
      .max(3)
      .optional()
      .meta({ description: 'credit lists whose changes to receive (cn.edx.credit.list-changed); such a subscription receives records only if it names kinds too' }),
    creditCodes: z
      .array(z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'must be a unified social credit code'))
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'watch list of enterprises' }),
  })
  .meta({ id: 'SubscriptionFilters', description: 'all given filters must match (each list matches if any entry does)' });
export type SubscriptionFilters = z.infer<typeof SubscriptionFilters>;

export const WebhookTarget = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .meta({ description: 'HTTPS endpoint that receives signed POSTs (Standard Webhooks)' }),
});

const Purpose = Text(200).meta({ description: 'why the department receives these records (1-200 characters); kept in the enterprise access log with every notification pushed or pulled' });

export const SubscriptionCreate = z
  .strictObject({
    name: Text(100),
    purpose: Purpose,
    filters: SubscriptionFilters.default({}),
    webhook: WebhookTarget.optional().meta({ description: 'push deliveries here; without it, notifications are only in the inbox (pull)' }),
  })
  .meta({ id: 'SubscriptionCreate' });

export const SubscriptionUpdate = z
  .strictObject({
    name: Text(100).optional(),
    purpose: Purpose.optional(),
    status: z.enum(['active', 'paused']).optional(),
    filters: SubscriptionFilters.optional(),
    webhook: WebhookTarget.nullable().optional().meta({ description: 'null removes the webhook' }),
  })
  .meta({ id: 'SubscriptionUpdate' });

export const Subscription = z
  .strictObject({
    id: z.string(),
    department: z.string(),
    name: z.string(),
    purpose: z.string().optional().meta({ description: 'absent only on subscriptions made before purposes were required' }),
    status: z.enum(['active', 'paused']),
    filters: SubscriptionFilters,
    webhook: z.strictObject({ url: z.string(), secretHint: z.string().meta({ description: 'last 4 characters of the signing secret' }) }).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Subscription' });

export const SubscriptionWithSecret = Subscription.extend({
  webhookSecret: z.string().optional().meta({ description: 'whsec_... signing secret, shown only now' }),
}).meta({ id: 'SubscriptionWithSecret' });

export const FEEDBACK_OUTCOMES = {
  'licence-granted': '已办理许可',
  'taken-into-supervision': '已纳入监管',
  inspected: '已检查',
  'not-our-competence': '非本部门职责',
  'permit-required': '需办理许可',
  other: '其他',
} as const;

export const FeedbackInput = z
  .strictObject({
    outcome: z.enum(Object.keys(FEEDBACK_OUTCOMES) as [keyof typeof FEEDBACK_OUTCOMES, ...(keyof typeof FEEDBACK_OUTCOMES)[]]).meta({
      description: Object.entries(FEEDBACK_OUTCOMES)
        .map(([k, v]) => `${k} ${v}`)
        .join(' / '),
    }),
    comment: LongText(2000).optional(),
  })
  .meta({ id: 'FeedbackInput', title: 'Feedback 反馈' });

export const Feedback = FeedbackInput.extend({ at: z.string(), clientId: z.string(), department: z.string() }).meta({ id: 'Feedback' });
export type Feedback = z.infer<typeof Feedback>;

export const Notification = z
  .strictObject({
    id: z.string(),
    department: z.string().meta({ description: 'receiving department' }),
    event: CloudEvent,
    reasons: z.array(z.string()).meta({ description: 'why this department received it: subscription:<id>, feedback, escalation' }),
    purpose: z.string().optional().meta({ description: 'on a record notification: the purposes of the subscriptions it matched, as logged in the enterprise access log' }),
    comment: z.string().optional().meta({ description: 'on a feedback notification: the comment (free text) for the department that posted the record; never in the event or a webhook' }),
    createdAt: z.string(),
    ackBy: z.string().meta({ description: 'acknowledge before this time or the notification is escalated' }),
    delivery: z.strictObject({
      mode: z.enum(['webhook', 'pull']),
      status: z.enum(['queued', 'delivered', 'failed', 'none']),
      subscriptionId: z.string().optional(),
      attempts: z.int(),
      lastError: z.string().optional(),
      lastAttemptAt: z.string().optional(),
      deliveredAt: z.string().optional(),
      requeuedAt: z.string().optional().meta({ description: 'when a redrive last queued this failed delivery again' }),
    }),
    acknowledgedAt: z.string().optional(),
    acknowledgedBy: z.string().optional(),
    feedback: z.array(Feedback),
    lastFeedbackAt: z.string().optional(),
    escalatedAt: z.string().optional(),
    claimedBy: z.string().optional().meta({ description: 'claim-pool notices: the department that claimed it (认领)' }),
    claimedAt: z.string().optional(),
    passedBy: z.array(z.string()).optional().meta({ description: 'claim-pool notices: departments that passed on it' }),
  })
  .meta({ id: 'Notification', title: 'Notification 推送通知' });
export type Notification = z.infer<typeof Notification>;

export const InboxQuery = z.strictObject({
  open: z.enum(['true', 'false']).optional().meta({ description: 'true: only notifications not yet acknowledged' }),
  ...pageQuery(50),
});
export const RotateSecret = z
  .strictObject({
    overlapHours: z.int().min(0).max(24).optional().meta({ description: 'how long the old secret keeps signing alongside the new one: 0-24 hours, default 24; 0 retires it at once' }),
  })
  .meta({ id: 'RotateSecret' });

export const RedriveQuery = z.strictObject({ cursor: pageQuery(1).cursor.meta({ description: '`next` of the previous redrive call' }) });
export const OverdueQuery = z.strictObject({
  department: z.string().max(32).optional().meta({ description: 'only this department; without it, department after department in name order' }),
  ...pageQuery(50),
});
export const InboxPage = pageOf(Notification, 'InboxPage');
