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

  it('are read once by callers that ask while a read is under way, and a change meanwhile is not overtaken', async () => {
    const ports = memoryPorts();
    await ports.creditCodeExceptions.put(entry);
    const [a, b] = await Promise.all([exceptionCodes(ports), exceptionCodes(ports)]);
    expect([a, b]).toEqual([new Set([pilot]), new Set([pilot])]);
    expect(ports.creditCodeExceptions.reads).toBe(1);
    // A read that started before a removal through this process and ends after it leaves nothing cached.
    ports.clock.advance(EXCEPTIONS_TTL_MS);
    const list = ports.creditCodeExceptions.list.bind(ports.creditCodeExceptions);
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    ports.creditCodeExceptions.list = async () => {
      const read = await list();
      await gate;
      return read;
    };
    const before = exceptionCodes(ports);
    expect(await removeCreditCodeException(ports, pilot)).toBe(true);
    release();
    expect(await before).toEqual(new Set([pilot]));
    ports.creditCodeExceptions.list = list;
    expect(await exceptionCodes(ports)).toEqual(new Set());
  });
});
