/** @jsxImportSource hono/jsx */
/**
 * Online entry (在线填报) and file import (批量导入) for departments without an integrated system.
 * Both go through the ingest path of POST /v1/records: the same schema validation and scope
 * checks, and the same idempotency by (department, sourceId), so submitting a form or a file twice
 * creates nothing new. A row that fails changes nothing; the others are taken. A file becomes an
 * import job (functions/core/imports.ts) whose page shows how far it is and reloads itself.
 */
import type { Hono } from 'hono';
import { recordExamples } from '../../schemas/examples';
import { RECORD_KINDS, type RecordKind } from '../../schemas/records';
import { ingestRecord } from '../core/ingest';
import { startImport, stepImport, type ImportJob, type ImportRowResult } from '../core/imports';
import { STORE_RETRY_AFTER_SECONDS, StoreUnavailable } from '../core/store-errors';
import { badRequest, notFound, ProblemError, type FieldError } from '../core/errors';
import { WRITE_SCOPES } from '../core/model';
import type { ConsoleContext, ConsoleDeps, ConsoleEnv } from './app';
import { KIND_LABELS } from './enterprise';
import { bodyFrom, fieldLabel, fieldsOf, fileReader, parseCsv, placeErrors, templateCsv, type Field } from './fields';
import { chineseMessage } from './messages';
import { Csrf, Table } from './layout';
import { excelDate, NotXlsx, readXlsx } from './xlsx';

/** The largest file an import takes, and its most rows (stored with the job at upload, then taken 50 rows a request). */
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 1000;

const kindOf = (c: ConsoleContext): RecordKind => {
  const kind = c.req.param('kind') ?? '';
  if (!(RECORD_KINDS as readonly string[]).includes(kind)) throw notFound(`no record kind ${kind}`);
  return kind as RecordKind;
};

function Input(props: { field: Field; value?: string; errors?: FieldError[] }) {
  const { field: f, value } = props;
  const id = `f${f.path.replaceAll('/', '-')}`;
  const common = { id, name: f.path, 'aria-invalid': props.errors?.length ? 'true' : undefined };
  return (
    <div>
      <label for={id}>
        {f.label}
        {f.required ? ' *' : ''} <span class="muted mono">{f.path.slice(1)}</span>
      </label>
      {f.type === 'choice' ? (
        <select {...common}>
          <option value="">—</option>
          {(f.options ?? []).map(([v, label]) => (
            <option value={v} selected={v === value}>
              {label === v ? v : `${label}（${v}）`}
            </option>
          ))}
        </select>
      ) : f.type === 'boolean' ? (
        <select {...common}>
          <option value="">—</option>
          <option value="true" selected={value === 'true'}>
            是
          </option>
          <option value="false" selected={value === 'false'}>
            否
          </option>
        </select>
      ) : f.type === 'list' || f.type === 'longtext' ? (
        <textarea {...common} rows={3}>
          {value ?? ''}
        </textarea>
      ) : (
        <input {...common} type={f.type === 'date' ? 'date' : f.type === 'integer' ? 'number' : 'text'} value={value ?? ''} />
      )}
      {f.type === 'list' ? <p class="muted">每行一项{f.options ? `，可选：${f.options.map(([v, l]) => `${v}（${l}）`).join('、')}` : ''}</p> : null}
      {(props.errors ?? []).map((e) => (
        <p class="err" role="alert">
          {e.message}
        </p>
      ))}
    </div>
  );
}

export function registerEntry(app: Hono<ConsoleEnv>, d: ConsoleDeps) {
  const { ports } = d;
  const writable = (c: ConsoleContext) => RECORD_KINDS.filter((k) => d.client(c).scopes.includes(WRITE_SCOPES[k]));

  app.get('/entry', d.signedIn, (c) =>
    d.render(
      c,
      '在线填报',
      <section>
        {writable(c).length === 0 ? <p>本密钥不能报送任何类别的记录。</p> : null}
        <ul>
          {writable(c).map((k) => (
            <li>
              <a href={`/console/entry/${k}`}>{KIND_LABELS[k]}</a>（<a href={`/console/import/${k}/template.csv`}>导入模板</a>）
            </li>
          ))}
        </ul>
        <p>
          数据较多时可用 <a href="/console/import">批量导入</a>。
        </p>
      </section>,
    ),
  );

  const form = (c: ConsoleContext, kind: RecordKind, values: Record<string, string> = {}, errors: FieldError[] = [], status = 200) => {
    const { byField, general } = placeErrors(
      kind,
      // A choice left empty is missing, whatever rule the schema names for it.
      errors.map((e) => ({ ...e, message: !values[e.path]?.trim() && e.code === 'invalid-value' ? '必填' : chineseMessage(e, fieldLabel(kind)) })),
    );
    return d.render(
      c,
      `在线填报：${KIND_LABELS[kind]}`,
      <section>
        {errors.length ? (
          <div class="box-err" role="alert">
            <p>有 {errors.length} 处填写有误，已在对应栏目下标出；记录未保存。</p>
            {general.map((e) => (
              <p>
                {fieldLabel(kind)(e.path) ?? <code>{e.path}</code>}：{e.message}
              </p>
            ))}
          </div>
        ) : null}
        <form method="post" action={`/console/entry/${kind}`}>
          <Csrf token={c.get('csrf')} />
          {fieldsOf(kind).map((f) => (
            <Input field={f} value={values[f.path]} errors={byField.get(f.path)} />
          ))}
          <p>
            <button type="submit">提交</button>
          </p>
        </form>
      </section>,
      status,
    );
  };

  app.get('/entry/:kind', d.signedIn, (c) => form(c, kindOf(c)));
  app.post('/entry/:kind', d.signedIn, async (c) => {
    const kind = kindOf(c);
    const values = await d.form(c);
    try {
      const { outcome, record } = await ingestRecord(ports, d.client(c), bodyFrom(kind, values), d.ingest);
      return d.render(
        c,
        `在线填报：${KIND_LABELS[kind]}`,
        <section>
          <p class="box-ok" role="status">
            {outcome === 'created' ? `已保存：第 ${record.version} 版。` : '该记录已存在且内容相同，未重复创建。'}
          </p>
          <dl>
            <dt>记录编号</dt>
            <dd class="mono" id="record-id">
              {record.id}
            </dd>
            <dt>本系统编号</dt>
            <dd>{record.sourceId}</dd>
            {record.warnings.length ? (
              <>
                <dt>提示</dt>
                <dd>
                  {record.warnings.map((w) => (
                    <div>
                      <code>{w.path}</code> {w.message}
                    </div>
                  ))}
                </dd>
              </>
            ) : null}
          </dl>
          <p>
            <a href={`/console/entry/${kind}`}>继续填报</a>
          </p>
        </section>,
        outcome === 'created' ? 201 : 200,
      );
    } catch (e) {
      if (e instanceof ProblemError && (e.status === 422 || e.status === 409)) {
        const errors = e.errors ?? [{ path: e.status === 409 ? '/corrects' : '/sourceId', message: e.message }];
        return form(c, kind, values, errors, e.status);
      }
      throw e;
    }
  });

  app.get('/import/:kind/template.csv', d.signedIn, (c) => {
    const kind = kindOf(c);
    return c.body(templateCsv(kind, recordExamples()[kind]), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${kind}-template.csv"` });
  });

  const importForm = (c: ConsoleContext) => (
    <section>
      <form method="post" action="/console/import" enctype="multipart/form-data">
        <Csrf token={c.get('csrf')} />
        <label for="kind">记录类别</label>
        <select id="kind" name="kind">
          {writable(c).map((k) => (
            <option value={k}>{KIND_LABELS[k]}</option>
          ))}
        </select>
        <label for="file">CSV（UTF-8）或 XLSX 文件：第一行为列名，与模板相同；列表栏目用 | 分隔；XLSX 只读第一个工作表</label>
        <input id="file" name="file" type="file" accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
        <p class="muted">
          每个文件最多 {IMPORT_MAX_ROWS} 行、{IMPORT_MAX_BYTES / 1024 / 1024} MB。出错的行不会保存，其他行照常保存；同一文件再次上传不会重复创建。模板：
          {writable(c).map((k) => (
            <>
              {' '}
              <a href={`/console/import/${k}/template.csv`}>{KIND_LABELS[k]}</a>
            </>
          ))}
        </p>
        <button type="submit">上传并导入</button>
      </form>
    </section>
  );
  app.get('/import', d.signedIn, (c) => d.render(c, '批量导入', importForm(c)));

  app.post('/import', d.signedIn, async (c) => {
    const body = await c.req.parseBody();
    const kind = String(body.kind ?? '');
    if (!(RECORD_KINDS as readonly string[]).includes(kind)) throw badRequest('choose a record kind', [{ path: 'kind', message: `one of ${RECORD_KINDS.join(', ')}` }]);
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) throw badRequest('choose a file', [{ path: 'file', message: '请选择一个 CSV 文件' }]);
    const bytes = Buffer.from(await file.arrayBuffer());
    // A spreadsheet is a ZIP archive: it starts with "PK".
    const spreadsheet = bytes.subarray(0, 2).toString('latin1') === 'PK';
    let rows: string[][];
    try {
      rows = spreadsheet ? readXlsx(bytes) : parseCsv(new TextDecoder('utf-8', { fatal: false }).decode(bytes));
    } catch (e) {
      if (e instanceof NotXlsx) throw badRequest('the file is not a readable spreadsheet', [{ path: 'file', message: `无法读取 XLSX 文件：${e.message}` }], e);
      throw e;
    }
    const [header = [], ...data] = rows;
    const reader = fileReader(kind as RecordKind, header, spreadsheet ? excelDate : undefined);
    if (reader.unknown.length) throw badRequest('the file has columns the template has not', [{ path: 'file', message: `未知的列：${reader.unknown.join('、')}（列名须与模板第一行相同）` }]);
    if (data.length > IMPORT_MAX_ROWS) throw badRequest('too many rows', [{ path: 'file', message: `文件有 ${data.length} 行，每次最多 ${IMPORT_MAX_ROWS} 行` }]);
    const job = await startImport(
      ports,
      d.client(c),
      kind as RecordKind,
      file.name,
      data.map((cells, i) => ({ line: i + 2, body: reader.body(cells) })),
      Object.fromEntries(reader.headerOf),
    );
    return c.redirect(`/console/import/jobs/${job.id}`, 303);
  });

  // Each view of an unfinished job takes its next rows through ingest, then reloads itself: the
  // page shows how far the import is without scripts and without a request longer than one step.
  app.get('/import/jobs/:id', d.signedIn, async (c) => {
    let job: ImportJob;
    let report: ImportRowResult[];
    try {
      job = await stepImport(ports, d.client(c), c.req.param('id'), d.ingest);
      report = await ports.importJobs.report(job.id);
    } catch (e) {
      if (!(e instanceof StoreUnavailable)) throw e;
      // The job moves on only once a step's rows are all taken, so the page, reloading itself,
      // takes the same rows again when the table answers (rows saved before are found, not created twice).
      return d.storeUnavailable(
        c,
        <p id="progress" role="status" class="box-err">
          数据存储暂时无法访问，导入已暂停，{STORE_RETRY_AFTER_SECONDS} 秒后自动重试；已保存的行不会重复创建。
        </p>,
      );
    }
    const done = job.processed >= job.total;
    const kind = job.kind;
    const label = fieldLabel(kind);
    // The file's own column of a field, to name it in an error.
    const headerOf = (path: string) => job.headers[path] ?? path.slice(1);
    const { counts } = job;
    return d.render(
      c,
      done ? '导入结果' : '正在导入',
      <>
        <p class="muted">
          {KIND_LABELS[kind]} · {job.fileName} · {job.createdAt.replace('T', ' ').slice(0, 16)} 上传
        </p>
        <p id="progress" role="status">
          已处理 {job.processed} / {job.total} 行{done ? '' : '，页面会自动刷新直到完成……'}
        </p>
        <progress value={job.processed} max={Math.max(1, job.total)} style="width:100%" />
        <p class={counts.rejected ? 'box-err' : 'box-ok'} id={done ? 'counts' : 'counts-so-far'}>
          共 {job.total} 行：新建 {counts.created}，已存在未重复创建 {counts.replayed}，出错未保存 {counts.rejected}。
        </p>
        <section class="scroll">
          <Table
            rows={report}
            rowId={(r) => `row-${r.line}`}
            columns={[
              { label: '行', cell: (r) => r.line },
              { label: '本系统编号', cell: (r) => r.sourceId ?? '' },
              {
                label: '结果',
                cell: (r) =>
                  r.outcome === 'created' ? (
                    <span class="tag good">新建 {r.recordId}</span>
                  ) : r.outcome === 'replayed' ? (
                    <span class="tag">已存在 {r.recordId}</span>
                  ) : (
                    <>
                      <span class="tag bad">出错</span> {r.errors?.length ? '' : (REJECTED[r.status ?? 0] ?? r.detail)}
                      {(r.errors ?? []).map((e) => (
                        <div class="err">
                          <code>{headerOf(e.path)}</code>
                          {label(e.path) ? `（${label(e.path)}）` : ''}：{chineseMessage(e, label)}
                        </div>
                      ))}
                    </>
                  ),
              },
            ]}
          />
        </section>
        {done ? importForm(c) : null}
      </>,
      200,
      done ? undefined : 1,
    );
  });
}

/** Why a row without field errors was refused, by its status. */
const REJECTED: Record<number, string> = {
  403: '本密钥不能报送这一类别的记录',
  409: '与已保存的同一编号记录内容不同（更正请填写更正的版本号）',
  413: '这一行的记录过大（每条记录最多 64 KiB）',
};
