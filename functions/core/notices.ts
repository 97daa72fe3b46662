/**
 * 双告知 notices and the claim pool (认领). A new registration tells, without any subscription,
 * the approving department of each permit its scope needs and, for cancelled and filing items, the
 * competent department; each notice is an event of its own type that travels the inbox, webhook,
 * acknowledgement and overdue path like any other. A notice whose department is unknown, has no
 * place on the exchange, or answers "not ours" goes to the claim pool, an inbox no department
 * owns: departments with `notices:claim` list it and one of them claims each notice (claims.ts).
 */
import { EVENT_TYPES } from '../../schemas/event-types';
import type { CloudEvent } from '../../schemas/events';
import type { RegistrationData } from '../../schemas/records';
import { routeRegistration, type DoubleNotice, type RoutingContext } from './catalogue';
import { cloudEvent } from './events';
import { CLAIM_POOL, type RecordSummary, type StoredVersion } from './model';

const recipientOf = (n: DoubleNotice) => (n.recipient.kind === 'department' ? n.recipient.department : n.recipient.intendedDepartment);

/** The event of one notice: what the enterprise is, which item its scope needs, and why this department is told. */
export function noticeEvent(v: StoredVersion, n: DoubleNotice): CloudEvent {
  const intended = recipientOf(n);
  const s = v.summary;
  return cloudEvent({
    about: `notice:${v.id}:${v.version}:${n.itemCode}:${n.recipient.kind}:${intended}`,
    source: `/v1/records/${v.id}`,
    type: n.purposes.includes('approve') ? EVENT_TYPES.permitNeeded : EVENT_TYPES.supervise,
    subject: v.creditCode,
    time: v.receivedAt,
    data: {
      recordId: v.id,
      version: v.version,
      creditCode: v.creditCode,
      postedBy: v.department,
      enterprise: { name: s.name, action: s.action, date: s.date, regionCode: s.regionCode, industryCode: s.industryCode, address: s.address },
      item: { code: n.itemCode, name: n.itemName, reformMode: n.reformMode },
      purposes: n.purposes,
      terms: n.terms,
      alternatives: n.requirement,
      department: intended,
      ...(n.recipient.kind === 'claim-pool' ? { pool: n.recipient.reason } : {}),
    },
  });
}

/**
 * The notices of a new registration (version 1: a correction routes nothing again), each with the
 * department that receives it, or the pool.
 */
export function registrationNotices(v: StoredVersion, previous: RecordSummary | undefined, ctx: RoutingContext): { event: CloudEvent; department: string; reason: string }[] {
  if (v.kind !== 'registration' || v.version !== 1) return [];
  const before = previous ? { businessScope: previous.summary.businessScope as RegistrationData['businessScope'] } : undefined;
  return routeRegistration(v.data as RegistrationData, before, ctx).notices.map((n) => ({
    event: noticeEvent(v, n),
    department: n.recipient.kind === 'department' ? n.recipient.department : CLAIM_POOL,
    reason: n.recipient.kind === 'department' ? `notice:${n.purposes.join('+')}` : `claim-pool:${n.recipient.reason}`,
  }));
}
