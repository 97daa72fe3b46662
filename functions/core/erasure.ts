/**
 * Erasure (删除): an administrator removes a personal field that was posted by mistake from every
 * stored version of a record. The value gives way to a tombstone saying when, by whom and why;
 * reads show the tombstone (masked or not), summaries and exports leave it out, and an entry in
 * the enterprise's access log records the erasure. The stored content hash stays as it was, so a
 * department that posts the original again is answered with the stored (erased) record, and a
 * change of content is still a conflict.
 */
import { textProblem } from '../../schemas/common';
import type { RecordKind } from '../../schemas/records';
import { badRequest, notFound } from './errors';
import type { Ports } from './ports';
import { effectivePrivacy, fieldClasses } from './privacy';
import { isTombstone, type Tombstone } from './summary';

export interface ErasureRequest {
  recordId: string;
  /** Dotted path of the field in the record body, `[]` after an array (as `erasableFields` lists them). */
  field: string;
  reason: string;
  /** The administrator who erases. */
  by: string;
}

export interface ErasureResult {
  creditCode: string;
  /** Versions whose body changed, oldest first. */
  erased: number[];
  /** Versions without the value (never posted, or erased before). */
  unchanged: number[];
}

/** Fields of a kind an administrator may erase for this party: those whose every leaf is personal data for it. */
export function erasableFields(kind: RecordKind, creditCode: string): string[] {
  const leaves = [...fieldClasses(kind)];
  const personal = (path: string) => leaves.filter(([p]) => p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[]`));
  const candidates = new Set<string>();
  for (const [path] of leaves) {
    const parts = path.split('.');
    for (let i = 1; i <= parts.length; i++) candidates.add(parts.slice(0, i).join('.'));
  }
  return [...candidates].filter((c) => {
    const under = personal(c);
    return under.length > 0 && under.every(([, p]) => p !== undefined && effectivePrivacy(p, creditCode) === 'personal');
  });
}

/** `value` with the field at `path` replaced by the tombstone; the same object when nothing was there to erase. */
function eraseAt(value: unknown, path: string[], tombstone: Tombstone): unknown {
  if (path.length === 0) return value === undefined || value === null || isTombstone(value) ? value : tombstone;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const [head, ...rest] = path;
  const each = head.endsWith('[]');
  const key = each ? head.slice(0, -2) : head;
  const obj = value as Record<string, unknown>;
  if (!Object.hasOwn(obj, key)) return value;
  const inner = obj[key];
  let next: unknown;
  if (each) {
    if (!Array.isArray(inner)) return value;
    const mapped = inner.map((e) => eraseAt(e, rest, tombstone));
    next = mapped.some((e, i) => e !== inner[i]) ? mapped : inner;
  } else next = eraseAt(inner, rest, tombstone);
  return next === inner ? value : { ...obj, [key]: next };
}

function requireText(field: string, value: string, errors: { path: string; message: string }[]) {
  const problem = value.trim() ? textProblem(value) : 'required';
  if (problem || value.length > 500) errors.push({ path: field, message: problem ?? 'at most 500 characters' });
}

export async function eraseField(ports: Ports, req: ErasureRequest): Promise<ErasureResult> {
  const errors: { path: string; message: string }[] = [];
  if (!/^rec_[0-9a-f]{26}$/.test(req.recordId)) errors.push({ path: 'recordId', message: 'a record id, rec_ and 26 hex digits' });
  requireText('reason', req.reason, errors);
  requireText('by', req.by, errors);
  if (errors.length) throw badRequest('invalid erasure', errors);
  const versions = await ports.records.versions(req.recordId);
  const current = versions[0];
  if (!current) throw notFound(`no record ${req.recordId}`);
  const allowed = erasableFields(current.kind, current.creditCode);
  if (!allowed.includes(req.field)) {
    throw badRequest(`${req.field} is not a personal field of this ${current.kind} record`, [{ path: 'field', message: `erasable here: ${allowed.join(', ')}` }]);
  }
  const at = ports.clock.now().toISOString();
  const tombstone: Tombstone = { erased: { at, by: req.by.trim(), reason: req.reason.trim() } };
  const result: ErasureResult = { creditCode: current.creditCode, erased: [], unchanged: [] };
  for (const v of [...versions].reverse()) {
    const data = eraseAt(v.data, req.field.split('.'), tombstone);
    if (data !== v.data && (await ports.records.replaceData(v.id, v.version, data as Record<string, unknown>))) result.erased.push(v.version);
    else result.unchanged.push(v.version);
  }
  if (result.erased.length) {
    await ports.accessLog.append({
      creditCode: current.creditCode,
      at,
      clientId: tombstone.erased.by,
      department: 'administrator',
      purpose: tombstone.erased.reason,
      resource: `erasure:${req.recordId}:${req.field}`,
    });
  }
  return result;
}
