// Bundles the CLI and the library into lib/ (run by `npm ci` and `npm pack` through `prepare`, by an
// install from a git URL, and before tests). One bundle with code splitting: commands load lazily,
// so `rc-policy check` never parses audit code. The bundle holds every dependency, so the published
// package declares none (docs/decisions/0100); lib/THIRD-PARTY-NOTICES.md carries their licences.
import { build } from 'esbuild';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

await rm('lib', { recursive: true, force: true });
const { metafile } = await build({
  // background: bin/rc-policy.js starts a large check's worker thread before loading the CLI (ADR 0131).
  entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts', background: 'src/sources/background.ts' },
  outdir: 'lib',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // CommonJS dependencies bundled into ESM call require(); give them one.
  banner: { js: "import { createRequire as __rcCreateRequire } from 'node:module'; const require = __rcCreateRequire(import.meta.url);" },
});
await writeFile('lib/THIRD-PARTY-NOTICES.md', notices(Object.keys(metafile.inputs)));

/** The licence of every package whose code the bundle holds, as its package ships it. */
function notices(inputs) {
  const roots = new Set();
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) roots.add(m[1]);
  }
  const sections = [...roots].sort().map((root) => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const file = readdirSync(root).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file && existsSync(path.join(root, file)) ? readFileSync(path.join(root, file), 'utf8').trim() : `License: ${pkg.license ?? 'see the package'}`;
    return `## ${pkg.name}@${pkg.version} (${pkg.license ?? 'unknown'})\n\n\`\`\`\n${text}\n\`\`\``;
  });
  return `# Third-party code bundled in lib/\n\n${sections.join('\n\n')}\n`;
}
