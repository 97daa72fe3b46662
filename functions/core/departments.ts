/**
 * The department directory (部门目录) and the 数据来源单位 it gives every record. The shipped
 * directory (schemas/catalogue/departments.json) is the seed: names, regions and parents as
 * published. A department's unified social credit code is not in it; administrators record it
 * (`npm run clients -- departments set`), and an entry kept in the table wins over the shipped one.
 * Ingest reads the entry of the posting department on every record, so a warm process reuses it
 * for a minute (by the clock port).
 */
import { checkCreditCode } from '../../schemas/credit-code';
import { departmentDirectory } from './catalogue-cache';
import type { DepartmentEntry, SourceUnit } from './model';
import type { Clock, DepartmentStore } from './ports';

export const DIRECTORY_TTL_MS = 60_000;

type Deps = { departments: DepartmentStore; clock: Clock };
const cache = new WeakMap<DepartmentStore, Map<string, { entry: DepartmentEntry | undefined; until: number }>>();

// The shipped directory as catalogue-cache holds it, without parsing the whole shipped catalogue
// on a record's first post (test/unit/catalogue.test.ts checks the file against its schema).
function shipped(department: string): DepartmentEntry | undefined {
  const d = departmentDirectory().get(department);
  return d && { department: d.id, name: d.name, region: d.region, level: d.level, ...(d.parent ? { parent: d.parent } : {}) };
}

/** The directory entry of a department: the administrators' one, else the shipped one. */
export async function departmentEntry(ports: Deps, department: string): Promise<DepartmentEntry | undefined> {
  const now = ports.clock.now().getTime();
  let byDept = cache.get(ports.departments);
  if (!byDept) cache.set(ports.departments, (byDept = new Map()));
  const hit = byDept.get(department);
  if (hit && hit.until > now) return hit.entry;
  const entry = (await ports.departments.get(department)) ?? shipped(department);
  byDept.set(department, { entry, until: now + DIRECTORY_TTL_MS });
  return entry;
}

/** 数据来源单位 of a record posted by `department`; a department missing from the directory is named by its id. */
export async function sourceUnit(ports: Deps, department: string): Promise<SourceUnit> {
  const e = await departmentEntry(ports, department);
  if (!e) return { department, name: department, region: '' };
  return { department, name: e.name, region: e.region, ...(e.creditCode ? { creditCode: e.creditCode } : {}), ...(e.parent ? { parent: e.parent } : {}) };
}

/** Sets (or completes) a department's entry; the shipped entry fills what is not given. */
export async function setDepartmentEntry(ports: Deps, change: Partial<Omit<DepartmentEntry, 'updatedAt'>> & { department: string; updatedBy: string }): Promise<DepartmentEntry> {
  const base = (await ports.departments.get(change.department)) ?? shipped(change.department);
  const entry: DepartmentEntry = { ...base, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)), updatedAt: ports.clock.now().toISOString() } as DepartmentEntry;
  if (!entry.name) throw new Error(`department ${change.department} is not in the shipped directory: give --name and --region`);
  if (!/^\d{6}$/.test(entry.region ?? '')) throw new Error(`region must be a 6-digit GB/T 2260 code, got ${entry.region ?? 'nothing'}`);
  if (entry.creditCode !== undefined && !checkCreditCode(entry.creditCode).valid) throw new Error(`${entry.creditCode} is not a valid unified social credit code`);
  await ports.departments.put(entry);
  cache.delete(ports.departments);
  return entry;
}
