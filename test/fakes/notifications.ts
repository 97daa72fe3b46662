/** A stored webhook notification of one record event to the health department, for unit tests of delivery. */
import type { StoredNotification } from '../../functions/core/model';

export const SAMPLE_NOTIFICATION_ID = 'ntf_20261127020000000_0123456789abcdef';

export function sampleNotification(delivery: Partial<StoredNotification['delivery']> = {}): StoredNotification {
  const subscriptionId = delivery.subscriptionId ?? 'sub_x';
  return {
    id: SAMPLE_NOTIFICATION_ID,
    department: 'health',
    event: {
      specversion: '1.0',
      id: 'evt_1',
      type: 'cn.edx.record.created',
      source: '/records',
      subject: '91330402MA2B4T1X8Q',
      time: '2026-11-27T02:00:00.000Z',
      datacontenttype: 'application/json',
      data: {},
    },
    reasons: [`subscription:${subscriptionId}`],
    createdAt: '2026-11-27T02:00:00.000Z',
    ackBy: '2026-11-30T02:00:00.000Z',
    delivery: { mode: 'webhook', status: 'queued', attempts: 0, ...delivery, subscriptionId },
    feedback: [],
  };
}
