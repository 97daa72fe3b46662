/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015) and the organisation code inside it
 * (组织机构代码, GB 11714-1997): the check-character algorithms and the zod schema built on them.
 */
import { z } from 'zod';

/** The 31 characters a credit code may use, in value order (no I, O, S, V, Z). */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
export const CREDIT_CODE_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** The 18th character that GB 32100 computes from the first 17. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARSET.indexOf(first17[i]) * CREDIT_CODE_WEIGHTS[i];
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31];
}

/** The 9th character that GB 11714 computes from the first 8 of an organisation code. */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = first8[i];
    const value = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55; // A=10 ... Z=35
    sum += value * ORG_CODE_WEIGHTS[i];
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

export type CreditCodeCheck = { valid: false; reason: 'format' | 'check-char' } | { valid: true; innerCheckOk: boolean };

export function checkCreditCode(code: string): CreditCodeCheck {
  if (!CREDIT_CODE_PATTERN.test(code)) return { valid: false, reason: 'format' };
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return { valid: false, reason: 'check-char' };
  return { valid: true, innerCheckOk: orgCodeCheckChar(code.slice(8, 16)) === code[16] };
}

export { entityKind } from './entity-kind';

/** Codes from early pilot issuance that fail the 18th-character check but are real. */
export type CreditCodeExceptions = ReadonlySet<string>;
export const NO_EXCEPTIONS: CreditCodeExceptions = new Set();

/**
 * A credit code field. Format and the 18th character are enforced; codes on the administrator-kept
 * exception list pass despite a wrong 18th character. The inner GB 11714 check is only a warning
 * (see `creditCodeWarnings`), because registries have issued such codes.
 */
export function creditCodeSchema(exceptions: CreditCodeExceptions = NO_EXCEPTIONS) {
  return z
    .string()
    .superRefine((code, ctx) => {
      const check = checkCreditCode(code);
      if (check.valid || exceptions.has(code)) return;
      ctx.addIssue({
        code: 'custom',
        message:
          check.reason === 'format'
            ? 'must be 18 characters from 0-9 A-H J-N P Q R T U W X Y (GB 32100-2015)'
            : `check character (18th) must be ${creditCodeCheckChar(code.slice(0, 17))} for this code (GB 32100-2015)`,
        params: { rule: check.reason === 'format' ? 'credit-code-format' : 'credit-code-check' },
      });
    })
    .meta({
      description: '统一社会信用代码 (GB 32100-2015): 18 characters, both check characters verified',
      examples: ['91330402MA2B4T1X8Q'],
    });
}

/** Warnings for a code that was accepted: a wrong inner check character, or an exception-list pass. */
export function creditCodeWarnings(code: string, path: string): { path: string; code: string; message: string }[] {
  const check = checkCreditCode(code);
  if (!check.valid) {
    return [{ path, code: 'credit-code-exception', message: 'accepted by the credit code exception list despite a wrong 18th character' }];
  }
  if (!check.innerCheckOk) {
    return [
      {
        path,
        code: 'org-code-check',
        message: `organisation code check character (17th) should be ${orgCodeCheckChar(code.slice(8, 16))} (GB 11714-1997)`,
      },
    ];
  }
  return [];
}
