/**
 * Field errors in Chinese for the console's pages (在线填报, 批量导入). The API's problem responses
 * keep the schemas' English text; a page turns each error into Chinese from its rule code (the
 * `code` the validation layer gives every field error), the numbers and values the English text
 * names, and the Chinese labels of the fields it mentions. An error no rule covers keeps its
 * English text after a Chinese lead, so nothing the schema said is lost.
 */
import type { FieldError } from '../core/errors';

/** The Chinese label of a field path (e.g. /data/validFrom), if the page knows one. */
export type LabelOf = (path: string) => string | undefined;

const CATALOGUE_RULES: Record<string, string> = {
  'unknown-catalogue-item': '不是许可事项清单中的事项',
  'catalogue-item-not-in-force': '该事项在此日期已不在许可事项清单中',
  'catalogue-item-not-filing': '该事项不是备案事项，不能报送备案',
  'catalogue-item-cancelled': '该事项已直接取消审批，不再发放许可',
  'catalogue-item-is-filing': '该事项已改为备案，请报送备案而不是许可',
  'catalogue-item-not-commitment': '该事项不实行告知承诺，不能以告知承诺方式许可',
};

/** Messages of the schemas' own checks (regular expressions and cross-field rules), by their English text. */
const KNOWN: [RegExp, (m: RegExpMatchArray, sibling: (name: string) => string) => string][] = [
  [/^cannot be before (\w+)$/, (m, sibling) => `不能早于“${sibling(m[1])}”`],
  [/^cannot be after the registration date$/, () => '不能晚于登记日期'],
  [/^only allowed when (\w+) is ([\w-]+)$/, (m, sibling) => `只有“${sibling(m[1])}”为 ${m[2]} 时才填写`],
  [/^must be above 0 when categories include fine$/, () => '处罚类别含罚款时，罚款金额须大于 0'],
  [/^must include fine when fineFen is above 0$/, () => '罚款金额大于 0 时，处罚类别须含罚款'],
  [/^certificateName and certificateNumber come together$/, () => '证书名称和证书编号须同时填写'],
  [/^must be random when the record names a task$/, () => '填写了抽查任务时，检查类型须为双随机抽查'],
  [/^must be after the inspection date$/, () => '须晚于检查日期'],
  [/^a natural person has no credit code/, () => '自然人没有统一社会信用代码：此栏不填，改填相对人的证件'],
  [/^(required )?(for|when) /, (m) => (m[1] ? '此情形下必填' : '此情形下不应填写')],
  [/^only (for|when) /, () => '此情形下不应填写'],
  [/^must be 6 digits \(GB\/T 2260\)$/, () => '应为 6 位数字的行政区划代码（GB/T 2260）'],
  [/^not a GB\/T 2260 administrative division code$/, () => '不是现行的行政区划代码（GB/T 2260）'],
  [/^must be a section letter A-T or 2-4 digits/, () => '应为门类字母 A-T 或 2-4 位数字的行业代码（GB/T 4754-2017）'],
  [/^not a GB\/T 4754-2017 /, () => '不是国民经济行业分类中的门类、大类、中类或小类（GB/T 4754-2017）'],
  [/^letters, digits and \. _ : \/ - only, at most (\d+)$/, (m) => `只能用字母、数字和 . _ : / -，最多 ${m[1]} 个字符`],
  [/^(\d+) or (\d+) digits$/, (m) => `应为 ${m[1]} 位或 ${m[2]} 位数字`],
  [/^digits, hyphens and an optional leading \+$/, () => '只能用数字和连字符（可以 + 开头）'],
];

/** What the English "expected ... to have <=100 characters" bounds say, in Chinese. */
function bound(message: string, big: boolean): string | undefined {
  const m = message.match(/([<>]=?)\s*(-?[\d.,]+)\s*(characters|items)?/);
  if (!m) return undefined;
  const n = m[2];
  const strict = !m[1].endsWith('=');
  if (m[3] === 'characters') return big ? `不能超过 ${n} 个字` : n === '1' ? '不能为空' : `至少 ${n} 个字`;
  if (m[3] === 'items') return big ? `最多 ${n} 项` : `至少 ${n} 项`;
  return big ? (strict ? `须小于 ${n}` : `不能大于 ${n}`) : strict ? `须大于 ${n}` : `不能小于 ${n}`;
}

/** One field error's message in Chinese. */
export function chineseMessage(e: FieldError, labelOf: LabelOf = () => undefined): string {
  const sibling = (name: string) => labelOf(e.path.replace(/[^/]*$/, name)) ?? name;
  const code = e.code ?? '';
  if (CATALOGUE_RULES[code]) return CATALOGUE_RULES[code];
  switch (code) {
    case 'required':
      if (e.message === 'required') return '必填';
      break;
    case 'too-big':
      return bound(e.message, true) ?? '超出允许的长度或数值';
    case 'too-small':
      return bound(e.message, false) ?? '低于允许的长度或数值';
    case 'invalid-value':
      return '不是可选的值之一';
    case 'invalid-type':
      if (/expected (number|int)/.test(e.message)) return '应为整数';
      if (/expected boolean/.test(e.message)) return '应为“是”或“否”';
      if (/expected array/.test(e.message)) return '应为一个或多个值';
      return '填写的类型不对';
    case 'unknown-field':
      return '不是这类记录的栏目';
    case 'invalid-discriminator':
      return '记录类别不对';
    case 'credit-code-format':
      return '应为 18 位统一社会信用代码（数字和除 I、O、S、V、Z 外的大写字母）';
    case 'credit-code-check': {
      const should = e.message.match(/must be (\S) for/)?.[1];
      return `校验位（第 18 位）不对${should ? `，按前 17 位应为 ${should}` : ''}，请核对代码`;
    }
    case 'future-date': {
      const m = e.message.match(/: (\S+) is after (\S+),/);
      return m ? `是将来的日期：${m[1]} 晚于可接受的最晚日期 ${m[2]}` : '不能是将来的日期';
    }
    case 'invalid-character':
      return '含有不允许的字符（控制字符或无法显示的字符）';
    case 'invalid-format':
      if (/date/i.test(e.message)) return '日期无效：应为真实存在的日期，格式 YYYY-MM-DD';
      if (/url/i.test(e.message)) return '网址格式不对';
  }
  const known = KNOWN.find(([re]) => re.test(e.message));
  if (known) return known[1](e.message.match(known[0]) as RegExpMatchArray, sibling);
  return code === 'required' ? '此情形下必填' : `填写有误（${e.message}）`;
}
