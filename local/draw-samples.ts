/**
 * Sample pools and rosters for 双随机 draws in tests and benchmarks: enterprises with correctly
 * computed credit codes in 嘉兴市南湖区 (330402), inspectors of the demo departments. Names and
 * certificate numbers are invented. Every sample comes from a seeded generator, so a test that
 * fails can be rerun with the same input.
 */
import type { PoolEntry, RiskClass, RosterMember } from '../functions/core/draw';
import { makeCreditCode } from './samples';

/** mulberry32: a small seeded generator for building test inputs (the draw itself never uses it). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** The i-th sample enterprise's credit code: organisation code body `MA` + i in base 31. */
export function sampleCreditCode(i: number): string {
  let body = '';
  for (let n = i, k = 0; k < 6; k++, n = Math.floor(n / 31)) body = CODE_CHARS[n % 31] + body;
  return makeCreditCode('91', '330402', `MA${body}`);
}

/** A rough share of each risk class in a district's register. */
export const CLASS_MIX: Record<RiskClass, number> = { A: 0.3, B: 0.45, C: 0.15, D: 0.05, unrated: 0.05 };

export function samplePool(size: number, seed = 1, mix: Record<RiskClass, number> = CLASS_MIX): PoolEntry[] {
  const random = seededRandom(seed);
  const classes = Object.entries(mix) as [RiskClass, number][];
  return Array.from({ length: size }, (_, i) => {
    let x = random();
    const found = classes.find(([, share]) => (x -= share) < 0);
    return { creditCode: sampleCreditCode(i), riskClass: found ? found[0] : 'unrated' };
  });
}

export const SAMPLE_FIELDS = ['产品质量', '价格监督', '卫生监督', '广告监管', '特种设备', '道路运输', '食品安全'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = ['建国', '丽华', '志强', '秀英', '海涛', '晓燕', '文博', '静怡', '伟', '敏', '磊', '婷', '军', '芳', '勇', '娜'];

/**
 * `perDepartment` inspectors in each department, each with one to three fields and, with
 * probability `conflictRate`, a declared conflict with one of `conflictCodes`.
 */
export function sampleRoster(opts: { departments: string[]; perDepartment: number; seed?: number; fields?: string[]; conflictCodes?: string[]; conflictRate?: number }): RosterMember[] {
  const random = seededRandom(opts.seed ?? 7);
  const fields = opts.fields ?? SAMPLE_FIELDS;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const out: RosterMember[] = [];
  opts.departments.forEach((department, d) => {
    for (let i = 1; i <= opts.perDepartment; i++) {
      const own = new Set<string>();
      const nFields = 1 + Math.floor(random() * 3);
      while (own.size < Math.min(nFields, fields.length)) own.add(pick(fields));
      const conflicts = opts.conflictCodes?.length && random() < (opts.conflictRate ?? 0) ? [pick(opts.conflictCodes)] : [];
      const serial = String(d * 1000 + i).padStart(4, '0');
      out.push({
        id: `${department}-${serial}`,
        name: pick([...SURNAMES]) + pick(GIVEN),
        certificate: `330402-${2020 + (i % 6)}-${serial}`,
        department,
        fields: [...own].sort(),
        conflicts,
      });
    }
  });
  return out;
}
