/**
 * Reads the first worksheet of an XLSX file (Office Open XML spreadsheet) as rows of text, with
 * Node's own zlib and no dependency: the archive's central directory, the shared strings and the
 * sheet's cells are all the import needs. Formulas are read as their last computed values; styles
 * are ignored, so a date typed into a cell arrives as Excel's day number (see `excelDate`).
 */
import { inflateRawSync } from 'node:zlib';

/** Beyond this an entry is refused rather than inflated (a small file can unpack to gigabytes). */
const MAX_ENTRY_BYTES = 32 * 1024 * 1024;

export class NotXlsx extends Error {}

/** The archive's entries by name, inflated on demand. */
function zipEntries(buf: Buffer): Map<string, () => Buffer> {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new NotXlsx('not a ZIP archive');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = new Map<string, () => Buffer>();
  for (let n = 0; n < count; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) throw new NotXlsx('broken central directory');
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extra;
    entries.set(name, () => {
      if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw new NotXlsx(`broken entry ${name}`);
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + compressed);
      if (size > MAX_ENTRY_BYTES) throw new NotXlsx(`${name} unpacks to more than ${MAX_ENTRY_BYTES} bytes`);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data, { maxOutputLength: MAX_ENTRY_BYTES });
      throw new NotXlsx(`${name} uses compression method ${method}`);
    });
  }
  return entries;
}

const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|amp|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g, (_, name: string, dec?: string, hex?: string) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[name],
  );
/** The text of every <t> inside `xml`, joined (rich text runs split a string into several). */
const texts = (xml: string) => [...xml.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((m) => unescapeXml(m[1])).join('');

const columnIndex = (ref: string) => [...(ref.match(/^[A-Z]+/)?.[0] ?? 'A')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;

/** The first worksheet's rows, each a list of cell texts (empty cells as ''). */
export function readXlsx(buf: Buffer): string[][] {
  const entries = zipEntries(buf);
  const read = (name: string) => entries.get(name)?.().toString('utf8');
  const workbook = read('xl/workbook.xml');
  if (!workbook) throw new NotXlsx('no xl/workbook.xml: not a spreadsheet');
  const firstSheetRel = workbook.match(/<sheet\b[^>]*\br:id="([^"]+)"/)?.[1];
  const target = read('xl/_rels/workbook.xml.rels')?.match(new RegExp(`<Relationship\\b[^>]*\\bId="${firstSheetRel}"[^>]*\\bTarget="([^"]+)"`))?.[1] ?? 'worksheets/sheet1.xml';
  const sheet = read(target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  if (!sheet) throw new NotXlsx('the first worksheet is missing');
  const shared = [...(read('xl/sharedStrings.xml') ?? '').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => texts(m[1]));
  const rows: string[][] = [];
  for (const row of sheet.matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g)) {
    const cells: string[] = [];
    for (const cell of row[1].matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = cell[1];
      const body = cell[2] ?? '';
      const ref = attrs.match(/\br="([A-Z]+)\d+"/)?.[1];
      const type = attrs.match(/\bt="([^"]+)"/)?.[1];
      const value = unescapeXml(body.match(/<v>([^<]*)<\/v>/)?.[1] ?? '');
      const text = type === 's' ? (shared[Number(value)] ?? '') : type === 'inlineStr' ? texts(body) : type === 'b' ? (value === '1' ? 'true' : 'false') : value;
      const index = ref ? columnIndex(ref) : cells.length;
      while (cells.length < index) cells.push('');
      cells[index] = text;
    }
    rows.push(cells);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

/** Excel's day number (1900 date system, as every current Excel writes) as YYYY-MM-DD; other text unchanged. */
export function excelDate(text: string): string {
  if (!/^\d{4,5}(\.\d+)?$/.test(text)) return text;
  return new Date(Date.UTC(1899, 11, 30) + Math.floor(Number(text)) * 86_400_000).toISOString().slice(0, 10);
}
