/**
 * Bundles each Lambda entry point with esbuild into dist/<name>/index.mjs (ESM, Node 22, arm64
 * agnostic) and reports the sizes. `npm run build`; infra/app.ts calls it before synth.
 */
import { build, type Metafile } from 'esbuild';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ENTRY_POINTS = {
  api: 'functions/api/handler.ts',
  fanout: 'functions/fanout/handler.ts',
  deliver: 'functions/deliver/handler.ts',
  overdue: 'functions/overdue/handler.ts',
} as const;
export type FunctionName = keyof typeof ENTRY_POINTS;

// Bundled CommonJS dependencies (the AWS SDK) call require(); ESM output needs one defined.
const BANNER = "import{createRequire}from'node:module';const require=createRequire(import.meta.url);";

export async function buildFunctions(outDir = 'dist', root = process.cwd()): Promise<Record<FunctionName, { file: string; bytes: number; metafile: Metafile }>> {
  const out = {} as Record<FunctionName, { file: string; bytes: number; metafile: Metafile }>;
  await Promise.all(
    (Object.entries(ENTRY_POINTS) as [FunctionName, string][]).map(async ([name, entry]) => {
      const file = resolve(root, outDir, name, 'index.mjs');
      const result = await build({
        entryPoints: [resolve(root, entry)],
        outfile: file,
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
      });
      out[name] = { file, bytes: statSync(file).size, metafile: result.metafile };
    }),
  );
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildFunctions(process.argv[2] ?? 'dist');
  for (const [name, b] of Object.entries(built)) {
    const inputs = Object.entries(b.metafile.outputs[Object.keys(b.metafile.outputs).find((o) => o.endsWith('.mjs')) ?? ''].inputs);
    const byPackage = new Map<string, number>();
    for (const [path, { bytesInOutput }] of inputs) {
      const pkg = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? join('(project)', path.split('/')[0]);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
    }
    const top = [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([p, n]) => `${p} ${(n / 1024).toFixed(0)} KB`);
    console.log(`${name}: ${(b.bytes / 1024).toFixed(0)} KB  (${top.join(', ')})`);
  }
}
