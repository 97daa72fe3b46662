/**
 * Demo departments and records for the local exchange. Idempotent: clients whose keys are on file
 * and still exist are reused, and records are posted through the core, which replays duplicates.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createClient, grantScopes } from '../functions/core/clients';
import { ingestRecord } from '../functions/core/ingest';
import { DEFAULT_INGEST_RULES, type IngestRules } from '../functions/core/ingest-rules';
import { seedCatalogue } from '../functions/core/catalogue-seed';
import { createSubscription, listSubscriptions, rotateSecret, updateSubscription } from '../functions/core/subscriptions';
import { secretContext } from '../functions/core/webhooks';
import type { Scope } from '../functions/core/model';
import type { Ports } from '../functions/core/ports';
import type { SubscriptionFilters } from '../schemas/events';
import { demoRecords } from './samples';

const ALL_KINDS: Scope[] = ['records:write:registration', 'records:write:licence', 'records:write:filing', 'records:write:inspection', 'records:write:penalty'];

export const DEMO_CLIENTS: { department: string; name: string; scopes: Scope[] }[] = [
  {
    department: 'market',
    name: '区市场监督管理局 登记许可系统',
    scopes: [...ALL_KINDS, 'profiles:read', 'credit:read', 'subscriptions:manage', 'inbox:read', 'inbox:act', 'inspections:plan', 'catalogue:admin', 'notices:claim'],
  },
  {
    department: 'health',
    name: '区卫生健康局 卫生监督系统',
    scopes: ['records:write:licence', 'records:write:inspection', 'records:write:penalty', 'profiles:read', 'subscriptions:manage', 'inbox:read', 'inbox:act'],
  },
  {
    department: 'transport',
    name: '区交通运输局 运政系统',
    scopes: ['records:write:licence', 'records:write:filing', 'records:write:inspection', 'records:write:penalty', 'profiles:read', 'subscriptions:manage', 'inbox:read', 'inbox:act'],
  },
  { department: 'credit', name: '区信用办 公共信用信息平台', scopes: ['profiles:read', 'credit:read', 'credit:write', 'subscriptions:manage', 'inbox:read', 'inbox:act'] },
  {
    department: 'supervision',
    name: '区政务服务管理办公室 监管平台',
    scopes: ['profiles:read', 'personal:read', 'audit:read', 'inbox:read', 'inbox:act', 'subscriptions:manage', 'notifications:oversee', 'calendar:manage', 'cover:read', 'notices:claim'],
  },
];

export interface DemoCredential {
  department: string;
  name: string;
  clientId: string;
  scopes: string[];
  apiKey: string;
}

/**
 * Demo subscriptions: health wants restaurants (industry section H) by webhook; transport pulls
 * road transport registrations (industry 54); credit takes every penalty by webhook. Made through
 * the same core calls as the API, as each department's own client. Returns the webhook
 * subscriptions' paths and secrets so the demo receiver can check signatures.
 */
export async function seedSubscriptions(ports: Ports, receiverUrl: (department: string) => string) {
  const specs: { department: string; name: string; purpose: string; filters: SubscriptionFilters; webhook: boolean }[] = [
    {
      department: 'health',
      name: '餐饮单位许可、检查与处罚',
      purpose: '餐饮服务食品安全监管',
      filters: { kinds: ['registration', 'licence', 'inspection', 'penalty'], industryPrefixes: ['H'] },
      webhook: true,
    },
    { department: 'transport', name: '道路运输企业登记', purpose: '道路运输经营许可审查与事中事后监管', filters: { kinds: ['registration'], industryPrefixes: ['54'] }, webhook: false },
    { department: 'credit', name: '行政处罚归集', purpose: '行政处罚信息归集与信用公示', filters: { kinds: ['penalty'] }, webhook: true },
  ];
  const local = { allowPrivateTargets: true };
  const clients = (await ports.clients.list()).filter((c) => !c.revokedAt && c.scopes.includes('subscriptions:manage'));
  const hooks: { department: string; path: string; secret: string }[] = [];
  for (const spec of specs) {
    const client = clients.find((c) => c.department === spec.department);
    if (!client) throw new Error(`no demo client of ${spec.department} may manage subscriptions`);
    const url = receiverUrl(spec.department);
    const webhook = spec.webhook ? { url } : undefined;
    const existing = (await listSubscriptions(ports, client)).find((s) => s.name === spec.name);
    // A subscription kept from an older seed gets the purpose it lacks; the receiver may have moved to another port.
    const patch = { ...(existing?.purpose ? {} : { purpose: spec.purpose }), ...(existing?.webhook && webhook && existing.webhook.url !== url ? { webhook } : {}) };
    const sub = existing
      ? Object.keys(patch).length
        ? await updateSubscription(ports, client, existing.id, patch, local)
        : existing
      : await createSubscription(ports, client, { name: spec.name, purpose: spec.purpose, filters: spec.filters, ...(webhook ? { webhook } : {}) }, local);
    // The demo receiver plays the department and needs its secret: this local process holds the local key.
    // A subscription kept from before secrets were sealed gets a new, sealed one.
    const stored = sub.webhook ? await ports.subscriptions.get(spec.department, sub.id) : undefined;
    if (stored?.webhook && !stored.webhook.sealedSecret) await rotateSecret(ports, client, sub.id, { overlapHours: 0 });
    const sealed = sub.webhook ? (await ports.subscriptions.get(spec.department, sub.id))?.webhook?.sealedSecret : undefined;
    if (sealed) hooks.push({ department: spec.department, path: new URL(url).pathname, secret: await ports.secrets.open(sealed, secretContext(spec.department, sub.id)) });
  }
  return hooks;
}

export async function seedDemo(ports: Ports, credentialsFile: string, rules: IngestRules = DEFAULT_INGEST_RULES): Promise<DemoCredential[]> {
  // The demo licences and filings are checked against the catalogue: it is loaded first (a no-op once loaded).
  await seedCatalogue(ports);
  let credentials: DemoCredential[] = existsSync(credentialsFile) ? JSON.parse(readFileSync(credentialsFile, 'utf8')) : [];
  // Keys on file are reused while their clients exist; a client lacking a scope the demo now gives
  // (after a scope split) is granted it in place, so the keys a department already uses keep working.
  let granted = false;
  const current = await Promise.all(
    credentials.map(async (c) => {
      const wanted = DEMO_CLIENTS.find((d) => d.department === c.department)?.scopes;
      const stored = await ports.clients.get(c.clientId);
      if (!wanted || !stored || stored.revokedAt) return false;
      const missing = wanted.filter((s) => !stored.scopes.includes(s));
      if (missing.length) {
        c.scopes = (await grantScopes(ports, c.clientId, missing))?.scopes ?? c.scopes;
        granted = true;
      }
      return true;
    }),
  );
  if (granted) writeFileSync(credentialsFile, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  if (credentials.length !== DEMO_CLIENTS.length || current.includes(false)) {
    credentials = [];
    for (const spec of DEMO_CLIENTS) {
      const { client, apiKey } = await createClient(ports, spec);
      credentials.push({ department: client.department, name: client.name, clientId: client.clientId, scopes: client.scopes, apiKey });
    }
    writeFileSync(credentialsFile, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  }
  for (const [department, record] of demoRecords()) {
    const client = await ports.clients.get(credentials.find((c) => c.department === department)?.clientId ?? '');
    if (!client) throw new Error(`no demo client for ${department}`);
    await ingestRecord(ports, client, record, rules);
  }
  return credentials;
}
