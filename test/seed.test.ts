/**
 * The demo seed keeps the keys departments already use: a scope the demo now gives (after a scope
 * split) is granted to the existing client instead of replacing its key.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../functions/core/clients';
import { runtimePorts } from '../functions/runtime';
import { DEMO_CLIENTS, seedDemo, type DemoCredential } from '../local/seed';
import { newTable } from './helpers';

describe('demo seed', () => {
  it('grants new demo scopes to the clients on file and keeps their keys', async () => {
    const ports = runtimePorts(await newTable());
    const file = join(mkdtempSync(join(tmpdir(), 'seed-')), 'demo-credentials.json');
    // Clients as an older seed made them: acknowledging came with inbox:read then.
    const old: DemoCredential[] = [];
    for (const spec of DEMO_CLIENTS) {
      const scopes = spec.scopes.filter((s) => s !== 'inbox:act');
      const { client, apiKey } = await createClient(ports, { ...spec, scopes });
      old.push({ department: client.department, name: client.name, clientId: client.clientId, scopes, apiKey });
    }
    writeFileSync(file, JSON.stringify(old));

    const seeded = await seedDemo(ports, file);
    expect(seeded.map((c) => c.apiKey)).toEqual(old.map((c) => c.apiKey));
    for (const spec of DEMO_CLIENTS) {
      const stored = await ports.clients.get(old.find((c) => c.department === spec.department)?.clientId ?? '');
      expect(new Set(stored?.scopes), spec.department).toEqual(new Set(spec.scopes));
    }
    const onFile = JSON.parse(readFileSync(file, 'utf8')) as DemoCredential[];
    expect(onFile.find((c) => c.department === 'health')?.scopes).toContain('inbox:act');
  });
});
