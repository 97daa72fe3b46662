/**
 * Online entry (在线填报) and file import (批量导入) of records as flat fields: each record kind's
 * schema (schemas/records.ts) becomes a list of leaf fields named by JSON pointer (the paths the
 * validation errors carry, so each error lands next to its field), and a set of field values
 * becomes the body the API takes. Validation itself stays with the schemas, through the ingest
 * path; this module only converts between flat text and the nested body.
 */
import { z } from 'zod';
import { RECORD_DATA, type RecordKind } from '../../schemas/records';
import { COLUMNS } from '../core/disclosure';
import type { StoredVersion } from '../core/model';

export type FieldType = 'text' | 'longtext' | 'date' | 'integer' | 'boolean' | 'choice' | 'list';
export interface Field {
  /** JSON pointer into the record body, e.g. /data/legalRepresentative/name. */
  path: string;
  /** The Chinese name from the schema's description, else the path. */
  label: string;
  type: FieldType;
  required: boolean;
  /** For `choice` (and a list of choices): each value with its Chinese name. */
  options?: [string, string][];
  hint?: string;
}

type Json = { [k: string]: unknown };

/** `许可类别: ordinary 普通 / franchise 特许` → 许可类别; the first words in Chinese are the label. */
function labelOf(description: unknown, fallback: string): string {
  const text = typeof description === 'string' ? description : '';
  const chinese = text.match(/^[^:(（;,]*?[\u4e00-\u9fff][^:(（;,]*/)?.[0]?.trim();
  return chinese && chinese.length <= 30 ? chinese : fallback;
}
function optionLabels(values: string[], description: unknown): [string, string][] {
  const text = typeof description === 'string' ? description : '';
  return values.map((v) => [v, text.match(new RegExp(`(?:^|[\\s/:])${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ([^\\s/;,]+)`))?.[1] ?? v]);
}

function walk(schema: Json, defs: Json, path: string, required: boolean, out: Field[]) {
  const node = typeof schema.$ref === 'string' ? { ...(defs[schema.$ref.split('/').pop() ?? ''] as Json), ...schema } : schema;
  const name = path.split('/').pop() ?? path;
  const label = labelOf(node.description, name);
  if (node.type === 'object' && node.properties) {
    const req = new Set((node.required as string[] | undefined) ?? []);
    for (const [key, child] of Object.entries(node.properties as Record<string, Json>)) walk(child, defs, `${path}/${key}`, required && req.has(key), out);
    return;
  }
  const field: Field = { path, label, type: 'text', required, hint: typeof node.description === 'string' ? node.description : undefined };
  if (node.type === 'array') {
    const items = (node.items ?? {}) as Json;
    field.type = 'list';
    if (Array.isArray(items.enum)) field.options = optionLabels(items.enum as string[], node.description ?? items.description);
  } else if (Array.isArray(node.enum)) {
    field.type = 'choice';
    field.options = optionLabels(node.enum as string[], node.description);
  } else if (node.type === 'integer' || node.type === 'number') field.type = 'integer';
  else if (node.type === 'boolean') field.type = 'boolean';
  else if (node.format === 'date') field.type = 'date';
  else if (typeof node.maxLength === 'number' && node.maxLength > 300) field.type = 'longtext';
  out.push(field);
}

const cache = new Map<RecordKind, Field[]>();
/** The fields of a record kind: the envelope's, then the data's in the schema's order. */
export function fieldsOf(kind: RecordKind): Field[] {
  const hit = cache.get(kind);
  if (hit) return hit;
  const json = z.toJSONSchema(RECORD_DATA[kind], { io: 'input', unrepresentable: 'any' }) as Json;
  const defs = (json.$defs ?? {}) as Json;
  const fields: Field[] = [
    { path: '/sourceId', label: '本系统记录编号', type: 'text', required: true, hint: '同一编号再次提交不会重复创建' },
    { path: '/creditCode', label: '统一社会信用代码', type: 'text', required: false },
    { path: '/corrects', label: '更正的版本号', type: 'integer', required: false, hint: '更正已提交的记录时填写其当前版本号' },
  ];
  walk(json, defs, '/data', true, fields);
  cache.set(kind, fields);
  return fields;
}

function setAt(target: Json, path: string, value: unknown) {
  const keys = path.split('/').slice(1);
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Json;
  node[keys[keys.length - 1]] = value;
}

/** A field's text as the body wants it; text that does not convert is kept, so the schema names the error. */
function convert(field: Field, text: string, listSeparator: RegExp): unknown {
  switch (field.type) {
    case 'integer':
      return /^-?\d+$/.test(text) ? Number(text) : text;
    case 'boolean':
      return ['true', '1', '是', 'yes'].includes(text.toLowerCase()) ? true : ['false', '0', '否', 'no'].includes(text.toLowerCase()) ? false : text;
    case 'list':
      return text
        .split(listSeparator)
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return text;
  }
}

/**
 * The record body from field texts (a form's, or a CSV row's): empty fields are left out, lists
 * are split on new lines (forms) or `|` (files).
 */
export function bodyFrom(kind: RecordKind, values: Record<string, string | undefined>, listSeparator: RegExp = /\r?\n/): Json {
  const body: Json = { kind };
  for (const field of fieldsOf(kind)) {
    const text = values[field.path]?.trim();
    if (text) setAt(body, field.path, convert(field, text, listSeparator));
  }
  return body;
}

function valueAt(body: unknown, path: string): unknown {
  let node = body;
  for (const key of path.split('/').slice(1)) node = node && typeof node === 'object' ? (node as Json)[key] : undefined;
  return node;
}

/** A record body as field texts (for a template's example row, or a form filled again). */
export function textsOf(kind: RecordKind, body: unknown, listJoin = '|'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fieldsOf(kind)) {
    const v = valueAt(body, field.path);
    if (v === undefined || v === null) continue;
    out[field.path] = Array.isArray(v) ? v.join(listJoin) : String(v);
  }
  return out;
}

/** Each error at its field: the field with that path, else the first field under it; what matches none is `general`. */
export function placeErrors<E extends { path: string }>(kind: RecordKind, errors: E[]): { byField: Map<string, E[]>; general: E[] } {
  const fields = fieldsOf(kind);
  const byField = new Map<string, E[]>();
  const general: E[] = [];
  for (const e of errors) {
    const field = fields.find((f) => f.path === e.path) ?? fields.find((f) => f.path.startsWith(`${e.path}/`)) ?? fields.find((f) => e.path.startsWith(`${f.path}/`));
    if (field) byField.set(field.path, [...(byField.get(field.path) ?? []), e]);
    else general.push(e);
  }
  return { byField, general };
}

// CSV (RFC 4180), as spreadsheet programs write it: quoted fields may hold commas, quotes and line breaks.

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
export const toCsvLine = (cells: string[]) => cells.map(csvCell).join(',');

/** The standard's columns of licences and penalties as an import reads them, in the standard's order; no path for what the exchange fills itself. */
function importColumns(kind: 'licence' | 'penalty') {
  return COLUMNS[kind].map(({ code, from, into }) => {
    const path = typeof from === 'string' ? `/data/${from.replaceAll('.', '/')}` : into?.path;
    const text = (body: { creditCode?: string; data: Record<string, unknown> }): string | undefined => {
      if (typeof from === 'string') return ((v) => (v === undefined || v === null ? undefined : String(v)))(valueAt(body, path ?? ''));
      // Only what the body holds (an export's defaults, such as the party category, stay out of an
      // example); a computed column an import reads back takes only the record, never the source unit.
      if (!into || valueAt(body, into.path) === undefined) return undefined;
      return from({ creditCode: body.creditCode ?? '', data: body.data } as StoredVersion, { department: '', name: '', region: '' });
    };
    return { code, path, parse: into?.parse ?? ((t: string) => t), text };
  });
}

/** A column of an import file: its header, the body field it fills, how its text is read, and its text for a body. */
export interface FileColumn {
  header: string;
  path: string;
  parse: (text: string) => string;
  text: (body: { creditCode?: string; data: Record<string, unknown> }) => string | undefined;
}

/** The Chinese label of each field path of a kind. */
export const fieldLabel = (kind: RecordKind) => (path: string) => fieldsOf(kind).find((f) => f.path === path)?.label;

/**
 * The column layout of a kind's import file. Licences and penalties follow the 双公示 standard:
 * its field codes (XK_*, CF_*) in its order, read through the export's own column table
 * (functions/core/disclosure.ts), then the exchange's fields the standard has no code for, by
 * field path. Other kinds are field paths only. `sourceId` comes first: it is the row's identity.
 */
export function fileLayout(kind: RecordKind): FileColumn[] {
  const fields = fieldsOf(kind);
  const byPath = (f: Field): FileColumn => ({ header: f.path.slice(1), path: f.path, parse: (t) => t, text: (body) => textsOf(kind, body)[f.path] });
  if (kind !== 'licence' && kind !== 'penalty') return fields.map(byPath);
  const paths = new Set(fields.map((f) => f.path));
  const standard = importColumns(kind).flatMap((c) => (c.path && paths.has(c.path) ? [{ header: c.code, path: c.path, parse: c.parse, text: c.text }] : []));
  const covered = new Set(standard.map((c) => c.path));
  const [sourceId, ...rest] = fields.filter((f) => !covered.has(f.path)).map(byPath);
  return [sourceId, ...standard, ...rest];
}

/**
 * What a file's header cell means: a column of the layout (by standard code or field path; a file
 * written with field paths before the standard's codes were taken still reads), a standard column
 * the exchange fills itself (数据来源单位, which is the posting department; ignored), or nothing.
 */
export function fileColumn(kind: RecordKind, header: string): FileColumn | 'ignored' | undefined {
  const h = header.trim();
  const layout = fileLayout(kind);
  const found = layout.find((c) => c.header === h) ?? fieldsOf(kind).find((f) => f.path === `/${h}`);
  if (found && 'header' in found) return found;
  if (found) return { header: h, path: found.path, parse: (t) => t, text: () => undefined };
  return (kind === 'licence' || kind === 'penalty') && importColumns(kind).some((c) => c.code === h) ? 'ignored' : undefined;
}

/**
 * How to read the rows of a file whose first row is `header`: the header cells no column knows, the
 * header each field was read from (to name it in errors), and a row's record body. `dayNumbers`
 * says date cells come as a spreadsheet's day numbers.
 */
export function fileReader(kind: RecordKind, header: string[], dayNumbers: (text: string) => string = (t) => t) {
  const columns = header.map((h) => fileColumn(kind, h));
  const dates = new Set(fieldsOf(kind).flatMap((f) => (f.type === 'date' ? [f.path] : [])));
  return {
    unknown: header.filter((_, i) => columns[i] === undefined),
    headerOf: new Map(columns.flatMap((col) => (col && col !== 'ignored' ? [[col.path, col.header] as const] : []))),
    body(cells: string[]) {
      const values: Record<string, string> = {};
      columns.forEach((col, i) => {
        const text = cells[i]?.trim();
        if (!col || col === 'ignored' || !text) return;
        values[col.path] = col.parse(dates.has(col.path) ? dayNumbers(text) : text);
      });
      return bodyFrom(kind, values, /\|/);
    },
  };
}

/** The import template of a kind: a header in the kind's file layout and one example row. */
export function templateCsv(kind: RecordKind, example: { creditCode?: string; data: Record<string, unknown> }): string {
  const layout = fileLayout(kind);
  // With a byte order mark, spreadsheet programs open the Chinese text as UTF-8.
  return `\uFEFF${toCsvLine(layout.map((c) => c.header))}\r\n${toCsvLine(layout.map((c) => c.text(example) ?? ''))}\r\n`;
}
