/**
 * The one cursor codec: a position (a table key, or where a merged listing stopped) as opaque
 * base64url JSON. A cursor that does not decode, or fails `accept`, is an InvalidCursor.
 */
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
