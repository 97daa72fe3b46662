/**
 * `npm run erase -- ...`: an administrator erases a personal field posted by mistake from every
 * stored version of a record, leaving a tombstone and an access-log entry (see
 * functions/core/erasure.ts). Acts on the local exchange (.data/local.json) or the table named by
 * TABLE_NAME (and DYNAMODB_ENDPOINT) on AWS.
 */
import { parseArgs } from 'node:util';
import { retention } from '../functions/config';
import { erasableFields, eraseField } from '../functions/core/erasure';
import { runtimePorts } from '../functions/runtime';
import { adminTarget, runAsCommand } from './admin-cli';

const USAGE = `usage: npm run erase -- <command>
  fields <recordId>                                  list the fields of a record that may be erased (its personal fields)
  <recordId> <field> --reason R --by NAME            erase the field from every stored version of the record; the value
                                                     becomes a tombstone (when, by whom, why) and the erasure is logged
                                                     in the enterprise's access log
fields are dotted paths in the record body, e.g. legalRepresentative.idDocument.number`;

export async function main(argv: string[], out: (s: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { reason: { type: 'string' }, by: { type: 'string' } } });
  const [first, second] = positionals;
  const listing = first === 'fields' && second !== undefined && positionals.length === 2;
  if (!listing && (positionals.length !== 2 || !values.reason || !values.by)) {
    out(USAGE);
    return 2;
  }
  const ports = runtimePorts({ ...adminTarget(), store: { retention: retention() } });
  if (listing) {
    const current = (await ports.records.versions(second))[0];
    if (!current) {
      out(`no record ${second}`);
      return 1;
    }
    out(`${current.kind} record ${second} of ${current.creditCode}, ${current.version} version(s); erasable fields:`);
    for (const f of erasableFields(current.kind, current.creditCode)) out(`  ${f}`);
    return 0;
  }
  out(`Erasing ${second} from record ${first} ...`);
  const result = await eraseField(ports, { recordId: first, field: second, reason: values.reason ?? '', by: values.by ?? '' });
  for (const v of result.erased) out(`  version ${v}: erased`);
  for (const v of result.unchanged) out(`  version ${v}: no value to erase`);
  out(result.erased.length ? `done; logged in the access log of ${result.creditCode}` : 'nothing erased');
  return 0;
}

runAsCommand(import.meta.url, main);
