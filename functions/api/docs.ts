/**
 * A readable API reference rendered on the server from the generated OpenAPI document: no
 * scripts, no external assets (the exchange runs on networks without internet access), so it
 * needs nothing beyond the page's content security policy and adds no renderer to the bundle.
 * Search is a plain GET form the server answers by showing only the matching sections.
 */
import { PROBLEM_TYPES, type ProblemSlug } from '../../schemas/problems';

type Doc = ReturnType<typeof import('../../schemas/openapi').openApiDocument>;
type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  parameters: { name: string; in: string; required: boolean; description: string; schema?: Json }[];
  requestBody?: { content: Record<string, { schema: Json; examples?: Record<string, { summary: string; value: unknown }> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Json; examples?: Record<string, { value: unknown }> }> }>;
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Escaped prose, with `backticked` words shown as code and [text](/url) links kept. */
const prose = (s: unknown) =>
  esc(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\[([^\]]+)\]\((\/[^)\s]*)\)/g, '<a href="$2">$1</a>');
const refName = (ref: unknown) => String(ref).split('/').pop() ?? '';
const link = (name: string) => `<a href="#${esc(name)}">${esc(name)}</a>`;

/** A schema's type as a reader wants it: referenced names linked, formats and bounds shown. */
function typeOf(p: Json): string {
  if (p.$ref) return link(refName(p.$ref));
  if (p.const !== undefined) return `<code>${esc(JSON.stringify(p.const))}</code>`;
  if (Array.isArray(p.enum)) return p.enum.map((v) => `<code>${esc(v)}</code>`).join(' | ');
  const union = (p.oneOf ?? p.anyOf) as Json[] | undefined;
  if (union) return union.map(typeOf).join(' | ');
  let t = p.type === 'array' ? `array of ${p.items ? typeOf(p.items as Json) : 'anything'}` : esc(Array.isArray(p.type) ? p.type.join(' | ') : (p.type ?? 'any'));
  const bounds = [
    p.format && `format ${p.format}`,
    p.pattern && `pattern <code>${esc(p.pattern)}</code>`,
    p.minLength !== undefined && `min length ${p.minLength}`,
    p.maxLength !== undefined && `max length ${p.maxLength}`,
    p.minimum !== undefined && `≥ ${p.minimum}`,
    p.maximum !== undefined && `≤ ${p.maximum}`,
    p.minItems !== undefined && `≥ ${p.minItems} items`,
    p.maxItems !== undefined && `≤ ${p.maxItems} items`,
    p.default !== undefined && `default ${esc(JSON.stringify(p.default))}`,
    p['x-privacy'] && `privacy ${p['x-privacy']}`,
  ].filter(Boolean);
  if (bounds.length) t += ` <small>(${bounds.join(', ')})</small>`;
  if (p.type === 'object' && p.properties) t += schemaTable(p);
  return t;
}

function schemaTable(schema: Json | undefined): string {
  const props = schema?.properties as Record<string, Json> | undefined;
  const union = (schema?.oneOf ?? schema?.anyOf) as Json[] | undefined;
  if (!props && union) return `<p>One of:</p><ul>${union.map((u) => `<li>${u.properties ? schemaTable(u) : typeOf(u)}</li>`).join('')}</ul>`;
  if (!props) return '';
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  const rows = Object.entries(props).map(([name, p]) => `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' *' : ''}</td><td>${typeOf(p)}</td><td>${prose(p.description ?? '')}</td></tr>`);
  return `<table><tr><th>field (* required)</th><th>type</th><th>description</th></tr>${rows.join('')}</table>`;
}

const shell = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#222}nav{position:fixed;top:0;bottom:0;width:16rem;overflow:auto;padding:1rem;background:#f7f7f7;font-size:13px}
main{margin-left:18rem;max-width:60rem;padding:1rem}code,pre{background:#f3f3f3;padding:0 .2em}pre{padding:.5em;overflow:auto;white-space:pre-wrap}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.2em .4em;vertical-align:top;text-align:left}.m{color:#fff;background:#2a6;padding:0 .4em;border-radius:3px}
section{margin-bottom:1.5rem}nav ul{padding-left:1rem}@media(max-width:50rem){nav{position:static;width:auto}main{margin:0}}</style></head><body>${body}</body></html>`;

const curl = (method: string, path: string, op: Operation, example?: unknown) =>
  [
    `curl -X ${method.toUpperCase()} "$EXCHANGE${path}"`,
    `-H "Authorization: Bearer $API_KEY"`,
    ...op.parameters.filter((p) => p.in === 'header').map((p) => `-H "${p.name}: ${p.name === 'Access-Purpose' ? 'supervision' : '...'}"`),
    ...(example === undefined ? [] : [`-H "Content-Type: application/json"`, `--data '${JSON.stringify(example).replaceAll("'", "'\\''")}'`]),
  ].join(' \\\n  ');

function operationSection(path: string, method: string, op: Operation): string {
  const params = op.parameters.length
    ? `<h4>Parameters</h4><ul>${op.parameters.map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''}${p.schema ? `, ${typeOf(p.schema)}` : ''}): ${prose(p.description)}</li>`).join('')}</ul>`
    : '';
  const body = op.requestBody?.content['application/json'];
  const examples = Object.entries(body?.examples ?? {});
  const request = body
    ? `<h4>Request body</h4>${typeOf(body.schema)}${examples.map(([name, e]) => `<details><summary>Example: ${esc(name)}</summary><pre>${esc(JSON.stringify(e.value, null, 2))}</pre><pre>${esc(curl(method, path, op, e.value))}</pre></details>`).join('')}`
    : `<pre>${esc(curl(method, path, op))}</pre>`;
  const responses = Object.entries(op.responses)
    .map(([status, r]) => {
      const content = Object.values(r.content ?? {})[0];
      const problem = Number(status) >= 400 ? ` — <a href="#Problem">error format</a>, <a href="/problems">problem types</a>` : '';
      const example = Object.values(content?.examples ?? {})[0];
      const shown = example ? `<details><summary>Example</summary><pre>${esc(JSON.stringify(example.value, null, 2))}</pre></details>` : '';
      return `<li><b>${esc(status)}</b> ${prose(r.description.replace(/ \(see \[the problem types\]\(\/problems\)\)$/, ''))}${content && Number(status) < 400 ? `: ${typeOf(content.schema)}` : ''}${problem}${shown}</li>`;
    })
    .join('');
  return `<section id="${esc(op.operationId)}"><h3><span class="m">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3><p>${prose(op.summary)}</p>${op.description ? `<p><i>${prose(op.description)}</i></p>` : ''}<p>operationId <code>${esc(op.operationId)}</code></p>${params}${request}<h4>Responses</h4><ul>${responses}</ul></section>`;
}

/** The whole reference, or with `query` only the operations and schemas that mention it. */
export function docsPage(doc: Doc, query = ''): string {
  const q = query.trim().toLowerCase();
  const matches = (...parts: unknown[]) => !q || JSON.stringify(parts).toLowerCase().includes(q);
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Operation })));
  const tags = [...new Set(ops.flatMap((o) => o.op.tags))];
  const shown = ops.filter((o) => matches(o.path, o.op));
  const schemas = Object.entries(doc.components.schemas as Record<string, Json>).filter(([name, s]) => matches(name, s));
  const nav = `<nav><form action="/docs" method="get"><input name="q" value="${esc(query)}" placeholder="search" aria-label="search"> <button>Go</button></form>
<ul><li><a href="#start">First call</a></li><li><a href="#errors">Errors</a></li>${tags
    .map(
      (t) =>
        `<li>${esc(t)}<ul>${shown
          .filter((o) => o.op.tags.includes(t))
          .map((o) => `<li><a href="#${esc(o.op.operationId)}">${esc(o.method.toUpperCase())} ${esc(o.path)}</a></li>`)
          .join('')}</ul></li>`,
    )
    .join('')}<li><a href="#webhooks">Webhooks</a></li><li>Schemas<ul>${schemas.map(([n]) => `<li>${link(n)}</li>`).join('')}</ul></li></ul></nav>`;
  const hooks = Object.entries(doc.webhooks).map(([name, { post }]) => {
    const headers = post.parameters.map((p) => `<li><code>${esc(p.name)}</code>: ${esc(p.description)}</li>`).join('');
    return `<section><h3><span class="m">POST</span> your webhook (<code>${esc(name)}</code>)</h3><p>${esc(post.summary)}</p><p>${esc(post.description)}</p><ul>${headers}</ul>
<p>Sent as <code>Content-Type: application/cloudevents+json</code> (CloudEvents structured mode); body: ${link('CloudEvent')}.</p>
<p>Verify the signature with an official Standard Webhooks library rather than by hand: <code>standardwebhooks</code> (npm, PyPI, Go, Java and more) or <code>svix</code>, with the <code>whsec_</code> secret shown when the subscription was created:</p>
<pre>import { Webhook } from 'standardwebhooks';
const event = new Webhook(secret).verify(rawBody, headers); // throws unless signed and fresh</pre></section>`;
  });
  const schemaSections = schemas
    .map(
      ([name, s]) =>
        `<section id="${esc(name)}"><h3>${esc(name)}</h3>${s.title ? `<p>${esc(s.title)}</p>` : ''}${s.description ? `<p>${prose(s.description)}</p>` : ''}${schemaTable(s) || typeOf(s)}</section>`,
    )
    .join('');
  const problems = Object.keys(PROBLEM_TYPES)
    .map((slug) => `<li><a href="/problems/${esc(slug)}">${esc(slug)}</a></li>`)
    .join('');
  return shell(
    doc.info.title,
    `${nav}<main><h1>${esc(doc.info.title)} <small>v${esc(doc.info.version)}</small></h1><p>${esc(doc.info.description)}</p>
${q ? `<p>Showing what mentions <b>${esc(query)}</b>: ${shown.length} operations, ${schemas.length} schemas. <a href="/docs">Show everything</a>.</p>` : ''}
<section id="start"><h2>First call</h2><p>Authenticate with <code>Authorization: Bearer &lt;API key&gt;</code>. Check the key with <code>GET /v1/me</code>, then post a record (examples below are valid as they stand). Machine-readable: <a href="/openapi.json">/openapi.json</a>. Every response carries <code>x-request-id</code>.</p></section>
<section id="errors"><h2>Errors</h2><p>Errors are RFC 9457 <code>application/problem+json</code> (${link('Problem')}) with <code>errors[]</code> naming every bad field. Each <code>type</code> is a page describing the problem:</p><ul id="problems">${problems}</ul></section>
<h2>Operations</h2>${shown.map((o) => operationSection(o.path, o.method, o.op)).join('')}<h2 id="webhooks">Webhooks</h2>${hooks.join('')}<h2>Schemas</h2>${schemaSections}</main>`,
  );
}

/** The page a problem's `type` URI leads to. */
export function problemPage(slug: ProblemSlug): string {
  const p: { title: string; statuses: readonly number[]; description: string; extensions?: readonly string[] } = PROBLEM_TYPES[slug];
  return shell(
    `${slug}: ${p.title}`,
    `<main><p><a href="/docs#errors">API reference</a> › <a href="/problems">problem types</a></p><h1>${esc(p.title)} <small><code>/problems/${esc(slug)}</code></small></h1>
<p>HTTP ${p.statuses.join(', ')}</p><p>${prose(p.description)}</p>${p.extensions ? `<p>Extension members: ${p.extensions.map((e) => `<code>${esc(e)}</code>`).join(', ')}</p>` : ''}
<p>Every problem is <code>application/problem+json</code> with <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code> and <code>instance</code>; see <a href="/docs#Problem">the format</a>.</p></main>`,
  );
}

export function problemsIndex(): string {
  const rows = Object.entries(PROBLEM_TYPES)
    .map(([slug, p]) => `<tr><td><a href="/problems/${esc(slug)}">${esc(slug)}</a></td><td>${p.statuses.join(', ')}</td><td>${esc(p.title)}</td></tr>`)
    .join('');
  return shell('Problem types', `<main><p><a href="/docs#errors">API reference</a></p><h1>Problem types</h1><table><tr><th>type</th><th>status</th><th>title</th></tr>${rows}</table></main>`);
}
