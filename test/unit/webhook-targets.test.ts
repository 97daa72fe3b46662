/**
 * Under the strict webhook policy (AWS, or `npm start` with WEBHOOK_ALLOW_PRIVATE_TARGETS=false)
 * a webhook may only reach a public unicast address: refused when the subscription is saved and
 * again where each delivery connects. The resolver is a fake, so nothing here opens a connection.
 */
import { describe, expect, it } from 'vitest';
import { httpPoster, type Resolve } from '../../functions/adapters/webhook-poster';
import { ProblemError } from '../../functions/core/errors';
import type { ApiClient } from '../../functions/core/model';
import { createSubscription, STRICT_WEBHOOKS } from '../../functions/core/subscriptions';
import { isRefusedAddress } from '../../functions/core/webhooks';
import { memoryPorts } from '../fakes/ports';

/** Every address the hostile test got through, and the classic private ones. */
const REFUSED_LITERALS = [
  '[::127.0.0.1]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[64:ff9b::7f00:1]',
  '[64:ff9b::a00:1]',
  '[64:ff9b::808:808]',
  '[64:ff9b:1::a00:1]',
  '[2002:7f00:1::]',
  '[2001:0:4136:e378:8000:63bf:3fff:fdd2]',
  '[fec0::1]',
  '[ff02::1]',
  '[fe80::1]',
  '[fc00::1]',
  '[::1]',
  '[::]',
  '198.18.0.1',
  '224.0.0.1',
  '255.255.255.255',
  '192.0.0.170',
  '127.0.0.1',
  '10.1.2.3',
  '172.16.0.1',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '0.0.0.0',
  '240.0.0.1',
];
const REFUSED_NAMES = ['localhost', 'localhost.', 'LOCALHOST..', 'hooks.localhost.', 'metadata.google.internal', 'printer.local'];
const PUBLIC = ['8.8.8.8', '[2001:4860:4860::8888]', 'credit.example.gov.cn', 'credit.example.gov.cn.'];

const credit: ApiClient = { clientId: 'ccredit000001', department: 'credit', name: 'credit', scopes: ['subscriptions:manage', 'profiles:read'], keyHash: '00', createdAt: '2026-11-01T00:00:00Z' };

async function create(host: string) {
  const ports = memoryPorts();
  try {
    await createSubscription(ports, credit, { name: 'x', purpose: 'p', webhook: { url: `https://${host}/hook` } }, STRICT_WEBHOOKS);
    return 201;
  } catch (e) {
    if (e instanceof ProblemError) return e.status;
    throw e;
  }
}

describe('webhook targets under the strict policy', () => {
  it.each([...REFUSED_LITERALS, ...REFUSED_NAMES])('%s is refused when the subscription is saved', async (host) => {
    expect(isRefusedAddress(host)).toBe(true);
    expect(await create(host)).toBe(422);
  });

  it.each(PUBLIC)('%s is accepted', async (host) => {
    expect(isRefusedAddress(host)).toBe(false);
    expect(await create(host)).toBe(201);
  });

  it.each(REFUSED_LITERALS)('a delivery to %s is refused before connecting', async (host) => {
    let looked = 0;
    const resolve: Resolve = (_h, cb) => void (looked++, cb(null, []));
    const post = httpPoster({ allowPrivateTargets: false, resolve });
    await expect(post(`https://${host}/hook`, {}, '{}', 1000)).rejects.toThrow(/refused/);
    expect(looked).toBe(0);
  });

  it.each(REFUSED_LITERALS.map((h) => h.replace(/^\[|\]$/g, '')))('a name that resolves to %s is refused at connect time', async (address) => {
    const resolve: Resolve = (_h, cb) => cb(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
    const post = httpPoster({ allowPrivateTargets: false, resolve });
    await expect(post('https://hooks.example.gov.cn/hook', {}, '{}', 1000)).rejects.toThrow(`resolves to the private address ${address}`);
  });

  it('a name with one public and one private address is refused', async () => {
    const resolve: Resolve = (_h, cb) =>
      cb(null, [
        { address: '8.8.8.8', family: 4 },
        { address: '64:ff9b::a9fe:a9fe', family: 6 },
      ]);
    await expect(httpPoster({ allowPrivateTargets: false, resolve })('https://hooks.example.gov.cn/hook', {}, '{}', 1000)).rejects.toThrow(/64:ff9b::a9fe:a9fe/);
  });
});
