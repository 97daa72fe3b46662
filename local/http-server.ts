/**
 * The local HTTP server in front of the api app (what API Gateway is on AWS). Errors the Node
 * parser answers by itself (headers too large, a malformed request) get a problem+json body like
 * every other error of the exchange.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { serve } from '@hono/node-server';

/** Request head limit, the sum of the request line and every header (Node's own default). */
export const MAX_HEADER_BYTES = 16 * 1024;

const PARSER_PROBLEMS: Record<string, { status: number; reason: string; type: string; title: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    type: '/problems/request-header-fields-too-large',
    title: 'Request header fields too large',
    detail: `the request line and headers exceed ${MAX_HEADER_BYTES} bytes`,
  },
};
const BAD_REQUEST = { status: 400, reason: 'Bad Request', type: '/problems/bad-request', title: 'Bad request', detail: 'the request is not valid HTTP/1.1' };

function answerParserError(err: NodeJS.ErrnoException, socket: Duplex) {
  if (!socket.writable) return socket.destroy();
  const p = PARSER_PROBLEMS[err.code ?? ''] ?? BAD_REQUEST;
  const body = JSON.stringify({ type: p.type, title: p.title, status: p.status, detail: p.detail });
  socket.end(`HTTP/1.1 ${p.status} ${p.reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function serveApi(fetch: (request: Request) => Response | Promise<Response>, port: number): Server {
  const server = serve({ fetch, hostname: '127.0.0.1', port, serverOptions: { maxHeaderSize: MAX_HEADER_BYTES } }) as Server;
  server.on('clientError', answerParserError);
  return server;
}
