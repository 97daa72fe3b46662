/**
 * Types of scripts/redraw.mjs, the draw algorithm and public re-draw tool (see its header for the
 * exact derivation). Kept beside it by hand because the script must run on plain Node.
 */
export declare const ALGORITHM: 'edx-draw/1';
/** Risk classes (企业信用风险分类) in stratum order; `unrated` holds enterprises not yet classified. */
export declare const RISK_CLASSES: readonly ['A', 'B', 'C', 'D', 'unrated'];
export declare const MAX_INSPECTORS_PER_TASK: 4;

export type RiskClass = (typeof RISK_CLASSES)[number];
export interface Problem {
  path: string;
  message: string;
}
export interface Rules {
  /** Sampling ratio per risk class in basis points (1/10000); every class in the pool needs one. */
  ratios: Partial<Record<RiskClass, number>>;
  inspectorsPerTask: number;
  /** Fields (专业领域) the team must cover together, ascending. */
  requiredFields: string[];
  /** Participating departments, ascending; more than one makes a joint plan (部门联合双随机). */
  departments: string[];
}
/** What is public about an inspector (执法检查人员): nothing else may be published. */
export interface Inspector {
  id: string;
  name: string;
  /** Law-enforcement certificate number (执法证号). */
  certificate: string;
  department: string;
  fields: string[];
}
export interface RosterContent {
  /** Ascending by id. */
  inspectors: Inspector[];
  /** Inspector id → ascending credit codes of pool enterprises the inspector must not draw. */
  exclusions: Record<string, string[]>;
}
export interface Roster extends RosterContent {
  hash: string;
}
/** Risk class → ascending credit codes. */
export type PoolClasses = Partial<Record<RiskClass, string[]>>;
export interface Pool {
  hash: string;
  size: number;
  classes: PoolClasses;
}
export interface Task {
  creditCode: string;
  riskClass: RiskClass;
  /** Ascending inspector ids; empty when no valid team exists. */
  inspectors: string[];
  unassigned?: 'no-valid-team';
}
export interface DrawInput {
  planId: string;
  commitment: string;
  secret: string;
  rules: Rules;
  pool: PoolClasses;
  roster: RosterContent;
}
/** The published draw (抽查结果公示): inputs, seed reveal and outputs. */
export interface DrawDocument {
  algorithm: string;
  planId: string;
  commitment: string;
  secret: string;
  seed: string;
  rules: Rules;
  pool: Pool;
  roster: Roster;
  counts: Partial<Record<RiskClass, { pool: number; drawn: number }>>;
  tasks: Task[];
}
export interface Difference {
  path: string;
  message: string;
  expected?: unknown;
  actual?: unknown;
}
export type Progress = (stage: string) => void;

export declare class DrawInputError extends Error {
  constructor(problems: Problem[]);
  readonly problems: Problem[];
}

export declare function canonicalJson(value: unknown): string;
export declare function hashCanonical(value: unknown): string;
export declare function commitmentOf(secretHex: string): string;
export declare function newCommitment(random?: (bytes: number) => Uint8Array): { secret: string; commitment: string };
export declare function poolHash(classes: PoolClasses): string;
export declare function rosterHash(roster: RosterContent): string;
export declare function deriveSeed(p: { secret: string; planId: string; poolHash: string; rosterHash: string; rules: Rules }): string;
export declare class Stream {
  /** `seed` as hex, or as a key made once for many streams. */
  constructor(seed: string | import('node:crypto').KeyObject, label: string);
  nextWord(): number;
  below(n: number): number;
}
export declare function partialShuffle(stream: Stream, n: number, k: number): number[];
export declare function inMoreThanOneClass(classes: PoolClasses): string[];
export declare function poolHas(classes: PoolClasses, code: string): boolean;
export declare function checkDrawInput(input: unknown): Problem[];
export declare function sampleSize(n: number, basisPoints: number): number;
export declare function draw(input: DrawInput, progress?: Progress): DrawDocument;
export declare function redraw(
  doc: unknown,
  published?: { commitment?: string; poolHash?: string; rosterHash?: string },
  progress?: Progress,
): { reproduced: boolean; differences: Difference[]; rerun?: DrawDocument };
