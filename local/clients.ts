/**
 * `npm run clients -- <command>`: administers API clients and the credit code exception list.
 * Talks to the table directly: the local one started by `npm start` (found through
 * .data/local.json), or the one named by TABLE_NAME (and DYNAMODB_ENDPOINT) on AWS.
 */
import { parseArgs } from 'node:util';
import { createClient, grantScopes, MAX_RATE_LIMIT_PER_SECOND, setRateLimit } from '../functions/core/clients';
import { keyEnvironment } from '../functions/config';
import { addCreditCodeException, EXCEPTIONS_TTL_MS, removeCreditCodeException } from '../functions/core/credit-code-exceptions';
import { DIRECTORY_TTL_MS, setDepartmentEntry } from '../functions/core/departments';
import { SCOPES } from '../functions/core/model';
import { runtimePorts } from '../functions/runtime';
import { randomInt } from 'node:crypto';
import { checkCreditCode, CREDIT_CODE_CHARSET } from '../schemas/credit-code';
import { recordExamples } from '../schemas/examples';
import { RECORD_KINDS, type RecordKind } from '../schemas/records';
import { division } from '../schemas/refdata/index';
import { makeCreditCode } from './samples';
import { adminTarget, runAsCommand } from './admin-cli';

const USAGE = `usage: npm run clients -- <command>
  list                                              list clients
  create --department D --name N --scopes S1,S2     create a client; prints its API key once (marked with EXCHANGE_ENV,
                                                    default local: set it to the deployment's marker on AWS)
  revoke <clientId>                                 revoke a client's key
  grant <clientId> --scopes S1,S2                   add scopes to a client, keeping its key
  limit <clientId> --per-second N | --default       set the requests per second the client may make (1-${MAX_RATE_LIMIT_PER_SECOND}), or
                                                    give it the deployment's CLIENT_RATE_LIMIT_PER_SECOND again
  exceptions list                                   list credit codes accepted despite a wrong check character
  exceptions add <code> --reason R --by NAME        accept one such code
  exceptions remove <code>
  departments list                                  the department directory as stamped on records (数据来源单位)
  departments set <id> [--credit-code C] [--name N] [--region R] [--parent P] --by NAME
                                                    record a department's credit code (or other details)
  sample-code [region] [--count N] [--prefix P]     print valid test credit codes (both check characters right) for a
                                                    current GB/T 2260 region (default 330402), prefix 91 enterprise,
                                                    92 individual business, 93 farmers' cooperative (default 91)
  sample-record <kind>                              print a valid example body to POST /v1/records (kinds: ${RECORD_KINDS.join(', ')})
scopes: ${SCOPES.join(', ')}`;

export async function main(argv: string[], out: (s: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      department: { type: 'string' },
      name: { type: 'string' },
      scopes: { type: 'string' },
      reason: { type: 'string' },
      by: { type: 'string' },
      'credit-code': { type: 'string' },
      region: { type: 'string' },
      parent: { type: 'string' },
      count: { type: 'string' },
      prefix: { type: 'string' },
      'per-second': { type: 'string' },
      default: { type: 'boolean' },
    },
  });
  const [command, sub, arg] = positionals;
  if (!command) {
    out(USAGE);
    return 2;
  }
  // Test data needs no exchange: these two answer before any table is looked for.
  if (command === 'sample-code') return sampleCodes(out, sub ?? '330402', values.count ?? '1', values.prefix ?? '91');
  if (command === 'sample-record') {
    if (!(RECORD_KINDS as readonly string[]).includes(sub ?? '')) {
      out(`sample-record needs a kind: ${RECORD_KINDS.join(', ')}`);
      out(USAGE);
      return 2;
    }
    out(JSON.stringify(recordExamples()[sub as RecordKind], null, 2));
    return 0;
  }
  const ports = runtimePorts(adminTarget());
  const now = () => ports.clock.now().toISOString();
  switch (command) {
    case 'list': {
      for (const c of await ports.clients.list()) {
        const rate = c.rateLimitPerSecond ? `${c.rateLimitPerSecond}/s` : 'default rate';
        out(`${c.clientId}  ${c.department.padEnd(12)} ${c.revokedAt ? `REVOKED ${c.revokedAt}` : 'active'}  ${rate}  ${c.name}  [${c.scopes.join(' ')}]`);
      }
      return 0;
    }
    case 'create': {
      const { client, apiKey } = await createClient(
        ports,
        {
          department: values.department ?? '',
          name: values.name ?? '',
          scopes: (values.scopes ?? '').split(',').filter(Boolean),
        },
        keyEnvironment(),
      );
      out(`created ${client.clientId} for ${client.department} with scopes ${client.scopes.join(' ')}`);
      out(`API key (shown once, stored only as a hash): ${apiKey}`);
      return 0;
    }
    case 'revoke': {
      if (!sub) break;
      const ok = await ports.clients.revoke(sub, now());
      out(ok ? `revoked ${sub}; its key stops working within 15 s` : `no active client ${sub}`);
      return ok ? 0 : 1;
    }
    case 'grant': {
      if (!sub || !values.scopes) break;
      const client = await grantScopes(ports, sub, values.scopes.split(',').filter(Boolean));
      out(client ? `${client.clientId} now has scopes ${client.scopes.join(' ')}; running APIs pick them up within 15 s` : `no active client ${sub}`);
      return client ? 0 : 1;
    }
    case 'limit': {
      const perSecond = values['per-second'];
      if (!sub || (perSecond === undefined) === !values.default) break;
      if (perSecond !== undefined && !/^[0-9]+$/.test(perSecond)) {
        out(`--per-second takes a whole number, got ${perSecond}`);
        break;
      }
      const client = await setRateLimit(ports, sub, perSecond === undefined ? undefined : Number(perSecond));
      const rate = client?.rateLimitPerSecond ? `${client.rateLimitPerSecond} requests per second` : `the default rate (CLIENT_RATE_LIMIT_PER_SECOND)`;
      out(client ? `${client.clientId} may now make ${rate}; running APIs pick it up within 15 s` : `no active client ${sub}`);
      return client ? 0 : 1;
    }
    case 'exceptions': {
      if (sub === 'list') {
        for (const e of await ports.creditCodeExceptions.list()) out(`${e.creditCode}  ${e.addedAt}  ${e.addedBy}  ${e.reason}`);
        return 0;
      }
      if (sub === 'add' && arg && values.reason && values.by) {
        const check = checkCreditCode(arg);
        if (!check.valid && check.reason === 'format') {
          out(`${arg} is not even shaped like a credit code; refusing`);
          return 1;
        }
        if (check.valid) out(`note: ${arg} passes the check already; adding it changes nothing`);
        await addCreditCodeException(ports, { creditCode: arg, reason: values.reason, addedBy: values.by, addedAt: now() });
        out(`accepted ${arg}; running APIs pick it up within ${EXCEPTIONS_TTL_MS / 1000} s`);
        return 0;
      }
      if (sub === 'remove' && arg) {
        const ok = await removeCreditCodeException(ports, arg);
        out(ok ? `removed ${arg}` : `${arg} was not on the list`);
        return ok ? 0 : 1;
      }
      break;
    }
    case 'departments': {
      if (sub === 'list') {
        for (const d of await ports.departments.list()) out(`${d.department.padEnd(14)} ${d.creditCode ?? '(no credit code)'}  ${d.region}  ${d.name}${d.parent ? `  parent ${d.parent}` : ''}`);
        return 0;
      }
      if (sub === 'set' && arg && values.by) {
        const entry = await setDepartmentEntry(ports, { department: arg, creditCode: values['credit-code'], name: values.name, region: values.region, parent: values.parent, updatedBy: values.by });
        out(
          `${entry.department}: ${entry.name}, ${entry.creditCode ?? 'no credit code'}, region ${entry.region}; records posted from now on carry it (running APIs within ${DIRECTORY_TTL_MS / 1000} s)`,
        );
        return 0;
      }
      break;
    }
  }
  out(USAGE);
  return 2;
}

const ORG_PREFIXES = ['91', '92', '93'];

function sampleCodes(out: (s: string) => void, region: string, countText: string, prefix: string): number {
  const count = Number(countText);
  const problems = [
    division(region)?.status !== 'current' && `${region} is not a current GB/T 2260 region code`,
    !(Number.isInteger(count) && count >= 1 && count <= 1000) && `--count must be 1-1000, got ${countText}`,
    !ORG_PREFIXES.includes(prefix) && `--prefix must be one of ${ORG_PREFIXES.join(', ')}`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length) {
    for (const p of problems) out(p);
    out(USAGE);
    return 2;
  }
  for (let i = 0; i < count; i++) {
    const body = Array.from({ length: 8 }, () => CREDIT_CODE_CHARSET[randomInt(CREDIT_CODE_CHARSET.length)]).join('');
    out(makeCreditCode(prefix, region, body));
  }
  return 0;
}

runAsCommand(import.meta.url, main);
