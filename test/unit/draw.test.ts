/**
 * 双随机 draws: re-drawable bit for bit, tampering found, ratios and exclusions held, commitment
 * before pool. Pure: no services.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DrawInputError,
  buildRoster,
  commitmentOf,
  draw,
  freezePool,
  planCommitment,
  poolHash,
  redraw,
  sampleSize,
  type DrawDocument,
  type DrawInput,
  type PoolClasses,
  type PreviousTask,
  type RiskClass,
  type RosterMember,
  type Rules,
} from '../../functions/core/draw';
import { samplePool, sampleRoster, seededRandom } from '../../local/draw-samples';
import { Stream } from '../../scripts/redraw.mjs';

const SCRIPT = join(import.meta.dirname, '../../scripts/redraw.mjs');
const RULES: Rules = { ratios: { A: 300, B: 500, C: 1000, D: 2000, unrated: 500 }, inspectorsPerTask: 2, requiredFields: ['食品安全'], departments: ['health', 'market'] };

/** A secret made from a number, so every test input is fixed. */
const secretOf = (n: number) => createHash('sha256').update(`test secret ${n}`).digest('hex');

function input(opts: { seed?: number; poolSize?: number; rules?: Rules; members?: RosterMember[]; previous?: PreviousTask[] } = {}): DrawInput {
  const secret = secretOf(opts.seed ?? 1);
  const pool = freezePool(samplePool(opts.poolSize ?? 2000, opts.seed ?? 1));
  const members = opts.members ?? sampleRoster({ departments: ['health', 'market'], perDepartment: 12, conflictCodes: pool.B?.slice(0, 40), conflictRate: 0.5 });
  return { planId: `SJ-2026-${opts.seed ?? 1}`, commitment: commitmentOf(secret), secret, rules: opts.rules ?? RULES, pool, roster: buildRoster(members, opts.previous ?? [], pool) };
}

/** A published document as it would be read back: plain JSON, no shared references. */
const published = (doc: DrawDocument): DrawDocument => JSON.parse(JSON.stringify(doc));

function runScript(args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { input: stdin, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeTemp(doc: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'redraw-')), 'draw.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('re-draw', () => {
  const doc = draw(input());

  it('reproduces a draw exactly, in process and with the standalone script on a file and on stdin', () => {
    expect(doc.tasks.length).toBeGreaterThan(50);
    const again = redraw(published(doc));
    expect(again.differences).toEqual([]);
    expect(again.reproduced).toBe(true);
    expect(JSON.stringify(again.rerun)).toBe(JSON.stringify(doc));

    const file = writeTemp(doc);
    const fromFile = runScript([file]);
    expect(fromFile.stderr).toContain('hashing the pool (2,000 enterprises)');
    expect(fromFile.stdout).toMatch(/^reproduced: plan SJ-2026-1, \d+ tasks from a pool of 2000/);
    expect(fromFile.status).toBe(0);
    expect(runScript(['-'], JSON.stringify(doc)).status).toBe(0);
  });

  it('holds the document to the commitment and hashes published earlier when given them', () => {
    const file = writeTemp(doc);
    expect(runScript(['--commitment', doc.commitment, '--pool-hash', doc.pool.hash, '--roster-hash', doc.roster.hash, file]).status).toBe(0);

    // A forgery consistent in itself: another pool, its own hash, seed and tasks.
    const other = input({ seed: 1 });
    other.pool = freezePool(samplePool(2000, 99));
    other.roster = buildRoster(sampleRoster({ departments: ['health', 'market'], perDepartment: 12 }), [], other.pool);
    const forged = writeTemp(draw(other));
    expect(runScript([forged]).status).toBe(0);
    const held = runScript(['--pool-hash', doc.pool.hash, forged]);
    expect(held.status).toBe(1);
    expect(held.stdout).toContain('/pool/hash: is not the poolHash published earlier');
  });

  it('finds a tampered pool', () => {
    const t = published(doc);
    const moved = t.pool.classes.B!.shift()!;
    t.pool.classes.A = [...t.pool.classes.A!, moved].sort();
    const r = runScript([writeTemp(t)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('/pool/hash: is not the SHA-256 of the published pool');

    // Re-hashing the tampered pool changes the seed, and with it the draw.
    t.pool.hash = poolHash(t.pool.classes);
    const rehashed = redraw(t);
    expect(rehashed.reproduced).toBe(false);
    expect(rehashed.differences.map((d) => d.path)).toContain('/seed');
    expect(rehashed.differences.some((d) => d.path.startsWith('/tasks/'))).toBe(true);
  });

  it('finds a tampered roster', () => {
    const t = published(doc);
    t.roster.inspectors[0].fields = [...t.roster.inspectors[0].fields, '特种设备'].sort();
    const r = runScript([writeTemp(t)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('/roster/hash: is not the SHA-256 of the published roster');

    const dropped = published(doc);
    const [id] = Object.keys(dropped.roster.exclusions);
    delete dropped.roster.exclusions[id];
    expect(redraw(dropped).differences.map((d) => d.path)).toContain('/roster/hash');
  });

  it('finds a tampered secret', () => {
    const t = published(doc);
    t.secret = secretOf(2);
    const r = runScript([writeTemp(t)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('/secret: does not match the commitment');
  });

  it('finds a tampered result and says which task, inspector and position', () => {
    const t = published(doc);
    const i = t.tasks.findIndex((x) => x.inspectors.length === 2);
    const task = t.tasks[i];
    const stranger = t.roster.inspectors.find((x) => !task.inspectors.includes(x.id))!.id;
    const was = task.inspectors[1];
    task.inspectors[1] = stranger;
    const r = runScript([writeTemp(t)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`differs: 1 difference`);
    expect(r.stdout).toContain(`/tasks/${i}/inspectors/1: task ${i + 1} (${task.creditCode}), inspector 2: the re-run assigns ${was} (re-run: ${was}; document: ${stranger})`);

    const swapped = published(doc);
    [swapped.tasks[0], swapped.tasks[1]] = [swapped.tasks[1], swapped.tasks[0]];
    const s = redraw(swapped);
    expect(s.differences.map((d) => d.path)).toEqual(['/tasks/0/creditCode', '/tasks/1/creditCode']);

    const shortened = published(doc);
    shortened.tasks.pop();
    expect(redraw(shortened).differences[0].message).toBe(`has ${doc.tasks.length - 1} tasks; the re-run draws ${doc.tasks.length}`);
  });

  it('prints usage and exits 2 on bad input', () => {
    const none = runScript([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('usage: node scripts/redraw.mjs');
    const notJson = runScript(['-'], '{ not json');
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toContain('is not JSON');
    const missing = runScript(['/nonexistent/draw.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read /nonexistent/draw.json');
    const t = published(doc) as unknown as Record<string, unknown>;
    delete t.rules;
    (t.roster as { inspectors: Record<string, unknown>[] }).inspectors[0].phone = '13857321046';
    const invalid = runScript([writeTemp(t)]);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('/rules: must be an object');
    expect(invalid.stderr).toContain('/roster/inspectors/0: must hold only id, name, certificate, department and fields (not phone)');
    expect(runScript(['--pool-hash', 'abc', writeTemp(doc)]).status).toBe(2);
  });
});

describe('the documented derivation', () => {
  it('matches an independent implementation of the module header, steps 1 to 8', () => {
    const secret = secretOf(5);
    const pool: PoolClasses = { A: freezePool(samplePool(60, 5)).A! };
    const rules: Rules = { ratios: { A: 2500 }, inspectorsPerTask: 2, requiredFields: [], departments: ['market'] };
    const members = sampleRoster({ departments: ['market'], perDepartment: 3 });
    const roster = buildRoster(members, [], pool);
    const doc = draw({ planId: 'SJ-KAT', commitment: commitmentOf(secret), secret, rules, pool, roster });

    const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
    expect(doc.commitment).toBe(createHash('sha256').update(Buffer.from(secret, 'hex')).digest('hex'));
    const poolText = `{"A":[${pool.A!.map((c) => `"${c}"`).join(',')}]}`;
    expect(doc.pool.hash).toBe(sha(poolText));
    const inspectorsText = roster.inspectors
      .map((x) => `{"certificate":"${x.certificate}","department":"market","fields":[${x.fields.map((f) => `"${f}"`).join(',')}],"id":"${x.id}","name":"${x.name}"}`)
      .join(',');
    expect(doc.roster.hash).toBe(sha(`{"exclusions":{},"inspectors":[${inspectorsText}]}`));
    const message = `{"algorithm":"edx-draw/1","planId":"SJ-KAT","poolHash":"${doc.pool.hash}","rosterHash":"${doc.roster.hash}","rules":{"departments":["market"],"inspectorsPerTask":2,"ratios":{"A":2500},"requiredFields":[]}}`;
    const seed = createHmac('sha256', Buffer.from(secret, 'hex')).update(message, 'utf8').digest('hex');
    expect(doc.seed).toBe(seed);

    // Steps 6 and 7 written out again from the text: counter-mode words, rejection, Fisher-Yates.
    const words = function* (label: string) {
      for (let counter = 0; ; counter++) {
        const c = Buffer.alloc(4);
        c.writeUInt32BE(counter);
        const block = createHmac('sha256', Buffer.from(seed, 'hex'))
          .update(Buffer.concat([Buffer.from(label, 'utf8'), c]))
          .digest();
        for (let o = 0; o < 32; o += 4) yield block.readUInt32BE(o);
      }
    };
    const uniformFrom = (label: string) => {
      const stream = words(label);
      return (n: number) => {
        const limit = 2 ** 32 - (2 ** 32 % n);
        for (;;) {
          const w = stream.next().value as number;
          if (w < limit) return w % n;
        }
      };
    };
    const shuffle = <T>(items: T[], k: number, uniform: (n: number) => number) => {
      for (let i = 0; i < k; i++) {
        const j = i + uniform(items.length - i);
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items.slice(0, k);
    };
    const k = Math.ceil((pool.A!.length * 2500) / 10000);
    expect(doc.tasks.map((t) => t.creditCode)).toEqual(shuffle([...pool.A!], k, uniformFrom('sample:A')));
    // Step 8 with no constraint: the first uniform team of the task's own stream is kept.
    for (const t of doc.tasks)
      expect(t.inspectors).toEqual(
        shuffle(
          roster.inspectors.map((x) => x.id),
          2,
          uniformFrom(`assign:${t.creditCode}`),
        ).sort(),
      );

    // Rejection: below 2^31 + 1 about half the words are refused; modulo would bias towards small numbers.
    const n = 2 ** 31 + 1;
    const ours = new Stream(seed, 'rejection');
    const theirs = uniformFrom('rejection');
    for (let i = 0; i < 200; i++) expect(ours.below(n)).toBe(theirs(n));
  });
});

describe('commitment', () => {
  it('is made before any pool exists and does not depend on it', () => {
    const ids = { random: (n: number) => Buffer.alloc(n, 7).toString('base64url') };
    const plan = planCommitment(ids);
    expect(plan.secret).toBe('07'.repeat(32));
    expect(plan.commitment).toBe(createHash('sha256').update(Buffer.alloc(32, 7)).digest('hex'));
    // The same plan commitment verifies whichever pool is frozen later.
    for (const seed of [1, 2]) {
      const i = input({ seed });
      const doc = draw({ ...i, secret: plan.secret, commitment: plan.commitment });
      expect(doc.commitment).toBe(plan.commitment);
      expect(redraw(published(doc)).reproduced).toBe(true);
    }
    expect(planCommitment({ random: (n) => Buffer.alloc(n, 8).toString('base64url') }).commitment).not.toBe(plan.commitment);
  });

  it('refuses a draw whose secret does not match the commitment', () => {
    const i = input();
    expect(() => draw({ ...i, secret: secretOf(9) })).toThrow(DrawInputError);
    try {
      draw({ ...i, secret: secretOf(9) });
    } catch (e) {
      expect((e as DrawInputError).problems).toEqual([{ path: '/secret', message: 'does not match the commitment published with the plan' }]);
    }
  });
});

describe('sampling per risk class', () => {
  it('draws ceil(N × ratio) of each class, computed in integers', () => {
    expect(sampleSize(100, 700)).toBe(7); // 100 × 0.07 is 7.000000000000001 in floating point
    expect(sampleSize(101, 700)).toBe(8);
    expect(sampleSize(3, 1)).toBe(1);
    expect(sampleSize(0, 5000)).toBe(0);
    expect(sampleSize(10, 10000)).toBe(10);
    expect(sampleSize(10, 0)).toBe(0);
    const doc = draw(input({ poolSize: 5000 }));
    for (const [c, { pool, drawn }] of Object.entries(doc.counts)) {
      const ratio = RULES.ratios[c as RiskClass]! / 10000;
      expect(drawn).toBe(Math.ceil(pool * ratio - 1e-9));
      // Rounding up: the drawn share is the ratio or above it by less than one enterprise.
      expect(drawn / pool).toBeGreaterThanOrEqual(ratio);
      expect(drawn / pool).toBeLessThan(ratio + 1 / pool);
      expect(doc.tasks.filter((t) => t.riskClass === c)).toHaveLength(drawn);
      expect(new Set(doc.tasks.filter((t) => t.riskClass === c).map((t) => t.creditCode)).size).toBe(drawn);
      for (const t of doc.tasks.filter((x) => x.riskClass === c)) expect(doc.pool.classes[c as RiskClass]).toContain(t.creditCode);
    }
  });

  it('gives every enterprise of a class the same chance, within a stated tolerance over 2,000 seeded draws', () => {
    // The count per class is exact (ceil, tested above); what is random is which enterprises, so
    // the tolerance is on each enterprise's chance of being drawn, which must equal the class's
    // drawn share. Class A: 40 enterprises at 10% → 4 drawn per draw, so each one's inclusion
    // count over R = 2000 draws is Binomial(2000, 0.1): mean 200, sd √(2000·0.1·0.9) ≈ 13.4.
    // Class D: 25 at 30% → 8 drawn, p = 0.32: mean 640, sd ≈ 20.9. Tolerance: 5 sd either side;
    // for a fair draw the chance that any of the 65 counts leaves its band is below
    // 65 × 5.8e-7 ≈ 4e-5. A shuffle that never reaches the last item leaves its count at 0
    // (15 sd). Finer biases show in the chi-square of the 40 class-A counts (39 degrees of
    // freedom), which must stay below 80.65, its 99.99th percentile: a shuffle that never leaves
    // an item in place (Sattolo's variant) reaches about 84 with these seeds.
    const R = 2000;
    const pool: PoolClasses = freezePool(samplePool(65, 3, { A: 0, B: 0, C: 0, D: 0, unrated: 1 }).map((e, i) => ({ ...e, riskClass: i < 40 ? 'A' : 'D' })));
    const rules: Rules = { ratios: { A: 1000, D: 3000 }, inspectorsPerTask: 2, requiredFields: [], departments: ['market'] };
    const roster = buildRoster(sampleRoster({ departments: ['market'], perDepartment: 2 }), [], pool);
    const hits = new Map<string, number>();
    for (let s = 0; s < R; s++) {
      const secret = secretOf(1000 + s);
      const doc = draw({ planId: 'SJ-RATIO', commitment: commitmentOf(secret), secret, rules, pool, roster });
      expect(doc.counts).toEqual({ A: { pool: 40, drawn: 4 }, D: { pool: 25, drawn: 8 } });
      for (const t of doc.tasks) hits.set(t.creditCode, (hits.get(t.creditCode) ?? 0) + 1);
    }
    const check = (codes: string[], p: number) => {
      const mean = R * p;
      const sd = Math.sqrt(R * p * (1 - p));
      for (const code of codes) expect(Math.abs((hits.get(code) ?? 0) - mean), code).toBeLessThanOrEqual(5 * sd);
      return codes.reduce((x2, code) => x2 + ((hits.get(code) ?? 0) - mean) ** 2 / mean, 0);
    };
    expect(check(pool.A!, 4 / 40)).toBeLessThan(80.65);
    check(pool.D!, 8 / 25);
  });
});

describe('inspector teams', () => {
  /** Every team of m from the eligible inspectors, to check the draw's answers by brute force. */
  function teams<T>(xs: T[], m: number): T[][] {
    if (m === 0) return [[]];
    return xs.flatMap((x, i) => teams(xs.slice(i + 1), m - 1).map((rest) => [x, ...rest]));
  }

  it('never breaks an exclusion, always covers the required fields and mixes joint departments as far as possible (300 seeded random plans)', () => {
    let unassigned = 0;
    let assigned = 0;
    let partlyMixed = 0;
    for (let s = 0; s < 300; s++) {
      const random = seededRandom(s);
      const departments = ['health', 'market', 'transport'].slice(0, 1 + Math.floor(random() * 3));
      const m = 2 + Math.floor(random() * 2);
      const pool = freezePool(samplePool(30 + Math.floor(random() * 60), s));
      const codes = Object.values(pool).flat();
      const members = sampleRoster({ departments, perDepartment: 1 + Math.floor(random() * 4), seed: s, conflictCodes: codes, conflictRate: 0.6 });
      for (const x of members) if (random() < 0.5) x.conflicts = codes.filter(() => random() < 0.3);
      const previous: PreviousTask[] = codes.filter(() => random() < 0.3).map((creditCode) => ({ creditCode, inspectors: members.filter(() => random() < 0.4).map((x) => x.id) }));
      const fields = ['食品安全', '特种设备', '道路运输'].filter(() => random() < 0.4).sort();
      const rules: Rules = { ratios: { A: 5000, B: 5000, C: 5000, D: 5000, unrated: 5000 }, inspectorsPerTask: m, requiredFields: fields, departments };
      const secret = secretOf(s);
      const roster = buildRoster(members, previous, pool);
      const doc = draw({ planId: `SJ-P${s}`, commitment: commitmentOf(secret), secret, rules, pool, roster });

      for (const task of doc.tasks) {
        const banned = new Set([
          ...members.filter((x) => x.conflicts.includes(task.creditCode)).map((x) => x.id),
          ...previous.filter((p) => p.creditCode === task.creditCode).flatMap((p) => p.inspectors),
        ]);
        const eligible = members.filter((x) => !banned.has(x.id));
        const covers = (team: RosterMember[]) => fields.every((f) => team.some((x) => x.fields.includes(f)));
        const deps = (team: RosterMember[]) => new Set(team.map((x) => x.department)).size;
        const best = Math.max(0, ...teams(eligible, m).filter(covers).map(deps));
        if (task.inspectors.length === 0) {
          unassigned++;
          expect(task.unassigned).toBe('no-valid-team');
          expect(best, `plan ${s} ${task.creditCode}: a valid team existed`).toBe(0);
          continue;
        }
        assigned++;
        const team = task.inspectors.map((id) => members.find((x) => x.id === id)!);
        expect(task.inspectors).toHaveLength(m);
        expect(new Set(task.inspectors).size).toBe(m);
        expect(task.inspectors).toEqual([...task.inspectors].sort());
        for (const id of task.inspectors) expect(banned.has(id), `plan ${s}: ${id} drew ${task.creditCode}`).toBe(false);
        expect(covers(team)).toBe(true);
        expect(deps(team)).toBe(Math.min(best, departments.length, m));
        if (deps(team) < Math.min(departments.length, m)) partlyMixed++;
      }
    }
    // The random plans reach every branch: assigned, no valid team, and a joint team that could not mix fully.
    expect(assigned).toBeGreaterThan(1000);
    expect(unassigned).toBeGreaterThan(20);
    expect(partlyMixed).toBeGreaterThan(5);
  });

  it('puts one inspector of each department on every team of a two-department plan when the roster allows', () => {
    const doc = draw(input({ poolSize: 3000 }));
    const department = new Map(doc.roster.inspectors.map((x) => [x.id, x.department]));
    for (const t of doc.tasks) expect(new Set(t.inspectors.map((id) => department.get(id)))).toEqual(new Set(['health', 'market']));
  });

  it('picks each valid pair equally often (chi-square over 6 pairs, 3,000 tasks)', () => {
    // 4 interchangeable inspectors → 6 pairs, each expected 500 times in 3000 tasks; the
    // chi-square statistic (5 degrees of freedom) stays below 25.74, its 99.99th percentile.
    const pool = freezePool(samplePool(3000, 4, { A: 1, B: 0, C: 0, D: 0, unrated: 0 }));
    const members = sampleRoster({ departments: ['market'], perDepartment: 4, fields: ['食品安全'] });
    const secret = secretOf(4);
    const doc = draw({
      planId: 'SJ-PAIRS',
      commitment: commitmentOf(secret),
      secret,
      rules: { ratios: { A: 10000 }, inspectorsPerTask: 2, requiredFields: [], departments: ['market'] },
      pool,
      roster: buildRoster(members, [], pool),
    });
    const pairs = new Map<string, number>();
    for (const t of doc.tasks) pairs.set(t.inspectors.join('+'), (pairs.get(t.inspectors.join('+')) ?? 0) + 1);
    expect(pairs.size).toBe(6);
    const x2 = [...pairs.values()].reduce((sum, n) => sum + (n - 500) ** 2 / 500, 0);
    expect(x2).toBeLessThan(25.74);
  });
});

describe('pool and roster freezing', () => {
  it('sorts, removes repeats and refuses an enterprise in two classes', () => {
    expect(
      freezePool([
        { creditCode: '91330402MA2C7Y3N5L', riskClass: 'B' },
        { creditCode: '91330402MA2B4T1X8Q', riskClass: 'B' },
        { creditCode: '91330402MA2B4T1X8Q', riskClass: 'B' },
      ]),
    ).toEqual({ B: ['91330402MA2B4T1X8Q', '91330402MA2C7Y3N5L'] });
    expect(() =>
      freezePool([
        { creditCode: '91330402MA2B4T1X8Q', riskClass: 'A' },
        { creditCode: '91330402MA2B4T1X8Q', riskClass: 'C' },
      ]),
    ).toThrow('91330402MA2B4T1X8Q is listed with more than one risk class');
  });

  it('publishes only public inspector data and only exclusions about pool enterprises', () => {
    const pool = freezePool(samplePool(10, 1));
    const [inPool] = Object.values(pool).flat();
    const member = { id: 'market-0001', name: '王丽华', certificate: '330402-2024-0001', department: 'market', fields: ['食品安全'], conflicts: [inPool, '91330402MA2B4T1X8Q'], phone: '13857321046' };
    const roster = buildRoster([member], [{ creditCode: inPool, inspectors: ['market-0001'] }], pool);
    expect(roster).toEqual({
      inspectors: [{ id: 'market-0001', name: '王丽华', certificate: '330402-2024-0001', department: 'market', fields: ['食品安全'] }],
      exclusions: { 'market-0001': [inPool] },
    });
  });
});
