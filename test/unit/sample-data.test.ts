/**
 * Test data for integrators: valid credit codes for a region and an example body per kind, one
 * command away.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../local/clients';
import { checkCreditCode } from '../../schemas/credit-code';
import { RECORD_KINDS, RecordInput } from '../../schemas/records';

const run = async (...argv: string[]) => {
  const lines: string[] = [];
  const code = await main(argv, (s) => lines.push(s));
  return { code, lines };
};

describe('npm run clients -- sample-code', () => {
  it('prints credit codes of the region that pass both check characters', async () => {
    const { code, lines } = await run('sample-code', '110101', '--count', '20', '--prefix', '92');
    expect(code).toBe(0);
    expect(lines).toHaveLength(20);
    for (const c of lines) {
      expect(c).toMatch(/^92110101/);
      expect(checkCreditCode(c)).toEqual({ valid: true, innerCheckOk: true });
    }
  });

  it('prints usage on a region that does not exist, a bad count or prefix', async () => {
    for (const argv of [
      ['sample-code', '999999'],
      ['sample-code', '330402', '--count', 'x'],
      ['sample-code', '330402', '--prefix', '11'],
    ]) {
      const { code, lines } = await run(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(lines.join('\n')).toContain('usage:');
    }
  });
});

describe('npm run clients -- sample-record', () => {
  it('prints a valid body for each kind, and usage for an unknown kind', async () => {
    for (const kind of RECORD_KINDS) {
      const { code, lines } = await run('sample-record', kind);
      expect(code).toBe(0);
      expect(RecordInput.parse(JSON.parse(lines.join('\n'))).kind).toBe(kind);
    }
    expect((await run('sample-record', 'permit')).code).toBe(2);
  });
});
