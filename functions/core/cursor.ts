/**
 * Cursors. A store encodes where a listing stopped (a table key, or where a merged listing
 * stopped) as base64url JSON; before a cursor leaves the exchange it is sealed: an HMAC-SHA256
 * with the exchange's cursor key over the position and what it is bound to (the calling client,
 * the listing and its parameters). A cursor that was not sealed by this exchange for this very
 * caller and query, or that was changed in any way, is an InvalidCursor before anything reads
 * the table.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Page } from './ports';
import { InvalidCursor } from './store-errors';

export const encodeCursor = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');

export function decodeCursor<T>(cursor: string, accept: (position: unknown) => T | undefined, parameter = 'cursor'): T {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new InvalidCursor(parameter, { cause });
  }
  const accepted = accept(position);
  if (accepted === undefined) throw new InvalidCursor(parameter);
  return accepted;
}

/** Seals and opens cursors with one key (the Cursors port). */
export interface Cursors {
  seal(position: string, binding: string): string;
  /** The position inside a sealed cursor; InvalidCursor unless it was sealed with this binding. */
  open(cursor: string, binding: string, parameter?: string): string;
}

const MAC_BYTES = 16;

export function hmacCursors(key: Buffer): Cursors {
  if (key.length < 32) throw new Error('the cursor key must have at least 32 bytes');
  const mac = (position: string, binding: string) => createHmac('sha256', key).update(binding).update('\0').update(position).digest().subarray(0, MAC_BYTES);
  return {
    seal: (position, binding) => `${position}.${mac(position, binding).toString('base64url')}`,
    open(cursor, binding, parameter = 'cursor') {
      const dot = cursor.lastIndexOf('.');
      const given = Buffer.from(dot < 0 ? '' : cursor.slice(dot + 1), 'base64url');
      const position = cursor.slice(0, Math.max(dot, 0));
      if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(position, binding))) throw new InvalidCursor(parameter);
      return position;
    },
  };
}

/** A key for processes that keep no cursor across restarts (tests, tools). */
export const randomCursorKey = () => randomBytes(32);

/** What a cursor is bound to: the listing, the caller and the parameters that shape the listing. */
export const cursorBinding = (listing: string, clientId: string, ...parameters: (string | undefined)[]) => [listing, clientId, ...parameters.map((p) => p ?? '')].join('\n');

/** A page whose `next` is sealed for `binding`. */
export const sealPage = <T>(cursors: Cursors, page: Page<T>, binding: string): Page<T> => ({ items: page.items, ...(page.next ? { next: cursors.seal(page.next, binding) } : {}) });
