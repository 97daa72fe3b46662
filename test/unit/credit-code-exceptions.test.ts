/** The exception list cache: read once per minute by the clock port, at once after a change made here. */
import { describe, expect, it } from 'vitest';
import { addCreditCodeException, exceptionCodes, EXCEPTIONS_TTL_MS, removeCreditCodeException } from '../../functions/core/credit-code-exceptions';
import { memoryPorts } from '../fakes/ports';

const pilot = '91350200M00012343X';
const entry = { creditCode: pilot, reason: 'pilot issuance', addedBy: 'registry admin', addedAt: '2026-11-27T00:00:00Z' };

describe('credit code exceptions', () => {
  it('are read once per TTL and again after it', async () => {
    const ports = memoryPorts();
    await ports.creditCodeExceptions.put(entry); // as another process would, bypassing this one's cache
    expect(await exceptionCodes(ports)).toEqual(new Set([pilot]));
    await ports.creditCodeExceptions.delete(pilot);
    ports.clock.advance(EXCEPTIONS_TTL_MS - 1);
    expect(await exceptionCodes(ports)).toEqual(new Set([pilot]));
    expect(ports.creditCodeExceptions.reads).toBe(1);
    ports.clock.advance(1);
    expect(await exceptionCodes(ports)).toEqual(new Set());
    expect(ports.creditCodeExceptions.reads).toBe(2);
  });

  it('take effect at once when added or removed through this process', async () => {
    const ports = memoryPorts();
    expect(await exceptionCodes(ports)).toEqual(new Set());
    await addCreditCodeException(ports, entry);
    expect(await exceptionCodes(ports)).toEqual(new Set([pilot]));
    expect(await removeCreditCodeException(ports, pilot)).toBe(true);
    expect(await exceptionCodes(ports)).toEqual(new Set());
  });
});
