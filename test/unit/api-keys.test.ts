/** API keys carry the environment that made them; a deployment refuses other environments' keys unread. */
import { describe, expect, it, vi } from 'vitest';
import { authenticate, createClient, type ClientLookup } from '../../functions/core/clients';
import { ProblemError } from '../../functions/core/errors';
import { memoryPorts } from '../fakes/ports';

async function refusal(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProblemError);
  return (e as ProblemError).toProblem();
}

describe('API key environment marker', () => {
  it('is written into every new key and checked before the client is looked up', async () => {
    const ports = memoryPorts();
    const { client, apiKey } = await createClient(ports, { department: 'market', name: 'market', scopes: ['profiles:read'] }, 'prod');
    expect(apiKey.startsWith(`edx_prod.${client.clientId}.`)).toBe(true);
    const lookup = vi.fn<ClientLookup>((id) => ports.clients.get(id));
    expect((await authenticate(lookup, `Bearer ${apiKey}`, 'prod')).clientId).toBe(client.clientId);

    lookup.mockClear();
    expect(await refusal(authenticate(lookup, `Bearer ${apiKey}`, 'staging'))).toMatchObject({ status: 401, detail: expect.stringContaining('prod environment') });
    // A key from before the marker counts as a local one: a deployment refuses it too, unread.
    expect(await refusal(authenticate(lookup, `Bearer ${apiKey.replace('edx_prod.', 'edx.')}`, 'prod'))).toMatchObject({ status: 401, detail: expect.stringContaining('local environment') });
    expect(lookup).not.toHaveBeenCalled();
  });
});
