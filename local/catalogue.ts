/**
 * `npm run catalogue -- <command>`: administers the permit catalogue in the table, like the API's
 * catalogue:admin calls. Talks to the local exchange started by `npm start` (.data/local.json), or
 * to the table named by TABLE_NAME (and DYNAMODB_ENDPOINT) on AWS.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ApiClient } from '../functions/core/model';
import { seedCatalogue } from '../functions/core/catalogue-seed';
import { addCatalogueVersion, readCatalogue, readCatalogueCsv } from '../functions/core/permits';
import { runtimePorts } from '../functions/runtime';
import { adminTarget, runAsCommand } from './admin-cli';

const USAGE = `usage: npm run catalogue -- <command>
  load                                              load the shipped catalogue (adds only versions not stored yet)
  add <code> --file version.json --by DEPT [--note N]  add a version (a CatalogueItemVersion as JSON) to an item
  export [--as-of YYYY-MM-DD] [--csv]               print the catalogue in force on a date, as JSON or CSV`;

export async function main(argv: string[], out: (s: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { file: { type: 'string' }, by: { type: 'string' }, note: { type: 'string' }, 'as-of': { type: 'string' }, csv: { type: 'boolean' } },
  });
  const [command, code] = positionals;
  if (!command || !['load', 'add', 'export'].includes(command) || (command === 'add' && (!code || !values.file || !values.by))) {
    out(USAGE);
    return 2;
  }
  const ports = runtimePorts(adminTarget());
  if (command === 'load') {
    out('Loading the shipped catalogue ...');
    const { added, edition } = await seedCatalogue(ports);
    out(`${added} version(s) added; edition: ${edition}`);
    return 0;
  }
  if (command === 'export') {
    out(values.csv ? await readCatalogueCsv(ports, values['as-of']) : JSON.stringify(await readCatalogue(ports, values['as-of']), null, 2));
    return 0;
  }
  // The command acts for an administrator of the named department, as a catalogue:admin client would.
  const admin: ApiClient = { clientId: 'admin-command', department: values.by ?? '', name: 'npm run catalogue', scopes: ['catalogue:admin'], keyHash: '', createdAt: ports.clock.now().toISOString() };
  const version = JSON.parse(readFileSync(values.file ?? '', 'utf8')) as unknown;
  const change = await addCatalogueVersion(ports, admin, code ?? '', { version, ...(values.note ? { note: values.note } : {}) });
  out(`${change.code} ${change.change} (${change.name}, ${change.reformMode}), effective ${change.effectiveFrom}`);
  return 0;
}

runAsCommand(import.meta.url, main);
