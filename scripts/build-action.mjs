// Bundles the GitHub Action (src/action.ts) into dist/index.js, committed so the runner needs no
// install step (action.yml: runs.using node24). `npm run check-dist` rebuilds it and fails when
// the committed file differs. Pass an output folder to build elsewhere (check-dist does).
import { build } from 'esbuild';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';

export async function buildAction(outdir = 'dist') {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  await build({
    stdin: { contents: "import { run } from './src/action.ts';\nawait run();\n", resolveDir: path.resolve('.'), sourcefile: 'action-entry.ts', loader: 'ts' },
    outfile: path.join(outdir, 'index.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    legalComments: 'eof',
    logLevel: 'warning',
    // @actions/core 3 is ESM but pulls in CommonJS (tunnel, undici); bundled into ESM they call require().
    banner: { js: "import { createRequire as __rcCreateRequire } from 'node:module'; const require = __rcCreateRequire(import.meta.url);" },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildAction(process.argv[2] ?? 'dist');
