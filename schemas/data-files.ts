/**
 * The large shipped data files (the GB/T code lists, the permit catalogue and the standard scope
 * terms) are read from disk on first use instead of being bundled: they are hundreds of KB that
 * a Lambda would otherwise parse on every cold start, though most requests never look at them.
 * scripts/build.ts copies them into data/ beside each bundle (whose code sits in the entry or in
 * chunks/); run from source, they sit beside this module.
 */
import { existsSync, readFileSync } from 'node:fs';

/** The files read through shippedData, relative to schemas/; scripts/build.ts copies each. */
export const DATA_FILES = ['refdata/gbt2260.json', 'refdata/gbt4754.json', 'catalogue/items.json', 'catalogue/scope-terms.json'] as const;
export type DataFile = (typeof DATA_FILES)[number];

const cache = new Map<DataFile, unknown>();

/** The parsed content of a shipped data file, read once per process. */
export function shippedData<T>(file: DataFile): T {
  if (!cache.has(file)) {
    const url = [`./${file}`, `./data/${file}`, `../data/${file}`].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(u));
    if (!url) throw new Error(`shipped data file ${file} is missing beside ${import.meta.url}`);
    cache.set(file, JSON.parse(readFileSync(url, 'utf8')));
  }
  return cache.get(file) as T;
}
