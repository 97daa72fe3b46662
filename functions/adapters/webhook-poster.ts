/**
 * The WebhookPoster port over node:http(s): the one place the exchange opens connections to
 * department webhooks.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { WebhookPoster } from '../core/ports';
import { isRefusedAddress } from '../core/webhooks';

export type Resolve = (host: string, callback: (err: Error | null, addresses: LookupAddress[]) => void) => void;
const resolveAll: Resolve = (host, callback) => dnsLookup(host, { all: true }, callback);

/**
 * POSTs over node:http(s), following no redirects. Unless private targets are allowed, the
 * address is checked where the connection is made (the socket's own lookup), so a name that
 * resolves to a private address, even only since the subscription was saved, is never reached.
 */
export function httpPoster(opts: { allowPrivateTargets: boolean; resolve?: Resolve }): WebhookPoster {
  const resolve = opts.resolve ?? resolveAll;
  const refuse = (host: string, address: string) => new Error(`refused: ${host} resolves to the private address ${address}`);
  return (url, headers, body, timeoutMs) =>
    new Promise((ok, fail) => {
      const u = new URL(url);
      // An IP literal is never looked up, so it is checked here.
      if (!opts.allowPrivateTargets && isRefusedAddress(u.hostname)) return fail(refuse(u.hostname, u.hostname));
      const guardedLookup = (host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
        resolve(host, (err, addresses) => {
          if (err) return callback(err);
          const blocked = addresses.find((a) => isRefusedAddress(a.address));
          if (blocked) return callback(refuse(host, blocked.address));
          if (options.all) return callback(null, addresses);
          callback(null, addresses[0]?.address, addresses[0]?.family);
        });
      const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
        u,
        { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, ...(opts.allowPrivateTargets ? {} : { lookup: guardedLookup as never }) },
        (res) => {
          res.resume();
          res.on('end', () => ok({ status: res.statusCode ?? 0 }));
          res.on('error', fail);
        },
      );
      const timer = setTimeout(() => req.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', fail);
      req.end(body);
    });
}
