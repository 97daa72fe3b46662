/**
 * Bundles each Lambda entry point with esbuild into dist/<name>/index.mjs (ESM, Node 22, arm64
 * agnostic) and reports the sizes. `npm run build`; infra/app.ts calls it before synth.
 * Code behind a dynamic `import()` (the console's pages) goes into chunks beside the entry
 * (dist/<name>/chunks/), loaded only when first needed; the whole directory is the asset. The
 * size that counts for a cold start (`bytes`) is what loads before the first answer: the entry
 * with what it imports statically, and for the api also the chunks its typical first request
 * loads (COLD_REQUEST_MODULES).
 * The large data files (schemas/data-files.ts) are copied into dist/<name>/data/ and read on
 * first use.
 */
import { build, type Metafile } from 'esbuild';
import { cpSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { DATA_FILES } from '../schemas/data-files';

export const ENTRY_POINTS = {
  api: 'functions/api/handler.ts',
  fanout: 'functions/fanout/handler.ts',
  deliver: 'functions/deliver/handler.ts',
  overdue: 'functions/overdue/handler.ts',
} as const;
export type FunctionName = keyof typeof ENTRY_POINTS;

/**
 * The api loads each route group's module on the group's first request (functions/api/app.ts), so
 * its cold start is the entry and the group of its typical first request: posting a record.
 */
export const COLD_REQUEST_MODULES: Partial<Record<FunctionName, string>> = { api: 'functions/api/routes/ingest.ts' };

// Bundled CommonJS dependencies (the AWS SDK) call require(); ESM output needs one defined.
const BANNER = "import{createRequire}from'node:module';const require=createRequire(import.meta.url);";

export interface BuiltFunction {
  file: string;
  /** What a cold start loads before it answers: the entry, every chunk it imports statically, and the chunks of the typical first request. */
  bytes: number;
  /** The entry and every chunk it imports statically, nothing more. */
  entryBytes: number;
  /** Chunks loaded only through a dynamic import, with their sizes. */
  lazy: { file: string; bytes: number }[];
  /** Data files copied beside the bundle, read on first use. */
  data: { file: string; bytes: number }[];
  metafile: Metafile;
}

/** Splits a build's outputs into what loads before the first answer and what loads later. */
function sizes(metafile: Metafile, entryFile: string, root: string, coldModule?: string): Pick<BuiltFunction, 'bytes' | 'entryBytes' | 'lazy'> {
  const outputs = Object.fromEntries(
    Object.entries(metafile.outputs)
      .filter(([path]) => path.endsWith('.mjs'))
      .map(([path, o]) => [resolve(root, path), o]),
  );
  const eager = new Set<string>();
  const visit = (file: string) => {
    if (eager.has(file) || !outputs[file]) return;
    eager.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement' && !i.external) visit(resolve(root, i.path));
  };
  visit(entryFile);
  const size = (file: string) => statSync(file).size;
  const entryBytes = [...eager].reduce((n, f) => n + size(f), 0);
  if (coldModule) {
    const chunk = Object.keys(outputs).find((f) => outputs[f].entryPoint === coldModule);
    if (!chunk) throw new Error(`${coldModule} is not a chunk of its own in ${entryFile}: is it still imported dynamically?`);
    visit(chunk);
  }
  return {
    bytes: [...eager].reduce((n, f) => n + size(f), 0),
    entryBytes,
    lazy: Object.keys(outputs)
      .filter((f) => !eager.has(f))
      .map((file) => ({ file, bytes: size(file) })),
  };
}

/** Bundles one entry point into `dir` (index.mjs, chunks/, data/) with the settings every function uses. */
export async function buildEntry(entry: string, dir: string, root = process.cwd(), coldModule?: string): Promise<BuiltFunction> {
  const file = join(dir, 'index.mjs');
  rmSync(dir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { index: resolve(root, entry) },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    sourcemap: 'external',
    legalComments: 'none',
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: root,
  });
  return { file, ...sizes(result.metafile, file, root, coldModule), data: [], metafile: result.metafile };
}

export async function buildFunctions(outDir = 'dist', root = process.cwd()): Promise<Record<FunctionName, BuiltFunction>> {
  const out = {} as Record<FunctionName, BuiltFunction>;
  await Promise.all(
    (Object.entries(ENTRY_POINTS) as [FunctionName, string][]).map(async ([name, entry]) => {
      const dir = resolve(root, outDir, name);
      const built = await buildEntry(entry, dir, root, COLD_REQUEST_MODULES[name]);
      const data = DATA_FILES.map((f) => {
        const to = join(dir, 'data', f);
        cpSync(resolve(root, 'schemas', f), to);
        return { file: to, bytes: statSync(to).size };
      });
      out[name] = { ...built, data };
    }),
  );
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildFunctions(process.argv[2] ?? 'dist');
  for (const [name, b] of Object.entries(built)) {
    const inputs = Object.values(b.metafile.outputs).flatMap((o) => Object.entries(o.inputs));
    const byPackage = new Map<string, number>();
    for (const [path, { bytesInOutput }] of inputs) {
      const pkg = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? join('(project)', path.split('/')[0]);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
    }
    const top = [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([p, n]) => `${p} ${(n / 1024).toFixed(0)} KB`);
    const entryOnly =
      b.entryBytes === b.bytes ? '' : ` (entry alone ${(b.entryBytes / 1024).toFixed(0)} KB, with the first ${COLD_REQUEST_MODULES[name as FunctionName]} request ${(b.bytes / 1024).toFixed(0)} KB)`;
    console.log(`${name}: ${(b.bytes / 1024).toFixed(0)} KB${entryOnly}  (${top.join(', ')})`);
    for (const chunk of b.lazy) console.log(`  lazy chunk ${chunk.file.split('/').slice(-2).join('/')}: ${(chunk.bytes / 1024).toFixed(0)} KB`);
    for (const d of b.data) console.log(`  data file ${relative(dirname(b.file), d.file)}: ${(d.bytes / 1024).toFixed(0)} KB`);
  }
}
