/**
 * Turns the bytes of a request body into JSON, refusing what nothing downstream should have to
 * walk: bytes that are not UTF-8, and nesting deeper than MAX_JSON_DEPTH (a body nested thousands
 * of levels deep overflows the stack of any recursive walk, JSON.stringify included). The depth is
 * measured by one linear scan of the text before JSON.parse, without recursion.
 *
 * In a list body (`{"records": [...]}`, the list named by `listKey`) an element that alone is too
 * deep is set aside instead of failing the whole body: it parses as a TooDeep value, which its own
 * validation refuses, so one bad batch item never fails the others.
 */
import { badRequest, type ProblemError } from './errors';

/** Containers (objects and arrays) open at once, counting the body itself. A record needs 5. */
export const MAX_JSON_DEPTH = 20;

/** Stands for a list element that was nested too deeply to parse. */
export class TooDeep {
  constructor(readonly depth: number) {}
}

export const tooDeep = (path = '/'): ProblemError =>
  badRequest(`the JSON is nested more than ${MAX_JSON_DEPTH} levels deep`, [{ path, message: `nested deeper than the limit of ${MAX_JSON_DEPTH} levels`, code: 'max-depth' }]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(bytes: Uint8Array, listKey?: string): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw badRequest('the body is not valid UTF-8', [{ path: '/', message: 'the bytes of the body are not valid UTF-8', code: 'invalid-utf8' }]);
  }
  const deep = deepListElements(text, listKey);
  let value: unknown;
  try {
    value = JSON.parse(deep.size ? blank(text, deep) : text);
  } catch (e) {
    throw badRequest('the body is not valid JSON', [{ path: '/', message: (e as Error).message, code: 'malformed-json' }]);
  }
  for (const e of deep.values()) {
    const list = (value as Record<string, unknown> | null)?.[e.key];
    // A repeated root key can make the parsed list another one than the scanned: refuse the whole body then.
    if (!Array.isArray(list) || list[e.index] !== null) throw tooDeep();
    list[e.index] = new TooDeep(e.depth);
  }
  return value;
}

interface DeepElement {
  key: string;
  index: number;
  start: number;
  end: number;
  depth: number;
}

/**
 * Elements of the root object's `listKey` array that go deeper than the limit. Throws when
 * anything else does. Text that is not JSON is left for JSON.parse to describe.
 */
function deepListElements(text: string, listKey: string | undefined): Map<number, DeepElement> {
  const deep = new Map<number, DeepElement>();
  const stack: string[] = [];
  let rootString = '';
  let list = { key: '', next: 0 };
  let inListKey = false;
  let element: DeepElement | undefined;
  const atListLevel = () => inListKey && stack.length === 2 && stack[0] === '{' && stack[1] === '[';
  const startElement = (i: number) => {
    if (atListLevel() && !element) element = { key: list.key, index: list.next++, start: i, end: i, depth: 2 };
  };
  const endElement = (i: number) => {
    if (element && element.depth > MAX_JSON_DEPTH) deep.set(element.start, { ...element, end: i });
    element = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === ':') continue;
    if (ch === '"') {
      startElement(i);
      const from = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (stack.length === 1) rootString = text.slice(from + 1, i);
    } else if (ch === ',') {
      if (atListLevel()) endElement(i);
    } else if (ch === '{' || ch === '[') {
      startElement(i);
      if (stack.length === 1) {
        inListKey = ch === '[' && rootString === listKey;
        list = { key: rootString, next: 0 };
      }
      stack.push(ch);
      if (element) element.depth = Math.max(element.depth, stack.length);
      else if (stack.length > MAX_JSON_DEPTH) throw tooDeep();
    } else if (ch === '}' || ch === ']') {
      if (atListLevel()) endElement(i);
      stack.pop();
    } else {
      startElement(i);
    }
  }
  return deep;
}

/** The text with each deep element replaced by `null` of the same position in its list. */
function blank(text: string, deep: Map<number, DeepElement>): string {
  let out = '';
  let at = 0;
  for (const e of [...deep.values()].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, e.start) + 'null';
    at = e.end;
  }
  return out + text.slice(at);
}
