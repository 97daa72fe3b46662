/** The section (门类) of each GB/T 4754-2017 division, apart from the full code list because it is all fan-out needs. */
import sections from './gbt4754-sections.json' with { type: 'json' };

const sectionOfDivision: Record<string, string> = sections.sectionOfDivision;

/** The section letter a GB/T 4754-2017 code belongs to. */
export function industrySection(code: string): string | undefined {
  return /^[A-T]$/.test(code) ? code : sectionOfDivision[code.slice(0, 2)];
}
