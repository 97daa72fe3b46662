/**
 * The README's first command: `npm start` brings the exchange up with demo credentials, a posted
 * record shows in the profile, and everything is still there after a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoRecords, ENTERPRISES, inspection } from '../local/samples';
import { freePort } from '../local/services';

const dataDir = mkdtempSync(join(tmpdir(), 'exchange-data-'));
const running: ChildProcess[] = [];
// A failed test leaves `npm start` running: stop it gracefully so it stops DynamoDB Local too.
afterAll(async () => {
  for (const p of running.filter((r) => r.exitCode === null)) {
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (p.exitCode === null) p.kill('SIGKILL');
  }
});

async function start(port: number): Promise<{ proc: ChildProcess; output: () => string }> {
  const proc = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, PORT: String(port), RECEIVER_PORT: String(await freePort()), EXCHANGE_DATA_DIR: dataDir, EXCHANGE_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(proc);
  let output = '';
  proc.stdout?.on('data', (b) => (output += b));
  proc.stderr?.on('data', (b) => (output += b));
  const deadline = Date.now() + 60_000;
  while (!output.includes('is running at')) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, output: () => output };
}

async function stop(proc: ChildProcess) {
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  proc.kill('SIGTERM');
  return exited;
}

describe('npm start', () => {
  it('serves the seeded demo, takes and pushes a record, and keeps data and keys across a restart', async () => {
    const port = await freePort();
    const first = await start(port);
    const credentials = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as { department: string; apiKey: string }[];
    const market = credentials.find((c) => c.department === 'market');
    expect(market).toBeDefined();
    expect(first.output()).toContain(market?.apiKey);
    const auth = { authorization: `Bearer ${market?.apiKey}`, 'access-purpose': 'readme check' };
    const code = ENTERPRISES.restaurant.creditCode;
    const base = `http://127.0.0.1:${port}`;
    type Profile = { name: string; counts: Record<string, number> };

    const before = (await (await fetch(`${base}/v1/enterprises/${code}`, { headers: auth })).json()) as Profile;
    expect(before.name).toBe(ENTERPRISES.restaurant.name);
    const posted = await fetch(`${base}/v1/records`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(inspection(code, 'JC-readme', { date: '2026-11-20' })),
    });
    expect(posted.status).toBe(201);
    // The whole loop runs: fan-out, queue, signed delivery to the demo receiver (health subscribes to restaurants).
    // Every seeded record about the restaurant is of a kind health subscribes to, and so is the one just posted.
    const expected = demoRecords().filter(([, r]) => r.creditCode === code).length + 1;
    const pushes = () => first.output().split(`[demo receiver /hooks/health] cn.edx.record.created ${code}`).length - 1;
    const deadline = Date.now() + 20_000;
    while (pushes() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(pushes()).toBe(expected);
    const after = (await (await fetch(`${base}/v1/enterprises/${code}`, { headers: auth })).json()) as Profile;
    expect(after.counts.inspection).toBe(before.counts.inspection + 1);
    expect(await stop(first.proc)).toBe(0);

    const second = await start(port);
    const again = (await (await fetch(`${base}/v1/enterprises/${code}`, { headers: auth })).json()) as Profile;
    expect(again.counts).toEqual(after.counts);
    expect(second.output()).toContain(market?.apiKey);
    expect(await stop(second.proc)).toBe(0);
  }, 120_000);
});
