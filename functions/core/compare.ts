/**
 * Batch comparison (批量比对): up to 1,000 credit codes answered from each enterprise's directory
 * item (对象库目录: name, region, status and live records per kind, kept by fan-out), read 100 keys
 * at a time, never one enterprise after another. Every enterprise read is logged like a profile read.
 */
import { checkCreditCode } from '../../schemas/credit-code';
import { RECORD_KINDS, type RecordKind } from '../../schemas/records';
import { requireScope } from './clients';
import { exceptionCodes } from './credit-code-exceptions';
import { invalidInput, type FieldError } from './errors';
import type { AccessRecord, ApiClient } from './model';
import type { Ports } from './ports';
import { maskText } from './privacy';
import { requirePurpose } from './profile';
import { personalIfIndividual } from './summary';
import { COMPARE_LIMIT } from '../../schemas/api';
export { COMPARE_LIMIT };

/** Each enterprise's read is a link of its own access-log chain: appended a few enterprises at a time. */
export async function logReads(ports: Ports, records: AccessRecord[], concurrency = 16) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, records.length) }, async () => {
      while (next < records.length) await ports.accessLog.append(records[next++]);
    }),
  );
}

/** The codes of a comparison request, or a problem naming every bad one by its index. */
function codesOf(body: unknown, exceptions: ReadonlySet<string>): string[] {
  const codes = (body as { creditCodes?: unknown } | null)?.creditCodes;
  const extra = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).filter((k) => k !== 'creditCodes') : [];
  if (!Array.isArray(codes) || extra.length) {
    throw invalidInput('send {"creditCodes": [...]}', [
      ...(Array.isArray(codes) ? [] : [{ path: '/creditCodes', message: `an array of 1-${COMPARE_LIMIT} credit codes`, code: 'required' }]),
      ...extra.map((k) => ({ path: `/${k}`, message: 'unknown field', code: 'unknown-field' })),
    ]);
  }
  const errors: FieldError[] = [];
  if (codes.length === 0 || codes.length > COMPARE_LIMIT) errors.push({ path: '/creditCodes', message: `${codes.length} codes; send 1-${COMPARE_LIMIT}`, code: 'too-many' });
  codes.forEach((code, i) => {
    if (typeof code !== 'string') return errors.push({ path: `/creditCodes/${i}`, message: 'must be a string', code: 'type' });
    const check = checkCreditCode(code);
    if (!check.valid && !exceptions.has(code)) {
      errors.push({
        path: `/creditCodes/${i}`,
        message: check.reason === 'format' ? 'must be 18 characters from 0-9 A-H J-N P Q R T U W X Y' : 'wrong check character (18th)',
        code: `credit-code-${check.reason}`,
      });
    }
  });
  if (errors.length) throw invalidInput(`the request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}`, errors);
  return codes as string[];
}

export async function compareEnterprises(ports: Ports, client: ApiClient, body: unknown, purpose: string | undefined) {
  requireScope(client, 'profiles:read');
  const why = requirePurpose(purpose);
  const codes = codesOf(body, await exceptionCodes(ports));
  const unique = [...new Set(codes)];
  const entries = await ports.directory.getMany(unique);
  const at = ports.clock.now().toISOString();
  await logReads(
    ports,
    unique.map((creditCode) => ({
      creditCode,
      at,
      clientId: client.clientId,
      department: client.department,
      purpose: why,
      resource: 'compare',
      ...(entries.get(creditCode) ? {} : { found: false as const }),
    })),
  );
  const personal = client.scopes.includes('personal:read');
  const items = codes.map((creditCode) => {
    const e = entries.get(creditCode);
    const counts = Object.fromEntries(RECORD_KINDS.map((k) => [k, e?.counts?.[k] ?? 0])) as Record<RecordKind, number>;
    const registered = !!e?.asOf;
    // An individual business's name is often its operator's: personal data.
    const name = e?.name === undefined ? null : personal || !personalIfIndividual(creditCode) ? e.name : maskText(e.name);
    return {
      creditCode,
      exists: registered,
      status: !registered ? 'unregistered' : e.registered ? 'active' : 'deregistered',
      name,
      regionCode: e?.regionCode ?? null,
      counts,
    };
  });
  return { items };
}
