/**
 * The blacklist check of posted licences: concurrent posts share one read, and none of them is
 * answered by a read that started before it asked.
 */
import { describe, expect, it } from 'vitest';
import { BlacklistReads } from '../../functions/core/credit-warnings';
import type { Membership } from '../../functions/core/model';
import type { Ports } from '../../functions/core/ports';

/** Lists whose reads finish when the test says, recording the codes each read asked for. */
function slowLists() {
  const listed = new Set<string>();
  const reads: { codes: string[]; finish: () => void }[] = [];
  const creditLists = {
    membershipsOf: (codes: string[]) =>
      new Promise<Map<string, Membership>>((done) => {
        // What the read sees is the table when it runs, not when it is answered.
        const seen = new Map(codes.filter((c) => listed.has(c)).map((c) => [c, { creditCode: c, list: 'blacklist', past: [], current: { id: `ent_${c}` } } as unknown as Membership]));
        reads.push({ codes, finish: () => done(seen) });
      }),
  } as unknown as Ports['creditLists'];
  return { listed, reads, ports: { creditLists } };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('BlacklistReads', () => {
  it('reads at once for a lone post', async () => {
    const lists = slowLists();
    const reads = new BlacklistReads(lists.ports);
    const answer = reads.membership('A');
    await tick();
    expect(lists.reads.map((r) => r.codes)).toEqual([['A']]);
    lists.reads[0].finish();
    expect(await answer).toBeUndefined();
  });

  it('has the posts that ask while a read is under way share the next one', async () => {
    const lists = slowLists();
    const reads = new BlacklistReads(lists.ports);
    const first = reads.membership('A');
    const others = ['B', 'C', 'D'].map((c) => reads.membership(c));
    await tick();
    expect(lists.reads).toHaveLength(1);
    lists.reads[0].finish();
    await first;
    await tick();
    expect(lists.reads.map((r) => r.codes)).toEqual([['A'], ['B', 'C', 'D']]);
    lists.reads[1].finish();
    expect(await Promise.all(others)).toEqual([undefined, undefined, undefined]);
  });

  it('never answers a post from a read that started before it asked: a listing made meanwhile is seen', async () => {
    const lists = slowLists();
    const reads = new BlacklistReads(lists.ports);
    const before = reads.membership('X');
    await tick();
    // Listed after the first read ran, before the second post asks.
    lists.listed.add('X');
    const after = reads.membership('X');
    lists.reads[0].finish();
    expect(await before).toBeUndefined();
    await tick();
    lists.reads[1].finish();
    expect((await after)?.current).toMatchObject({ id: 'ent_X' });
  });

  it('fails every post of a read that failed, and reads again for the next', async () => {
    let fail = true;
    const reads = new BlacklistReads({
      creditLists: {
        membershipsOf: async () => {
          if (fail) throw new Error('throttled');
          return new Map();
        },
      } as unknown as Ports['creditLists'],
    });
    const answers = await Promise.allSettled([reads.membership('A'), reads.membership('B')]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await reads.membership('A')).toBeUndefined();
  });
});
