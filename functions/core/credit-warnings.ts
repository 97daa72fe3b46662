/**
 * What credit (信用) says about a licence as it is posted: apart from the rest of credit, so that
 * posting a record loads only this, not the lists' and reports' code and schemas.
 */
import type { RecordInput, Warning } from '../../schemas/records';
import { ProblemError } from './errors';
import type { Membership } from './model';
import type { Ports } from './ports';

/** At most this many enterprises in one read: BatchGetItem's limit. */
const READ_AT_ONCE = 100;

/**
 * Blacklist reads of concurrent posts, made together: a post waits for a read that starts after
 * it asks (so it sees every listing committed before it asked, as a read of its own would), and
 * the posts that ask while one read is under way share the next. One read at a time; a lone post
 * reads alone, with no wait.
 */
export class BlacklistReads {
  private waiting: { creditCode: string; done: (m: Membership | undefined) => void; failed: (e: unknown) => void }[] = [];
  private reading = false;

  constructor(private readonly ports: Pick<Ports, 'creditLists'>) {}

  membership(creditCode: string): Promise<Membership | undefined> {
    return new Promise((done, failed) => {
      this.waiting.push({ creditCode, done, failed });
      this.next();
    });
  }

  private next() {
    if (this.reading || !this.waiting.length) return;
    const batch = this.waiting.splice(0, READ_AT_ONCE);
    this.reading = true;
    this.ports.creditLists
      .membershipsOf(
        batch.map((w) => w.creditCode),
        'blacklist',
      )
      .then(
        (found) => batch.forEach((w) => w.done(found.get(w.creditCode))),
        (e: unknown) => batch.forEach((w) => w.failed(e)),
      )
      .finally(() => {
        this.reading = false;
        this.next();
      });
  }
}

// One per store (a container's), so concurrent posts share reads.
const readers = new WeakMap<Ports['creditLists'], BlacklistReads>();
const readerFor = (ports: Ports) => {
  let r = readers.get(ports.creditLists);
  if (!r) readers.set(ports.creditLists, (r = new BlacklistReads(ports)));
  return r;
};

/** Refuses a commitment grant to a blacklisted enterprise; warns on an ordinary one. */
export async function licenceCreditWarnings(ports: Ports, input: RecordInput): Promise<Warning[]> {
  // The lists hold enterprises by credit code; a party without one cannot be on them.
  if (input.kind !== 'licence' || input.data.status !== 'valid' || input.creditCode === undefined) return [];
  const entry = (await readerFor(ports).membership(input.creditCode))?.current;
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
