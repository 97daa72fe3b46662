/** The CloudEvents types the exchange emits (kept free of zod: the push functions import only this). */
export const EVENT_TYPES = {
  recordCreated: 'cn.edx.record.created',
  recordCorrected: 'cn.edx.record.corrected',
  feedback: 'cn.edx.notification.feedback',
  overdue: 'cn.edx.notification.overdue',
  taskAssigned: 'cn.edx.inspection.task.assigned',
  taskOverdue: 'cn.edx.inspection.task.overdue',
  creditListChanged: 'cn.edx.credit.list-changed',
  creditProposal: 'cn.edx.credit.proposal',
  creditBlacklistedLicence: 'cn.edx.credit.blacklisted-licence',
  commitmentVerification: 'cn.edx.commitment.verification-requested',
  commitmentRevocation: 'cn.edx.commitment.revocation-requested',
  commitmentOverdue: 'cn.edx.commitment.overdue',
} as const;

export const isRecordEventType = (type: string) => type === EVENT_TYPES.recordCreated || type === EVENT_TYPES.recordCorrected;
