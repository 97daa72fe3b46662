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
  /** 双告知: this enterprise's scope needs your permit (or filing). */
  permitNeeded: 'cn.edx.notice.permit-needed',
  /** 双告知: take this enterprise into supervision (its item's approval is cancelled or a filing). */
  supervise: 'cn.edx.notice.supervise',
  catalogueChanged: 'cn.edx.catalogue.changed',
  /** 问题数据: a record the posting department sent has a problem found against other records. */
  problemDataRaised: 'cn.edx.problem-data.raised',
} as const;

/** 双告知 notices: sent without subscriptions, answered with feedback, claimable from the pool. */
export const isNoticeEventType = (type: string) => type === EVENT_TYPES.permitNeeded || type === EVENT_TYPES.supervise;

export const isRecordEventType = (type: string) => type === EVENT_TYPES.recordCreated || type === EVENT_TYPES.recordCorrected;
