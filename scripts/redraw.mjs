#!/usr/bin/env node
// @ts-check
/**
 * 双随机、一公开 draws that anyone can re-run: the one implementation of the draw, used by the
 * exchange (functions/core/draw.ts imports this file) and published as the re-draw tool.
 *
 *   node scripts/redraw.mjs draw.json          re-run a published draw; exit 0 if reproduced, 1 if not
 *   node scripts/redraw.mjs - < draw.json      the same, reading standard input
 *
 * It needs Node.js 20 or later and nothing else: no packages, no network.
 *
 * Algorithm `edx-draw/1`, exactly:
 *
 * 1. Canonical JSON. Values are serialised as in RFC 8785 (JCS) restricted to what draw documents
 *    hold: strings, safe integers, arrays in their given order, objects with keys sorted by UTF-16
 *    code units, no whitespace. `H(x)` below is the lowercase hex SHA-256 of the UTF-8 bytes of the
 *    canonical JSON of x.
 * 2. Commitment. When the plan is created the exchange draws a secret of 32 random bytes and
 *    publishes `commitment = hex(SHA-256(secret bytes))`, before any pool exists. At draw time it
 *    publishes `secret` (64 lowercase hex characters); a secret whose SHA-256 is not the commitment
 *    is refused.
 * 3. Pool snapshot (对象库快照). `pool.classes` maps each risk class (A, B, C, D, `unrated`) that
 *    has enterprises to the ascending list of their unified social credit codes; a code is in one
 *    class only. `pool.hash = H(pool.classes)`.
 * 4. Roster (执法人员名录). `roster.inspectors` lists each inspector as {id, name, certificate,
 *    department, fields}, ascending by id, fields ascending. `roster.exclusions` maps an inspector
 *    id to the ascending credit codes of pool enterprises that inspector must not draw (the declared
 *    conflicts and the enterprises they inspected in the previous plan of the same item, as one
 *    list, so a declared conflict is not told apart). `roster.hash = H({inspectors, exclusions})`.
 * 5. Seed. `seed = HMAC-SHA256(key = secret bytes, message = UTF-8 of the canonical JSON of
 *    {algorithm, planId, poolHash, rosterHash, rules})`, where `rules` is {ratios,
 *    inspectorsPerTask, requiredFields, departments} as published.
 * 6. Generator. A stream with a label L (UTF-8 text) yields the 32-byte blocks
 *    `HMAC-SHA256(key = seed, message = L || uint32 big-endian counter)`, counter 0, 1, 2, ...;
 *    each block is read as eight big-endian uint32 words, in order. A uniform integer below n is
 *    drawn by rejection: with `limit = 2^32 - (2^32 mod n)`, take the next word w until w < limit
 *    and return w mod n (no modulo bias).
 * 7. Enterprises (随机抽取检查对象). For each class in the order A, B, C, D, unrated with N
 *    enterprises and a ratio of r basis points (1/10000), `k = min(N, ceil(N * r / 10000))` are
 *    drawn by a partial Fisher-Yates shuffle of the class's ascending code list with the stream
 *    `sample:<class>`: for i = 0 .. k-1, j = i + uniform(N - i), swap items i and j, take item i.
 *    Tasks list the drawn enterprises class by class, in draw order.
 * 8. Inspectors (随机选派执法检查人员). For each task, with the stream `assign:<credit code>`: the
 *    eligible inspectors are the roster (ascending id) minus those excluded for the enterprise. A
 *    team is `inspectorsPerTask` distinct eligible inspectors whose fields together include every
 *    required field and who come from at least t distinct participating departments. t starts at
 *    min(number of departments, inspectorsPerTask) (a joint plan, 部门联合双随机, mixes its
 *    departments) and is lowered one by one only when no team satisfies it. At each t: up to 64
 *    times, pick a uniform team by a partial Fisher-Yates of the eligible list and keep it if valid;
 *    otherwise list every valid team (combinations of eligible positions in lexicographic order)
 *    and take number uniform(count). Both give every valid team the same chance. When no team is
 *    valid even at t = 1 the task is published with no inspectors and `unassigned: "no-valid-team"`;
 *    an exclusion is never broken. A team is published ascending by id.
 *
 * The published document holds nothing personal: inspectors appear by id, name and certificate
 * number (public by law), department and fields.
 */
/* global Buffer, console, process -- Node's globals: this script runs on plain Node */
import { createHash, createHmac, createSecretKey, randomBytes } from 'node:crypto';
/** @typedef {import('node:crypto').KeyObject} KeyObject */
import { readFileSync, realpathSync } from 'node:fs';

export const ALGORITHM = 'edx-draw/1';
/** Risk classes (企业信用风险分类) in stratum order; `unrated` holds enterprises not yet classified. */
export const RISK_CLASSES = /** @type {const} */ (['A', 'B', 'C', 'D', 'unrated']);
export const MAX_INSPECTORS_PER_TASK = 4;
const REJECTION_ATTEMPTS = 64;
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * @typedef {'A' | 'B' | 'C' | 'D' | 'unrated'} RiskClass
 * @typedef {{ path: string, message: string }} Problem
 * @typedef {{ ratios: Partial<Record<RiskClass, number>>, inspectorsPerTask: number, requiredFields: string[], departments: string[] }} Rules
 * @typedef {{ id: string, name: string, certificate: string, department: string, fields: string[] }} Inspector
 * @typedef {{ inspectors: Inspector[], exclusions: Record<string, string[]> }} RosterContent
 * @typedef {RosterContent & { hash: string }} Roster
 * @typedef {Partial<Record<RiskClass, string[]>>} PoolClasses
 * @typedef {{ hash: string, size: number, classes: PoolClasses }} Pool
 * @typedef {{ creditCode: string, riskClass: RiskClass, inspectors: string[], unassigned?: 'no-valid-team' }} Task
 * @typedef {{ planId: string, commitment: string, secret: string, rules: Rules, pool: PoolClasses, roster: RosterContent }} DrawInput
 * @typedef {{ algorithm: string, planId: string, commitment: string, secret: string, seed: string, rules: Rules, pool: Pool, roster: Roster, counts: Partial<Record<RiskClass, { pool: number, drawn: number }>>, tasks: Task[] }} DrawDocument
 * @typedef {{ path: string, message: string, expected?: unknown, actual?: unknown }} Difference
 * @typedef {(stage: string) => void} Progress
 */

/** Bad draw input, with every bad field named. */
export class DrawInputError extends Error {
  /** @param {Problem[]} problems */
  constructor(problems) {
    super(`invalid draw input: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'DrawInputError';
    this.problems = problems;
  }
}

// ---------------------------------------------------------------------------------------------
// Canonical JSON and hashes

/**
 * @param {unknown} value
 * @param {(chunk: string) => void} emit
 * @param {string} path
 */
function writeCanonical(value, emit, path) {
  if (typeof value === 'string') return emit(JSON.stringify(value));
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new DrawInputError([{ path, message: 'numbers must be safe integers' }]);
    return emit(String(value));
  }
  if (typeof value === 'boolean' || value === null) return emit(String(value));
  if (Array.isArray(value)) {
    emit('[');
    for (let i = 0; i < value.length; i++) {
      if (i) emit(',');
      writeCanonical(value[i], emit, `${path}/${i}`);
    }
    return emit(']');
  }
  if (typeof value === 'object') {
    const obj = /** @type {Record<string, unknown>} */ (value);
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    emit('{');
    keys.forEach((k, i) => {
      emit(`${i ? ',' : ''}${JSON.stringify(k)}:`);
      writeCanonical(obj[k], emit, `${path}/${k}`);
    });
    return emit('}');
  }
  throw new DrawInputError([{ path, message: `cannot be serialised (${typeof value})` }]);
}

/** @param {unknown} value @returns {string} */
export function canonicalJson(value) {
  /** @type {string[]} */
  const parts = [];
  writeCanonical(value, (s) => parts.push(s), '');
  return parts.join('');
}

/**
 * Lowercase hex SHA-256 of the canonical JSON of `value`, streamed so a pool of millions of codes
 * never becomes one string.
 * @param {unknown} value
 */
export function hashCanonical(value) {
  const hash = createHash('sha256');
  /** @type {string[]} */
  let parts = [];
  let size = 0;
  writeCanonical(
    value,
    (s) => {
      parts.push(s);
      size += s.length;
      if (size > 1 << 16) {
        hash.update(parts.join(''), 'utf8');
        parts = [];
        size = 0;
      }
    },
    '',
  );
  hash.update(parts.join(''), 'utf8');
  return hash.digest('hex');
}

/** @param {string} secretHex */
export function commitmentOf(secretHex) {
  return createHash('sha256').update(Buffer.from(secretHex, 'hex')).digest('hex');
}

/**
 * A plan's secret and the commitment published with the plan. It takes no pool: the commitment
 * exists before the pool does.
 * @param {(bytes: number) => Uint8Array} [random]
 */
export function newCommitment(random = randomBytes) {
  const secret = Buffer.from(random(32)).toString('hex');
  if (!HEX64.test(secret)) throw new Error('the random source must give 32 bytes');
  return { secret, commitment: commitmentOf(secret) };
}

/** @param {PoolClasses} classes */
export const poolHash = (classes) => hashCanonical(classes);
/** @param {RosterContent} roster */
export const rosterHash = (roster) => hashCanonical({ inspectors: roster.inspectors, exclusions: roster.exclusions });

/**
 * @param {{ secret: string, planId: string, poolHash: string, rosterHash: string, rules: Rules }} p
 * @returns {string} the seed as lowercase hex
 */
export function deriveSeed(p) {
  const message = canonicalJson({ algorithm: ALGORITHM, planId: p.planId, poolHash: p.poolHash, rosterHash: p.rosterHash, rules: p.rules });
  return createHmac('sha256', Buffer.from(p.secret, 'hex')).update(message, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The generator

const TWO_32 = 2 ** 32;

/** HMAC-SHA256 in counter mode under one label; see step 6 of the module doc. */
export class Stream {
  /** @param {string | KeyObject} seed hex, or a key made once for many streams @param {string} label */
  constructor(seed, label) {
    this.key = typeof seed === 'string' ? createSecretKey(Buffer.from(seed, 'hex')) : seed;
    this.label = Buffer.from(label, 'utf8');
    this.message = Buffer.alloc(this.label.length + 4);
    this.label.copy(this.message);
    this.counter = 0;
    this.block = Buffer.alloc(0);
    this.offset = 32;
  }

  /** The next big-endian uint32 word of the stream. */
  nextWord() {
    if (this.offset === 32) {
      if (this.counter >= TWO_32) throw new Error('generator stream exhausted');
      this.message.writeUInt32BE(this.counter++, this.label.length);
      this.block = createHmac('sha256', this.key).update(this.message).digest();
      this.offset = 0;
    }
    const w = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return w;
  }

  /** A uniform integer in [0, n), by rejection sampling. @param {number} n */
  below(n) {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new RangeError(`cannot draw below ${n}`);
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const w = this.nextWord();
      if (w < limit) return w % n;
    }
  }
}

/**
 * k distinct positions out of n, by a partial Fisher-Yates shuffle kept sparse (only moved
 * positions are stored), so drawing a few thousand out of ten million costs a few thousand steps.
 * @param {Stream} stream @param {number} n @param {number} k
 */
export function partialShuffle(stream, n, k) {
  /** @type {Map<number, number>} */
  const moved = new Map();
  const out = new Array(k);
  for (let i = 0; i < k; i++) {
    const j = i + stream.below(n - i);
    const atJ = moved.get(j) ?? j;
    moved.set(j, moved.get(i) ?? i);
    out[i] = atJ;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Input checks

/** @param {unknown} v @returns {v is Record<string, unknown>} */
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** @param {unknown} v @returns {v is string} */
const isText = (v) => typeof v === 'string' && v.length > 0 && v.length <= 200;

/**
 * @param {unknown} list @param {string} path @param {Problem[]} problems
 * @param {(s: string) => boolean} [ok] @param {string} [what]
 * @returns {list is string[]}
 */
function checkAscending(list, path, problems, ok = isText, what = 'a non-empty text of at most 200 characters') {
  if (!Array.isArray(list)) {
    problems.push({ path, message: 'must be an array' });
    return false;
  }
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    if (typeof s !== 'string' || !ok(s)) {
      problems.push({ path: `${path}/${i}`, message: `must be ${what}` });
      return false;
    }
    if (i > 0 && !(list[i - 1] < s)) {
      problems.push({ path: `${path}/${i}`, message: 'must be in ascending order without repeats' });
      return false;
    }
  }
  return true;
}

/** @param {unknown} rules @param {string} path @param {Problem[]} problems */
function checkRules(rules, path, problems) {
  if (!isObject(rules)) return problems.push({ path, message: 'must be an object' });
  if (!isObject(rules.ratios)) problems.push({ path: `${path}/ratios`, message: 'must be an object of risk class to basis points' });
  else
    for (const [c, r] of Object.entries(rules.ratios)) {
      if (!RISK_CLASSES.includes(/** @type {RiskClass} */ (c))) problems.push({ path: `${path}/ratios/${c}`, message: `is not a risk class (${RISK_CLASSES.join(', ')})` });
      else if (!Number.isInteger(r) || /** @type {number} */ (r) < 0 || /** @type {number} */ (r) > 10000)
        problems.push({ path: `${path}/ratios/${c}`, message: 'must be an integer from 0 to 10000 (basis points)' });
    }
  const m = rules.inspectorsPerTask;
  if (!Number.isInteger(m) || /** @type {number} */ (m) < 2 || /** @type {number} */ (m) > MAX_INSPECTORS_PER_TASK)
    problems.push({ path: `${path}/inspectorsPerTask`, message: `must be an integer from 2 to ${MAX_INSPECTORS_PER_TASK}` });
  checkAscending(rules.requiredFields, `${path}/requiredFields`, problems);
  if (checkAscending(rules.departments, `${path}/departments`, problems) && rules.departments.length === 0)
    problems.push({ path: `${path}/departments`, message: 'must name at least one department' });
}

/**
 * Codes listed in more than one class, found by merging the ascending class lists, so checking a
 * pool of millions needs no set of them all.
 * @param {PoolClasses} classes
 * @returns {string[]}
 */
export function inMoreThanOneClass(classes) {
  const lists = RISK_CLASSES.map((c) => classes[c] ?? []).filter((l) => l.length);
  const at = lists.map(() => 0);
  /** @type {string[]} */
  const twice = [];
  /** @type {string | undefined} */
  let previous;
  for (;;) {
    let min = -1;
    for (let i = 0; i < lists.length; i++) if (at[i] < lists[i].length && (min < 0 || lists[i][at[i]] < lists[min][at[min]])) min = i;
    if (min < 0) return twice;
    const code = lists[min][at[min]++];
    if (code === previous && twice.at(-1) !== code) twice.push(code);
    previous = code;
  }
}

/**
 * Whether a pool holds a code: a binary search in each class, since the lists are ascending.
 * @param {PoolClasses} classes @param {string} code
 */
export function poolHas(classes, code) {
  return RISK_CLASSES.some((c) => {
    const list = classes[c] ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid] < code) lo = mid + 1;
      else hi = mid;
    }
    return list[lo] === code;
  });
}

/**
 * @param {unknown} classes @param {unknown} ratios @param {string} path @param {Problem[]} problems
 * @returns {boolean} whether the pool is well formed
 */
function checkPool(classes, ratios, path, problems) {
  if (!isObject(classes)) {
    problems.push({ path, message: 'must be an object of risk class to ascending credit codes' });
    return false;
  }
  let ok = true;
  for (const [c, list] of Object.entries(classes)) {
    const p = `${path}/${c}`;
    if (!RISK_CLASSES.includes(/** @type {RiskClass} */ (c))) {
      problems.push({ path: p, message: `is not a risk class (${RISK_CLASSES.join(', ')})` });
      ok = false;
    } else if (!checkAscending(list, p, problems, (s) => CREDIT_CODE.test(s), 'an 18-character unified social credit code')) ok = false;
    else if (list.length > 0 && isObject(ratios) && ratios[c] === undefined) problems.push({ path: `/rules/ratios/${c}`, message: 'the pool has this class, so it needs a ratio' });
  }
  if (!ok) return false;
  const twice = inMoreThanOneClass(/** @type {PoolClasses} */ (classes));
  for (const code of twice) problems.push({ path, message: `${code} is in more than one risk class` });
  return twice.length === 0;
}

/**
 * @param {unknown} roster @param {string[]} departments @param {PoolClasses | undefined} pool (undefined when malformed)
 * @param {string} path @param {Problem[]} problems
 */
function checkRoster(roster, departments, pool, path, problems) {
  if (!isObject(roster)) return problems.push({ path, message: 'must be an object with inspectors and exclusions' });
  /** @type {Set<string>} */
  const ids = new Set();
  const inspectors = roster.inspectors;
  if (!Array.isArray(inspectors)) problems.push({ path: `${path}/inspectors`, message: 'must be an array' });
  else
    inspectors.forEach((x, i) => {
      const p = `${path}/inspectors/${i}`;
      if (!isObject(x)) return problems.push({ path: p, message: 'must be an object' });
      const extra = Object.keys(x).filter((k) => !['id', 'name', 'certificate', 'department', 'fields'].includes(k));
      // Only what is public about an inspector may be published.
      if (extra.length) problems.push({ path: p, message: `must hold only id, name, certificate, department and fields (not ${extra.join(', ')})` });
      for (const k of ['id', 'name', 'certificate', 'department']) if (!isText(x[k])) problems.push({ path: `${p}/${k}`, message: 'must be a non-empty text of at most 200 characters' });
      if (isText(x.department) && departments.length && !departments.includes(x.department)) problems.push({ path: `${p}/department`, message: 'is not one of the plan departments' });
      checkAscending(x.fields, `${p}/fields`, problems);
      if (typeof x.id === 'string') {
        const prev = inspectors[i - 1];
        if (i > 0 && isObject(prev) && typeof prev.id === 'string' && !(prev.id < x.id)) problems.push({ path: `${p}/id`, message: 'inspectors must be in ascending id order without repeats' });
        ids.add(x.id);
      }
    });
  if (!isObject(roster.exclusions)) problems.push({ path: `${path}/exclusions`, message: 'must be an object of inspector id to ascending credit codes' });
  else
    for (const [id, list] of Object.entries(roster.exclusions)) {
      const p = `${path}/exclusions/${id}`;
      if (!ids.has(id)) problems.push({ path: p, message: 'is not an inspector on the roster' });
      if (!checkAscending(list, p, problems, (s) => CREDIT_CODE.test(s), 'an 18-character unified social credit code')) continue;
      const outside = pool && list.find((c) => !poolHas(pool, c));
      if (outside) problems.push({ path: p, message: `${outside} is not in the pool (only pool enterprises are published)` });
    }
}

/** @param {unknown} input @returns {Problem[]} */
export function checkDrawInput(input) {
  /** @type {Problem[]} */
  const problems = [];
  if (!isObject(input)) return [{ path: '', message: 'must be an object' }];
  if (!isText(input.planId)) problems.push({ path: '/planId', message: 'must be a non-empty text of at most 200 characters' });
  for (const k of ['commitment', 'secret']) if (typeof input[k] !== 'string' || !HEX64.test(input[k])) problems.push({ path: `/${k}`, message: 'must be 64 lowercase hex characters' });
  checkRules(input.rules, '/rules', problems);
  const rules = isObject(input.rules) ? input.rules : {};
  const poolOk = checkPool(input.pool, rules.ratios, '/pool', problems);
  checkRoster(input.roster, Array.isArray(rules.departments) ? rules.departments : [], poolOk ? /** @type {PoolClasses} */ (input.pool) : undefined, '/roster', problems);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The draw

/**
 * Enterprises to draw from a class of n with a ratio of r basis points: ceil(n * r / 10000), in
 * integers so no floating-point rounding can move it.
 * @param {number} n @param {number} basisPoints
 */
export const sampleSize = (n, basisPoints) => Math.min(n, Math.floor((n * basisPoints + 9999) / 10000));

/**
 * Calls `visit` with every k-combination of 0..n-1 in lexicographic order; stops when it returns true.
 * @param {number} n @param {number} k @param {(c: number[]) => boolean | void} visit
 */
function combinations(n, k, visit) {
  const c = Array.from({ length: k }, (_, i) => i);
  if (k > n) return;
  for (;;) {
    if (visit(c)) return;
    let i = k - 1;
    while (i >= 0 && c[i] === n - k + i) i--;
    if (i < 0) return;
    c[i]++;
    for (let j = i + 1; j < k; j++) c[j] = c[j - 1] + 1;
  }
}

/**
 * @param {Inspector[]} eligible @param {Rules} rules @param {Stream} stream
 * @returns {Inspector[] | undefined}
 */
function chooseTeam(eligible, rules, stream) {
  const m = rules.inspectorsPerTask;
  if (eligible.length < m) return undefined;
  /** @param {number[]} positions @param {number} t */
  const valid = (positions, t) => {
    const team = positions.map((p) => eligible[p]);
    if (new Set(team.map((x) => x.department)).size < t) return false;
    return rules.requiredFields.every((f) => team.some((x) => x.fields.includes(f)));
  };
  for (let t = Math.min(rules.departments.length, m); t >= 1; t--) {
    for (let attempt = 0; attempt < REJECTION_ATTEMPTS; attempt++) {
      const positions = partialShuffle(stream, eligible.length, m);
      if (valid(positions, t)) return positions.sort((a, b) => a - b).map((p) => eligible[p]);
    }
    let count = 0;
    combinations(eligible.length, m, (c) => void (valid(c, t) && count++));
    if (count === 0) continue;
    let pick = stream.below(count);
    /** @type {Inspector[] | undefined} */
    let team;
    combinations(eligible.length, m, (c) => {
      if (!valid(c, t)) return false;
      if (pick-- > 0) return false;
      team = c.map((p) => eligible[p]);
      return true;
    });
    return team;
  }
  return undefined;
}

/**
 * Runs a draw: checks the input, verifies the secret against the commitment, derives the seed,
 * samples each risk class and assigns inspectors. Deterministic: the same input gives the same
 * document, byte for byte.
 * @param {DrawInput} input
 * @param {Progress} [progress]
 * @returns {DrawDocument}
 */
export function draw(input, progress = () => {}) {
  const problems = checkDrawInput(input);
  if (problems.length) throw new DrawInputError(problems);
  if (commitmentOf(input.secret) !== input.commitment) throw new DrawInputError([{ path: '/secret', message: 'does not match the commitment published with the plan' }]);
  const { rules } = input;
  const classes = /** @type {PoolClasses} */ (Object.fromEntries(RISK_CLASSES.filter((c) => input.pool[c]).map((c) => [c, input.pool[c]])));
  const size = RISK_CLASSES.reduce((n, c) => n + (classes[c]?.length ?? 0), 0);
  progress(`hashing the pool (${size.toLocaleString('en')} enterprises) and the roster`);
  const pHash = poolHash(classes);
  const rHash = rosterHash(input.roster);
  const seed = deriveSeed({ secret: input.secret, planId: input.planId, poolHash: pHash, rosterHash: rHash, rules });

  const key = createSecretKey(Buffer.from(seed, 'hex'));
  progress('drawing enterprises');
  /** @type {DrawDocument['counts']} */
  const counts = {};
  /** @type {{ creditCode: string, riskClass: RiskClass }[]} */
  const drawn = [];
  for (const c of RISK_CLASSES) {
    const codes = classes[c];
    if (!codes) continue;
    const k = sampleSize(codes.length, rules.ratios[c] ?? 0);
    counts[c] = { pool: codes.length, drawn: k };
    for (const p of partialShuffle(new Stream(key, `sample:${c}`), codes.length, k)) drawn.push({ creditCode: codes[p], riskClass: c });
  }

  progress(`assigning inspectors to ${drawn.length.toLocaleString('en')} tasks`);
  /** @type {Map<string, Set<string>>} */
  const excludedFor = new Map();
  for (const [id, list] of Object.entries(input.roster.exclusions)) {
    for (const code of list) {
      let s = excludedFor.get(code);
      if (!s) excludedFor.set(code, (s = new Set()));
      s.add(id);
    }
  }
  /** @type {Task[]} */
  const tasks = drawn.map(({ creditCode, riskClass }) => {
    const excluded = excludedFor.get(creditCode);
    const eligible = excluded ? input.roster.inspectors.filter((x) => !excluded.has(x.id)) : input.roster.inspectors;
    const team = chooseTeam(eligible, rules, new Stream(key, `assign:${creditCode}`));
    return team ? { creditCode, riskClass, inspectors: team.map((x) => x.id) } : { creditCode, riskClass, inspectors: [], unassigned: 'no-valid-team' };
  });

  return {
    algorithm: ALGORITHM,
    planId: input.planId,
    commitment: input.commitment,
    secret: input.secret,
    seed,
    rules,
    pool: { hash: pHash, size, classes },
    roster: { hash: rHash, inspectors: input.roster.inspectors, exclusions: input.roster.exclusions },
    counts,
    tasks,
  };
}

// ---------------------------------------------------------------------------------------------
// Re-draw

/**
 * @param {unknown} a @param {unknown} b
 */
const same = (a, b) => canonicalJson(a) === canonicalJson(b);

/**
 * Re-runs a published draw from its own inputs and lists every place the document differs from
 * the re-run: hashes, commitment, seed, counts, and each task's enterprise and inspectors.
 * Throws DrawInputError when the document is not a draw document at all.
 * @param {unknown} doc
 * @param {{ commitment?: string, poolHash?: string, rosterHash?: string }} [published] values published earlier (with the plan, at the freeze) to hold the document to
 * @param {Progress} [progress]
 * @returns {{ reproduced: boolean, differences: Difference[], rerun?: DrawDocument }}
 */
export function redraw(doc, published = {}, progress = () => {}) {
  if (!isObject(doc)) throw new DrawInputError([{ path: '', message: 'must be a draw document (a JSON object)' }]);
  /** @type {Problem[]} */
  const shape = [];
  if (doc.algorithm !== ALGORITHM) shape.push({ path: '/algorithm', message: `must be ${ALGORITHM} (this script re-runs only that version)` });
  if (!isObject(doc.pool)) shape.push({ path: '/pool', message: 'must be an object with hash, size and classes' });
  if (!isObject(doc.roster)) shape.push({ path: '/roster', message: 'must be an object with hash, inspectors and exclusions' });
  if (!Array.isArray(doc.tasks)) shape.push({ path: '/tasks', message: 'must be an array' });
  if (shape.length) throw new DrawInputError(shape);
  const pool = /** @type {Record<string, unknown>} */ (doc.pool);
  const roster = /** @type {Record<string, unknown>} */ (doc.roster);
  const input = /** @type {DrawInput} */ ({
    planId: doc.planId,
    commitment: doc.commitment,
    secret: doc.secret,
    rules: doc.rules,
    pool: pool.classes,
    roster: { inspectors: roster.inspectors, exclusions: roster.exclusions },
  });
  const problems = checkDrawInput(input);
  if (problems.length) throw new DrawInputError(problems);

  /** @type {Difference[]} */
  const differences = [];
  /** @param {string} path @param {string} message @param {unknown} expected @param {unknown} actual */
  const differ = (path, message, expected, actual) => differences.push({ path, message, expected, actual });
  for (const [key, path, value] of /** @type {const} */ ([
    ['commitment', '/commitment', doc.commitment],
    ['poolHash', '/pool/hash', pool.hash],
    ['rosterHash', '/roster/hash', roster.hash],
  ])) {
    const want = published[key];
    if (want !== undefined && want !== value) differ(path, `is not the ${key} published earlier`, want, value);
  }

  const secretMatches = commitmentOf(input.secret) === input.commitment;
  if (!secretMatches) differ('/secret', 'does not match the commitment: its SHA-256 is not the published commitment', input.commitment, commitmentOf(input.secret));
  // A mismatched secret still re-runs (past the commitment check) so every other difference shows too.
  const rerun = draw({ ...input, commitment: secretMatches ? input.commitment : commitmentOf(input.secret) }, progress);
  rerun.commitment = input.commitment;

  progress('comparing');
  if (pool.hash !== rerun.pool.hash) differ('/pool/hash', 'is not the SHA-256 of the published pool: the pool or its hash was changed', rerun.pool.hash, pool.hash);
  if (pool.size !== rerun.pool.size) differ('/pool/size', 'is not the number of enterprises in the pool', rerun.pool.size, pool.size);
  if (roster.hash !== rerun.roster.hash) differ('/roster/hash', 'is not the SHA-256 of the published roster: the roster or its hash was changed', rerun.roster.hash, roster.hash);
  if (doc.seed !== rerun.seed) differ('/seed', 'is not the seed derived from the secret, plan id, pool hash, roster hash and rules', rerun.seed, doc.seed);
  if (!same(doc.counts, rerun.counts)) differ('/counts', 'are not the per-class pool and draw counts', rerun.counts, doc.counts);

  const tasks = /** @type {unknown[]} */ (doc.tasks);
  if (tasks.length !== rerun.tasks.length) differ('/tasks', `has ${tasks.length} tasks; the re-run draws ${rerun.tasks.length}`, rerun.tasks.length, tasks.length);
  const n = Math.max(tasks.length, rerun.tasks.length);
  for (let i = 0; i < n; i++) {
    const want = rerun.tasks[i];
    const got = /** @type {Partial<Task> | undefined} */ (isObject(tasks[i]) ? tasks[i] : undefined);
    const at = `/tasks/${i}`;
    if (!want) {
      differ(at, `task ${i + 1} is not in the re-run`, undefined, tasks[i]);
      continue;
    }
    if (!got) {
      differ(at, `task ${i + 1} (${want.creditCode}) is missing`, want, tasks[i]);
      continue;
    }
    if (got.creditCode !== want.creditCode) {
      differ(`${at}/creditCode`, `task ${i + 1}: the re-run draws enterprise ${want.creditCode}`, want.creditCode, got.creditCode);
      continue;
    }
    if (got.riskClass !== want.riskClass) differ(`${at}/riskClass`, `task ${i + 1} (${want.creditCode}): risk class differs`, want.riskClass, got.riskClass);
    const gotTeam = Array.isArray(got.inspectors) ? got.inspectors : [];
    for (let j = 0; j < Math.max(gotTeam.length, want.inspectors.length); j++) {
      if (gotTeam[j] !== want.inspectors[j])
        differ(`${at}/inspectors/${j}`, `task ${i + 1} (${want.creditCode}), inspector ${j + 1}: the re-run assigns ${want.inspectors[j] ?? 'nobody'}`, want.inspectors[j], gotTeam[j]);
    }
    if (got.unassigned !== want.unassigned) differ(`${at}/unassigned`, `task ${i + 1} (${want.creditCode}): unassigned differs`, want.unassigned, got.unassigned);
  }
  return { reproduced: differences.length === 0, differences, rerun };
}

// ---------------------------------------------------------------------------------------------
// Command line

const USAGE = `usage: node scripts/redraw.mjs [--commitment HEX] [--pool-hash HEX] [--roster-hash HEX] <draw.json | ->

Re-runs a published 双随机 draw (algorithm ${ALGORITHM}) from the inputs in the document and checks
that it reproduces the document exactly. "-" reads the document from standard input.
The optional flags hold the document to values published earlier: the commitment published with
the plan, and the pool and roster hashes published when they were frozen.

Exit status: 0 reproduced, 1 differs (each difference is printed), 2 bad usage or not a draw document.`;

/** @param {string[]} argv */
function main(argv) {
  /** @type {{ commitment?: string, poolHash?: string, rosterHash?: string }} */
  const published = {};
  /** @type {string | undefined} */
  let file;
  const flags = /** @type {const} */ ({ '--commitment': 'commitment', '--pool-hash': 'poolHash', '--roster-hash': 'rosterHash' });
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return usage(0);
    if (a in flags) {
      const v = argv[++i];
      if (!v || !HEX64.test(v)) return usage(2, `${a} needs 64 lowercase hex characters`);
      published[flags[/** @type {keyof typeof flags} */ (a)]] = v;
    } else if (a.startsWith('--')) return usage(2, `unknown option ${a}`);
    else if (file === undefined) file = a;
    else return usage(2, 'give one draw document');
  }
  if (file === undefined) return usage(2, 'give the published draw document (a file, or - for standard input)');

  /** @param {string} stage */
  const progress = (stage) => process.stderr.write(`… ${stage}\n`);
  let text;
  try {
    progress(`reading ${file === '-' ? 'standard input' : file}`);
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    return usage(2, `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return usage(2, `${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  let result;
  try {
    result = redraw(doc, published, progress);
  } catch (e) {
    if (!(e instanceof DrawInputError)) throw e;
    return usage(2, `${file} is not a valid draw document:\n${e.problems.map((p) => `  ${p.path || '/'}: ${p.message}`).join('\n')}`);
  }
  if (result.reproduced) {
    const d = /** @type {DrawDocument} */ (doc);
    console.log(
      `reproduced: plan ${d.planId}, ${d.tasks.length} tasks from a pool of ${d.pool.size} (pool ${d.pool.hash.slice(0, 12)}…, roster ${d.roster.hash.slice(0, 12)}…, seed ${d.seed.slice(0, 12)}…)`,
    );
    return 0;
  }
  const shown = result.differences.slice(0, 50);
  console.log(`differs: ${result.differences.length} difference${result.differences.length === 1 ? '' : 's'}`);
  for (const d of shown) console.log(`  ${d.path}: ${d.message}${d.expected !== undefined || d.actual !== undefined ? ` (re-run: ${brief(d.expected)}; document: ${brief(d.actual)})` : ''}`);
  if (result.differences.length > shown.length) console.log(`  … and ${result.differences.length - shown.length} more`);
  return 1;
}

/** @param {unknown} v */
function brief(v) {
  const s = v === undefined ? 'nothing' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

/** @param {number} code @param {string} [why] */
function usage(code, why) {
  if (why) console.error(`redraw: ${why}\n`);
  (code === 0 ? console.log : console.error)(USAGE);
  return code;
}

// Run as a command only when this very file is the entry point, not when bundled into another.
const self = import.meta.filename;
if (self?.endsWith('redraw.mjs') && process.argv[1] && realpathSync(process.argv[1]) === realpathSync(self)) process.exitCode = main(process.argv.slice(2));
