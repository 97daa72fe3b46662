/**
 * What credit (信用) says about a licence as it is posted: apart from the rest of credit, so that
 * posting a record loads only this, not the lists' and reports' code and schemas.
 */
import type { RecordInput, Warning } from '../../schemas/records';
import { ProblemError } from './errors';
import type { Ports } from './ports';

/** Refuses a commitment grant to a blacklisted enterprise; warns on an ordinary one. */
export async function licenceCreditWarnings(ports: Ports, input: RecordInput): Promise<Warning[]> {
  // The lists hold enterprises by credit code; a party without one cannot be on them.
  if (input.kind !== 'licence' || input.data.status !== 'valid' || input.creditCode === undefined) return [];
  const entry = (await ports.creditLists.membership(input.creditCode, 'blacklist'))?.current;
  if (!entry) return [];
  const listed = `${input.creditCode} is on the blacklist (严重违法失信名单) since ${entry.decisionDate} by ${entry.authority}, ${entry.decisionNumber}`;
  if (input.data.grantMode === 'commitment') {
    throw new ProblemError(422, {
      type: 'credit-blacklisted',
      title: 'Commitment mode not allowed',
      detail: `${listed}: it may not be granted on a commitment (不适用告知承诺制, 国办发〔2020〕42号); approve by the ordinary procedure`,
      errors: [{ path: '/data/grantMode', message: 'a blacklisted enterprise may not be granted on a commitment', code: 'credit-blacklisted' }],
      extra: { entryId: entry.id, measure: 'no-commitment' },
    });
  }
  return [{ path: '/creditCode', code: 'credit-blacklisted', message: `${listed}; the credit department is told` }];
}
