/**
 * A file import (批量导入) whose step meets the table not answering halfway through its rows: the
 * job does not move on, its page says the import is paused and tries again by itself, and once the
 * table answers the same rows are taken again. Every row ends up stored once, none is lost and
 * none is reported twice. The outage is the store port failing from its third record write on,
 * as a table that stops answering between two writes does. Any other console page read during an
 * outage says so the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startImport, IMPORT_STEP_ROWS, type ImportJob } from '../functions/core/imports';
import { StoreUnavailable } from '../functions/core/store-errors';
import { filing, makeCreditCode } from '../local/samples';
import { startExchange, type TestExchange } from './helpers';

let ex: TestExchange;
beforeAll(async () => {
  ex = await startExchange();
});
afterAll(() => ex.close());

const code = makeCreditCode('91', '330402', 'MA2MPT01');

/** A signed-in console session of the market department, as a browser gets one. */
async function consoleSession(): Promise<string> {
  const form = await fetch(`${ex.base}/console/login`);
  const nonce = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const login = await fetch(`${ex.base}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `edx_login=${nonce}` },
    body: new URLSearchParams({ _csrf: nonce, apiKey: ex.keys.market }).toString(),
  });
  expect(login.status).toBe(303);
  const session = /edx_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  expect(session).toBeDefined();
  return `edx_session=${session}`;
}

describe('an import when the table stops answering halfway through a step', () => {
  it('pauses, retries by itself, and stores every row once', async () => {
    const cookie = await consoleSession();
    const client = await ex.ports.clients.get(ex.clientIds.market);
    if (!client) throw new Error('the market client is missing');
    const rows = Array.from({ length: IMPORT_STEP_ROWS + 10 }, (_, i) => ({ line: i + 2, body: filing(code, `BA-OUT-${String(i).padStart(3, '0')}`) as Record<string, unknown> }));
    const job = await startImport(ex.ports, client, 'filing', 'filings.csv', rows, {});

    // From the third record write of the first step on, the table does not answer.
    const records = ex.ports.records;
    const put = records.putFirstVersion.bind(records);
    let writes = 0;
    let down = true;
    records.putFirstVersion = async (version) => {
      if (down && ++writes >= 3) throw new StoreUnavailable();
      return put(version);
    };
    const page = () => fetch(`${ex.base}/console/import/jobs/${job.id}`, { headers: { cookie } });
    const paused = await page();
    expect(paused.status).toBe(503);
    expect(paused.headers.get('retry-after')).toBe('5');
    const html = await paused.text();
    expect(html).toContain('导入已暂停');
    expect(html).toMatch(/<meta http-equiv="refresh" content="5"/);
    const stalled = (await ex.ports.importJobs.get(job.id)) as ImportJob;
    expect({ processed: stalled.processed, nextChunk: stalled.nextChunk }).toEqual({ processed: 0, nextChunk: 0 });

    // The table answers again: the page's reloads finish the job.
    down = false;
    let after = stalled;
    for (let reloads = 0; after.processed < after.total && reloads < 10; reloads++) {
      expect((await page()).status).toBe(200);
      after = (await ex.ports.importJobs.get(job.id)) as ImportJob;
    }
    expect(after.processed).toBe(rows.length);
    // The rows saved in the failed step (the two before the outage, and any of its writes still
    // under way once the table answered again) are found again, not created twice.
    expect(after.counts.rejected).toBe(0);
    expect(after.counts.replayed).toBeGreaterThanOrEqual(2);
    expect(after.counts.created + after.counts.replayed).toBe(rows.length);
    const report = await ex.ports.importJobs.report(job.id);
    expect(report.map((r) => r.line).sort((a, b) => a - b)).toEqual(rows.map((r) => r.line));
    // The exchange's table is this file's own: the department's filings are exactly the file's rows, each once.
    const stored = (await ex.call('GET', '/v1/records?kind=filing&limit=100')).body.items as { id: string; creditCode: string }[];
    expect(stored).toHaveLength(rows.length);
    expect(new Set(stored.map((r) => r.id))).toEqual(new Set(report.map((r) => r.recordId)));
  });

  it('any console page read while the table does not answer says so with Retry-After and reloads itself', async () => {
    const cookie = await consoleSession();
    const records = ex.ports.records;
    const read = records.enterpriseRecords.bind(records);
    const page = () => fetch(`${ex.base}/console/enterprise?code=${code}&purpose=${encodeURIComponent('test: outage')}`, { headers: { cookie } });
    records.enterpriseRecords = async () => {
      throw new StoreUnavailable();
    };
    try {
      const down = await page();
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('5');
      const html = await down.text();
      expect(html).toContain('数据存储暂时无法访问');
      expect(html).toMatch(/<meta http-equiv="refresh" content="5"/);
    } finally {
      records.enterpriseRecords = read;
    }
    expect((await page()).status).toBe(200);
  });
});
