/**
 * The catalogue index a process keeps: read once by callers that ask at the same moment (the api
 * starts a read while it starts up, and its first request joins it), checked by its stamp after
 * CATALOGUE_TTL_MS, and dropped at once by a write through this process, even one that overtakes
 * a read under way.
 */
import { describe, expect, it } from 'vitest';
import { CATALOGUE_TTL_MS, catalogueIndex, forgetCatalogue } from '../../functions/core/catalogue-cache';
import { memoryPorts } from '../fakes/ports';

describe('the catalogue cache', () => {
  it('reads once for callers that ask while a read is under way, and checks the stamp after its time', async () => {
    const ports = memoryPorts();
    const [a, b, c] = await Promise.all([catalogueIndex(ports), catalogueIndex(ports), catalogueIndex(ports)]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect({ stamps: ports.catalogue.stampReads, loads: ports.catalogue.loads }).toEqual({ stamps: 1, loads: 1 });
    ports.clock.advance(CATALOGUE_TTL_MS);
    expect(await catalogueIndex(ports)).toBe(a);
    expect({ stamps: ports.catalogue.stampReads, loads: ports.catalogue.loads }).toEqual({ stamps: 2, loads: 1 });
  });

  it('keeps nothing of a read that a write through this process overtook', async () => {
    const ports = memoryPorts();
    const items = ports.catalogue.items.bind(ports.catalogue);
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    ports.catalogue.items = async () => {
      const read = await items();
      await gate;
      return read;
    };
    const before = catalogueIndex(ports);
    await Promise.resolve();
    forgetCatalogue(ports.catalogue);
    release();
    await before;
    ports.catalogue.items = items;
    await catalogueIndex(ports);
    expect(ports.catalogue.loads).toBe(2);
  });
});
