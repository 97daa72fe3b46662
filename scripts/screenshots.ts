/**
 * `npm run screenshots`: pictures of the console's main pages for the README, taken from a fresh
 * demo exchange (`npm start` with its own data folder and port) in headless Chromium, each at a
 * phone's width (390 px) and a desktop's (1280 px), into docs/screenshots/. Needs Debian's
 * chromium and a CJK font (`apt-get install -y chromium fonts-wqy-microhei`); `pngquant`, when
 * installed, makes the pictures about a third as large.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { freePort } from '../local/services';
import { ENTERPRISES, inspection } from '../local/samples';
import { CHROMIUM, CHROMIUM_ARGS } from '../local/chromium';

const OUT = 'docs/screenshots';
const WIDTHS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;

const dataDir = mkdtempSync(join(tmpdir(), 'screenshots-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
console.log(`starting a demo exchange on ${base} ...`);
const exchange = spawn('npm', ['start'], {
  env: { ...process.env, EXCHANGE_DATA_DIR: dataDir, PORT: String(port), RECEIVER_PORT: String(await freePort()), EXCHANGE_QUIET: '1' },
  detached: true,
  stdio: 'ignore',
});
const stop = () => {
  if (exchange.pid) process.kill(-exchange.pid, 'SIGTERM');
};
try {
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/health`).catch(() => undefined))?.ok) break;
    if (i > 240) throw new Error('the demo exchange did not start within two minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
  // The demo records fan out in the background: give the notices a moment to arrive.
  await new Promise((r) => setTimeout(r, 5000));
  const credentials = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as { department: string; apiKey: string }[];
  const key = (department: string) => credentials.find((c) => c.department === department)?.apiKey ?? '';
  // A year of inspections, so the charts have something to show.
  const today = new Date();
  for (let i = 0; i < 24; i++) {
    const date = new Date(today.getTime() - (i * 15 + 1) * 86_400_000).toISOString().slice(0, 10);
    const code = [ENTERPRISES.restaurant, ENTERPRISES.haulier, ENTERPRISES.grocer][i % 3].creditCode;
    const res = await fetch(`${base}/v1/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key('market')}`, 'content-type': 'application/json' },
      body: JSON.stringify(inspection(code, `JC-SHOT-${i}`, { date, result: i % 4 ? 'no-problem' : 'corrected-on-order' })),
    });
    if (!res.ok) throw new Error(`posting a sample inspection failed: ${res.status} ${await res.text()}`);
  }
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const shots: [name: string, department: string | undefined, path: string][] = [
    ['catalogue', undefined, '/console/public/catalogue'],
    ['enterprise', 'supervision', `/console/enterprise?code=${ENTERPRISES.restaurant.creditCode}&purpose=${encodeURIComponent('日常监管核查')}`],
    ['inbox', 'market', '/console/inbox?all=1'],
    ['entry', 'market', '/console/entry/licence'],
    ['charts', 'market', '/console/charts'],
    ['statistics', 'market', '/console/statistics'],
  ];
  for (const [kind, viewport] of Object.entries(WIDTHS)) {
    for (const [name, department, path] of shots) {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
      const page: Page = await context.newPage();
      if (department) {
        await page.goto(`${base}/console/login`);
        await page.fill('#apiKey', key(department));
        await page.click('button[type=submit]');
        await page.waitForURL(`${base}/console`);
      }
      await page.goto(base + path);
      const file = join(OUT, `${name}-${kind}.png`);
      await page.screenshot({ path: file });
      // pngquant (Debian package) cuts a page picture to about a third; without it the PNG stays as taken.
      spawnSync('pngquant', ['--force', '--skip-if-larger', '--quality=60-85', '--output', file, file]);
      console.log(`${file} (${(statSync(file).size / 1024).toFixed(0)} KB)`);
      await context.close();
    }
  }
  await browser.close();
} finally {
  stop();
  rmSync(dataDir, { recursive: true, force: true });
}
