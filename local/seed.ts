/**
 * Demo departments and records for the local exchange. Idempotent: clients whose keys are on file
 * and still exist are reused, and records are posted through the core, which replays duplicates.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createClient } from '../functions/core/clients';
import { ingestRecord } from '../functions/core/ingest';
import type { Scope } from '../functions/core/model';
import type { Ports } from '../functions/core/ports';
import { demoRecords } from './samples';

const ALL_KINDS: Scope[] = ['records:write:registration', 'records:write:licence', 'records:write:filing', 'records:write:inspection', 'records:write:penalty'];

export const DEMO_CLIENTS: { department: string; name: string; scopes: Scope[] }[] = [
  { department: 'market', name: '区市场监督管理局 登记许可系统', scopes: [...ALL_KINDS, 'profiles:read'] },
  { department: 'health', name: '区卫生健康局 卫生监督系统', scopes: ['records:write:licence', 'records:write:inspection', 'records:write:penalty', 'profiles:read'] },
  { department: 'transport', name: '区交通运输局 运政系统', scopes: ['records:write:licence', 'records:write:filing', 'records:write:inspection', 'records:write:penalty'] },
  { department: 'credit', name: '区信用办 公共信用信息平台', scopes: ['profiles:read'] },
  { department: 'supervision', name: '区政务服务管理办公室 监管平台', scopes: ['profiles:read', 'personal:read', 'audit:read'] },
];

export interface DemoCredential {
  department: string;
  name: string;
  clientId: string;
  scopes: string[];
  apiKey: string;
}

export async function seedDemo(ports: Ports, credentialsFile: string): Promise<DemoCredential[]> {
  let credentials: DemoCredential[] = existsSync(credentialsFile) ? JSON.parse(readFileSync(credentialsFile, 'utf8')) : [];
  const alive = await Promise.all(credentials.map(async (c) => !!(await ports.store.getClient(c.clientId))));
  if (credentials.length !== DEMO_CLIENTS.length || alive.includes(false)) {
    credentials = [];
    for (const spec of DEMO_CLIENTS) {
      const { client, apiKey } = await createClient(ports, spec);
      credentials.push({ department: client.department, name: client.name, clientId: client.clientId, scopes: client.scopes, apiKey });
    }
    writeFileSync(credentialsFile, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  }
  for (const [department, record] of demoRecords()) {
    const client = await ports.store.getClient(credentials.find((c) => c.department === department)?.clientId ?? '');
    if (!client) throw new Error(`no demo client for ${department}`);
    await ingestRecord(ports, client, record);
  }
  return credentials;
}
