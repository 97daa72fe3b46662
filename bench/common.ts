/** Helpers the bench scripts share: timed load loops, a keep-alive HTTP client, the 1 KB record. */
import { Agent, request } from 'node:http';
import { licence } from '../local/samples';

export const DURATION_MS = Number(process.env.BENCH_MS ?? 4000);

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
export const ms = (x: number) => `${x.toFixed(1)} ms`;

export interface LoadResult {
  rate: number;
  p50: number;
  p99: number;
}

/** Runs `op` from `concurrency` loops for `duration` ms; returns ops/s and latencies. */
export async function load(concurrency: number, op: (i: number) => Promise<void>, duration = DURATION_MS): Promise<LoadResult> {
  const latencies: number[] = [];
  let n = 0;
  const end = performance.now() + duration;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const i = n++;
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rate: latencies.length / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

// A keep-alive node:http client: like the SDK's own transport, and lighter than fetch, so that a
// load generator costs the figures as little as possible.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
export function http(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((ok, fail) => {
    const req = request(base + path, { method, headers: body ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(body);
  });
}
export const closeHttp = () => agent.destroy();

/** A licence whose JSON is about 1 KB, the size the capacity target is stated for. */
export function licenceOf1KB(code: string, sourceId: string) {
  const base = licence(code, sourceId, { content: '' + 'x' });
  const pad = 1024 - Buffer.byteLength(JSON.stringify(base));
  return licence(code, sourceId, { content: '热食类食品制售'.repeat(Math.max(1, Math.floor(pad / 21))) });
}
