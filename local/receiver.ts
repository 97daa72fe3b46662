/**
 * A department's webhook endpoint, as a small real HTTP server on 127.0.0.1: verifies Standard
 * Webhooks signatures, dedupes on webhook-id and records what arrived. `npm start` runs one as the
 * demo receiver; the tests make it fail, hang or go down on purpose.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, type VerifyResult } from '../functions/core/webhooks';

export interface Received {
  path: string;
  id: string;
  event: { id: string; type: string; subject: string; data: Record<string, unknown> };
  at: number;
  duplicate: boolean;
  /** The request as it arrived, for receivers built on other libraries. */
  raw: { headers: Record<string, string>; body: string };
}

export type Behaviour = { kind: 'ok' } | { kind: 'status'; status: number } | { kind: 'hang'; ms: number };

export class WebhookReceiver {
  readonly received: Received[] = [];
  readonly rejected: { path: string; reason: string }[] = [];
  /** Requests answered, whatever the answer. */
  hits = 0;
  behaviour: Behaviour = { kind: 'ok' };
  private readonly secrets = new Map<string, string>();
  private readonly seen = new Set<string>();
  private server?: Server;
  port = 0;

  constructor(private readonly onEvent?: (r: Received) => void) {}

  /** Signatures on `path` are checked with `secret`. */
  expect(path: string, secret: string) {
    this.secrets.set(path, secret);
  }

  url(path: string) {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(port = this.port) {
    this.server = createServer((req, res) => void this.handle(req).then(([status, body]) => res.writeHead(status, { 'content-type': 'text/plain' }).end(body)));
    await new Promise<void>((ok) => this.server?.listen(port, '127.0.0.1', ok));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening (a receiver that is down); `start()` brings it back on the same port. */
  async stop() {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((ok) => s.close(ok));
  }

  private async handle(req: IncomingMessage): Promise<[number, string]> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    this.hits++;
    const b = this.behaviour;
    if (b.kind === 'hang') await new Promise((r) => setTimeout(r, b.ms));
    if (b.kind === 'status') return [b.status, 'failing on purpose'];
    const path = req.url ?? '/';
    const secret = this.secrets.get(path);
    const check: VerifyResult = secret ? verifyWebhook(secret, req.headers as Record<string, string>, body) : { ok: false, reason: 'bad-signature' };
    if (!check.ok) {
      this.rejected.push({ path, reason: check.reason });
      return [401, check.reason];
    }
    const duplicate = this.seen.has(check.id);
    this.seen.add(check.id);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const r: Received = { path, id: check.id, event: JSON.parse(body), at: Date.now(), duplicate, raw: { headers, body } };
    this.received.push(r);
    this.onEvent?.(r);
    return [204, ''];
  }
}
