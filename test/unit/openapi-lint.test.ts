/**
 * The OpenAPI document the api serves passes `@redocly/cli lint` (the pinned devDependency, with
 * the rules in redocly.yaml) with no problem at all, and the linter runs offline.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app';
import { memoryPorts } from '../fakes/ports';

const root = resolve(import.meta.dirname, '../..');
let dir: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is arbitrary JSON the test reads parts of
let doc: any;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edx-lint-'));
  doc = await (await createApp(memoryPorts(), { log: () => {} }).request('/openapi.json')).json();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs the pinned redocly CLI on a document, with every network call refused. */
async function lint(document: unknown) {
  const file = join(dir, `openapi-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(document));
  const cli = join(root, 'node_modules/@redocly/cli/bin/cli.js');
  const args = ['--import', join(root, 'test/fixtures/offline.mjs'), cli, 'lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'json'];
  const out = await promisify(execFile)(process.execPath, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }).catch((e: { stdout: string; stderr: string }) => e);
  const report = JSON.parse(out.stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
  return { ...report, stderr: out.stderr };
}

describe('redocly lint of /openapi.json', () => {
  it('reports no error and no warning, and touches no network', async () => {
    const report = await lint(doc);
    expect(report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(report.stderr).not.toContain('OFFLINE-GUARD');
  }, 60_000);

  it('catches an example that does not match its schema', async () => {
    const broken = structuredClone(doc);
    broken.paths['/v1/records'].post.requestBody.content['application/json'].examples.licence.value.data.validTo = 20991231;
    const report = await lint(broken);
    expect(report.problems.some((p) => p.ruleId === 'no-invalid-media-type-examples' && p.location[0].pointer.includes('/examples/licence/'))).toBe(true);
  }, 60_000);

  it('documents 4xx problems for every operation that takes input (redocly.yaml turns the rule off for the calendar alone)', () => {
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, { operationId: string; parameters: unknown[]; requestBody?: unknown; security: unknown[]; responses: object }>>,
    )) {
      for (const op of Object.values(ops)) {
        const takesInput = op.parameters.length > 0 || op.requestBody !== undefined || op.security.length > 0;
        const has4xx = Object.keys(op.responses).some((s) => s.startsWith('4'));
        expect(has4xx || !takesInput, `${op.operationId} ${path}`).toBe(true);
        if (!takesInput) expect(op.operationId).toBe('getCalendar');
      }
    }
  });
});
