/**
 * A readable API reference rendered on the server from the generated OpenAPI document: no
 * scripts, no external assets (the exchange runs on networks without internet access).
 */
type Doc = ReturnType<typeof import('../../schemas/openapi').openApiDocument>;

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Escaped prose, with `backticked` words shown as code. */
const prose = (s: unknown) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function schemaTable(schema: Record<string, unknown> | undefined): string {
  const props = schema?.properties as Record<string, Record<string, unknown>> | undefined;
  if (!props) return '';
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  const rows = Object.entries(props).map(([name, p]) => {
    const type = p.$ref ? String(p.$ref).split('/').pop() : p.enum ? (p.enum as unknown[]).join(' | ') : (p.type ?? (p.const !== undefined ? JSON.stringify(p.const) : ''));
    return `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' *' : ''}</td><td>${esc(type)}</td><td>${prose(p.description ?? '')}</td></tr>`;
  });
  return `<table><tr><th>field</th><th>type</th><th>description</th></tr>${rows.join('')}</table>`;
}

export function docsPage(doc: Doc): string {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const o = op as { summary: string; description?: string; parameters: { name: string; in: string; required: boolean; description: string }[]; responses: Record<string, { description: string }> };
      const params = o.parameters.length
        ? `<ul>${o.parameters.map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''}): ${prose(p.description)}</li>`).join('')}</ul>`
        : '';
      const responses = Object.entries(o.responses)
        .map(([s, r]) => `<li><b>${esc(s)}</b> ${prose(r.description)}</li>`)
        .join('');
      return `<section><h3><span class="m">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3><p>${prose(o.summary)}</p>${o.description ? `<p><i>${prose(o.description)}</i></p>` : ''}${params}<ul>${responses}</ul></section>`;
    }),
  );
  const hooks = Object.entries(doc.webhooks).map(([name, { post }]) => {
    const headers = post.parameters.map((p) => `<li><code>${esc(p.name)}</code>: ${esc(p.description)}</li>`).join('');
    return `<section><h3><span class="m">POST</span> your webhook (<code>${esc(name)}</code>)</h3><p>${esc(post.summary)}</p><p>${esc(post.description)}</p><ul>${headers}</ul><p>Body: <a href="#CloudEvent">CloudEvent</a></p></section>`;
  });
  const schemas = Object.entries(doc.components.schemas as Record<string, Record<string, unknown>>)
    .map(([name, s]) => `<section id="${esc(name)}"><h3>${esc(name)}</h3>${s.title ? `<p>${esc(s.title)}</p>` : ''}${s.description ? `<p>${esc(s.description)}</p>` : ''}${schemaTable(s)}</section>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .2em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.2em .4em;vertical-align:top;text-align:left}.m{color:#fff;background:#2a6;padding:0 .4em;border-radius:3px}section{margin-bottom:1.5rem}</style></head>
<body><h1>${esc(doc.info.title)} <small>v${esc(doc.info.version)}</small></h1><p>${esc(doc.info.description)}</p>
<p>Authenticate with <code>Authorization: Bearer &lt;API key&gt;</code>. Errors are RFC 9457 <code>application/problem+json</code> with <code>errors[]</code> naming every bad field (<span id="problems">problem types under /problems/</span>). Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
<h2>Operations</h2>${ops.join('')}<h2>Webhooks</h2>${hooks.join('')}<h2>Schemas</h2>${schemas}</body></html>`;
}
