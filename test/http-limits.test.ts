/**
 * Limits of the HTTP server itself, as `npm start` runs it: headers too large for it get a
 * problem+json 431, and a body over the limit gets its 413 problem after the client has sent it,
 * never a reset connection, however slowly the client sends.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../functions/core/ingest';
import { inspection, makeCreditCode } from '../local/samples';
import { startExchange, type TestExchange } from './helpers';

let ex: TestExchange;
beforeAll(async () => {
  ex = await startExchange();
});
afterAll(() => ex.close());

interface RawAnswer {
  head: string;
  body: string;
  /** A socket error seen while sending or reading (a reset connection), or the server closing before the body was all sent. */
  error?: string;
}

/** Sends one request over a raw socket, the body in slices with a pause between them, and reads the whole answer. */
function rawRequest(head: string, body: Buffer, slices = 1, pauseMs = 0): Promise<RawAnswer> {
  const { hostname, port } = new URL(ex.base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    let error: string | undefined;
    socket.on('data', (d) => received.push(d));
    let sent = false;
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.on('end', () => {
      if (!sent) error ??= 'closed by the server before the body was sent';
    });
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const at = text.indexOf('\r\n\r\n');
      resolve({ head: at < 0 ? text : text.slice(0, at), body: at < 0 ? '' : text.slice(at + 4), ...(error ? { error } : {}) });
    });
    socket.on('connect', async () => {
      socket.write(head);
      const size = Math.ceil(body.length / slices);
      for (let i = 0; i < body.length && !socket.destroyed; i += size) {
        if (i > 0 && pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
        const last = i + size >= body.length;
        // Marked before the last slice goes out: the server may answer and close as soon as it arrives.
        if (last) sent = !socket.destroyed && socket.readable;
        socket.write(body.subarray(i, i + size));
      }
      socket.end();
    });
  });
}

const status = (a: RawAnswer) => Number(/^HTTP\/1\.1 (\d{3})/.exec(a.head)?.[1]);

describe('headers too large', () => {
  it('a 60 KB header is a problem+json 431', async () => {
    const head = `GET /v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ex.keys.market}\r\nX-Padding: ${'a'.repeat(60 * 1024)}\r\nConnection: close\r\n\r\n`;
    const answer = await rawRequest(head, Buffer.alloc(0));
    expect(status(answer)).toBe(431);
    expect(answer.head.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431, type: expect.stringContaining('header') });
  });
});

describe('bodies over the limit', () => {
  const code = makeCreditCode('91', '330402', 'MA2HLM01');
  const oversized = (bytes: number) => {
    const record = inspection(code, 'JC-limit');
    return Buffer.from(JSON.stringify({ ...record, data: { ...record.data, resultDetail: 'x'.repeat(bytes) } }));
  };
  const head = (length: string) => `POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ex.keys.market}\r\nContent-Type: application/json\r\n${length}Connection: close\r\n\r\n`;

  it('a declared length over the limit, sent slowly, gets the 413 problem and no reset', async () => {
    const body = oversized(4 * MAX_RECORD_BYTES);
    const answer = await rawRequest(head(`Content-Length: ${body.length}\r\n`), body, 16, 80);
    expect(answer.error).toBeUndefined();
    expect(status(answer)).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413 });
  });

  it('a chunked body over the limit gets the 413 problem and no reset', async () => {
    const body = oversized(4 * MAX_RECORD_BYTES);
    const slices: Buffer[] = [];
    for (let i = 0; i < body.length; i += 16 * 1024) {
      const part = body.subarray(i, i + 16 * 1024);
      slices.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
    }
    slices.push(Buffer.from('0\r\n\r\n'));
    const answer = await rawRequest(head('Transfer-Encoding: chunked\r\n'), Buffer.concat(slices), 16, 80);
    expect(answer.error).toBeUndefined();
    expect(status(answer)).toBe(413);
    const text = answer.body.replace(/^[0-9a-f]+\r\n/, '');
    expect(text).toContain('"status":413');
  });

  it('nothing of it is stored', async () => {
    expect((await ex.call('GET', `/v1/enterprises/${code}`)).status).toBe(404);
  });
});
