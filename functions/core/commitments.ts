/**
 * Commitments (告知承诺) as the API serves them: the chain of a licence granted on a commitment,
 * readable by anyone (commitments are public and hold no personal data), and the approving
 * department's answer to a revocation request when it does not revoke.
 */
import { RevocationAnswer, type Commitment } from '../../schemas/credit';
import { conflict, forbidden, invalidInput, notFound } from './errors';
import type { CreditConfig } from './credit-rules';
import { refreshRisk } from './credit-reactions';
import type { ApiClient } from './model';
import type { Ports } from './ports';
import { parseOrThrow } from './validation';

/** The commitment of a licence record, found from the record (which names the enterprise). */
export async function readCommitment(ports: Ports, licenceRecordId: string): Promise<Commitment> {
  const missing = () => notFound(`no licence granted on a commitment with id ${licenceRecordId}`);
  if (!/^rec_[0-9a-f]{26}$/.test(licenceRecordId)) throw missing();
  const licence = await ports.records.latestVersion(licenceRecordId);
  if (!licence || licence.kind !== 'licence') throw missing();
  const c = await ports.commitments.get(licence.creditCode, licenceRecordId);
  if (!c) throw missing();
  return c;
}

/** The approving department declines to revoke, with its reason; the chain ends there. */
export async function declineRevocation(ports: Ports, client: ApiClient, licenceRecordId: string, body: unknown, config: CreditConfig): Promise<Commitment> {
  const { reason } = parseOrThrow(RevocationAnswer, body, (errors) => invalidInput('invalid answer', errors));
  const c = await readCommitment(ports, licenceRecordId);
  if (c.approvingDepartment !== client.department) throw forbidden(`only the approving department (${c.approvingDepartment}) answers a revocation request`);
  const last = c.history[c.history.length - 1];
  if (c.step === 'revocation-declined' && last?.note === reason) return c;
  if (c.step !== 'revocation-requested') throw conflict('no-revocation-request', `the commitment is at step ${c.step}; there is no revocation request to answer`);
  const at = ports.clock.now().toISOString();
  const { due: _due, ...rest } = c;
  const after: Commitment = { ...rest, step: 'revocation-declined', history: [...c.history, { step: 'revocation-declined', at, by: client.department, note: reason }] };
  if (!(await ports.commitments.advance(after, { step: c.step, escalations: c.escalations.length }, undefined, []))) {
    throw conflict('commitment-changed', 'the commitment changed meanwhile; read it and try again');
  }
  await refreshRisk(ports, c.creditCode, config);
  return after;
}
