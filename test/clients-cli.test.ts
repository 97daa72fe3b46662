/**
 * `npm run clients`: administrators create, list and revoke API clients and keep the credit code
 * exception list.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../local/clients';
import { commandRunner, useFreshTable } from './helpers';

const run = commandRunner(main);

beforeAll(useFreshTable);

describe('clients command', () => {
  it('creates a client, shows its key once, lists it and revokes it', async () => {
    const created = await run('create', '--department', 'culture', '--name', '区文化和旅游局', '--scopes', 'records:write:licence,profiles:read');
    expect(created.code).toBe(0);
    const key = created.text.match(/edx_local\.(c[\w-]{12})\.[\w-]{43}/);
    expect(key).not.toBeNull();
    const clientId = key?.[1] ?? '';

    const listed = await run('list');
    expect(listed.text).toContain(`${clientId}  culture`);
    expect(listed.text).toContain('active');
    expect(listed.text).not.toContain(key?.[0] ?? '');

    expect((await run('revoke', clientId)).code).toBe(0);
    expect((await run('list')).text).toContain('REVOKED');
    expect((await run('revoke', clientId)).code).toBe(1);
  });

  it('grants a scope to an existing client, keeping its key', async () => {
    const created = await run('create', '--department', 'culture', '--name', '区文化和旅游局', '--scopes', 'inbox:read');
    const clientId = created.text.match(/edx_local\.(c[\w-]{12})\./)?.[1] ?? '';
    const granted = await run('grant', clientId, '--scopes', 'inbox:act');
    expect(granted.code).toBe(0);
    expect(granted.text).toContain('inbox:read inbox:act');
    expect((await run('list')).text).toContain(`${clientId}  culture`);
    expect((await run('grant', clientId)).code).toBe(2);
    expect((await run('grant', 'cNOSUCHCLIENT', '--scopes', 'inbox:act')).code).toBe(1);
    await expect(run('grant', clientId, '--scopes', 'inbox:everything')).rejects.toMatchObject({ errors: [expect.objectContaining({ path: 'scopes' })] });
  });

  it('refuses unknown scopes and bad department codes', async () => {
    await expect(run('create', '--department', 'Bad Dept', '--name', 'x', '--scopes', 'records:write:everything')).rejects.toMatchObject({
      errors: [expect.objectContaining({ path: 'department' }), expect.objectContaining({ path: 'scopes' })],
    });
  });

  it('keeps the credit code exception list', async () => {
    expect((await run('exceptions', 'add', '91350200M00012343X', '--reason', 'pilot issuance 2015', '--by', 'registry admin')).code).toBe(0);
    expect((await run('exceptions', 'list')).text).toContain('91350200M00012343X');
    expect((await run('exceptions', 'add', 'nonsense', '--reason', 'r', '--by', 'b')).code).toBe(1);
    expect((await run('exceptions', 'remove', '91350200M00012343X')).code).toBe(0);
    expect((await run('exceptions', 'list')).text).toBe('');
  });

  it('prints usage for an unknown command', async () => {
    const answer = await run('frobnicate');
    expect(answer.code).toBe(2);
    expect(answer.text).toContain('usage: npm run clients');
  });
});
