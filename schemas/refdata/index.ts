/**
 * Reference code lists the exchange validates against, generated from the official CSVs by
 * `npm run refdata` (editions are recorded inside each JSON file).
 */
import { shippedData } from '../data-files';

interface Gbt2260 {
  edition: string;
  current: Record<string, string>;
  /** Retired code → "name|last year|successor codes separated by spaces". */
  retired: Record<string, string>;
}
interface Gbt4754 {
  edition: string;
  codes: Record<string, string>;
}
const gbt2260 = () => shippedData<Gbt2260>('refdata/gbt2260.json');
const gbt4754 = () => shippedData<Gbt4754>('refdata/gbt4754.json');

/** The editions of the code lists, read from the files themselves. */
export const refdataEditions = () => ({ gbt2260: gbt2260().edition, gbt4754: gbt4754().edition });

export type Division = { status: 'current'; code: string; name: string } | { status: 'retired'; code: string; name: string; lastYear: number; successors: string[] };

/** Looks up a GB/T 2260 administrative division code (行政区划代码). */
export function division(code: string): Division | undefined {
  const { current, retired } = gbt2260();
  const name = current[code];
  if (name !== undefined) return { status: 'current', code, name };
  const old = retired[code];
  if (old === undefined) return undefined;
  const [oldName, year, successors] = old.split('|');
  return { status: 'retired', code, name: oldName, lastYear: Number(year), successors: successors ? successors.split(' ') : [] };
}

/** Name of a GB/T 4754-2017 section, division, group or class (国民经济行业分类), if it exists. */
export function industryName(code: string): string | undefined {
  return gbt4754().codes[code];
}

export { industrySection } from './industry-sections';

/** Every GB/T 2260 code, current or retired, that starts with `prefix`: the divisions a region prefix covers. */
export function divisionsUnder(prefix: string): string[] {
  const { current, retired } = gbt2260();
  return [...Object.keys(current), ...Object.keys(retired)].filter((code) => code.startsWith(prefix)).sort();
}

let counties: string[] | undefined;
/** Current county-level divisions (districts, counties, county-level cities) whose code starts with `prefix`, in code order. */
export function countyDivisions(prefix: string): string[] {
  counties ??= Object.keys(gbt2260().current)
    .filter((code) => !code.endsWith('00'))
    .sort();
  return counties.filter((code) => code.startsWith(prefix));
}
