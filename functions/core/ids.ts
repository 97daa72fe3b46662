import { createHash } from 'node:crypto';

/** An event id derived from what the event is about, so every retry of every step produces the same id. */
export const eventId = (about: string) => `evt_${createHash('sha256').update(about).digest('hex').slice(0, 26)}`;

/**
 * Notification ids. An id carries its event time (ntf_<yyyymmddhhmmssSSS>_<hash>), so the item
 * holding it is found from the id and the caller's department alone.
 */
export function notificationId(eventTime: string, hash: string): string {
  return `ntf_${eventTime.replace(/[^0-9]/g, '').slice(0, 17)}_${hash}`;
}

const NOTIFICATION_ID = /^ntf_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})_[0-9a-f]{16}$/;
export const isNotificationId = (id: string) => NOTIFICATION_ID.test(id);

/** The event time an id carries, as an ISO timestamp; throws for anything that is not a notification id. */
export function notificationTime(id: string): string {
  const m = NOTIFICATION_ID.exec(id);
  if (!m) throw new Error(`not a notification id: ${id}`);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`;
}
