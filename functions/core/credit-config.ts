/** Settings of credit, apart from the rules so that reading them pulls nothing else into a bundle. */
import type { PenaltyData } from '../../schemas/records';

export type PenaltyCategory = PenaltyData['categories'][number];

/** Settings of credit (functions/config.ts reads them from the environment). */
export interface CreditConfig {
  /** The credit department (信用主管部门): receives proposals and warnings, lists reports. */
  creditDepartment: string;
  /** Receives escalations of overdue commitment steps. */
  supervisingDepartment: string;
  /** Penalty categories that raise a blacklist proposal. */
  heavyPenaltyCategories: PenaltyCategory[];
  /** A fine at or above this (fen) raises a blacklist proposal. */
  heavyFineFen: number;
  /** Days after the grant by which the competent department verifies a commitment. */
  verifyWithinDays: number;
  /** Days the approving department has to answer a revocation request. */
  revocationAnswerWithinDays: number;
}

export const DEFAULT_CREDIT: CreditConfig = {
  creditDepartment: 'credit',
  supervisingDepartment: 'supervision',
  heavyPenaltyCategories: ['licence-revocation', 'suspension'],
  heavyFineFen: 10_000_000,
  verifyWithinDays: 60,
  revocationAnswerWithinDays: 20,
};
