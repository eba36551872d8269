// Fails when the committed dist/ is not what the sources build to: the Action runs dist/, so a
// stale bundle would ship code nobody reviewed. Fix: `npm run build:action` and commit dist/.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildAction } from './build-action.mjs';

const fresh = await mkdtemp(path.join(tmpdir(), 'rc-policy-dist-'));
try {
  await buildAction(fresh);
  const list = async (dir) => (await readdir(dir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => path.relative(dir, path.join(d.parentPath, d.name))).sort();
  const built = await list(fresh);
  const committed = await list('dist').catch(() => []);
  const problems = [];
  for (const f of new Set([...built, ...committed])) {
    if (!committed.includes(f)) problems.push(`dist/${f} is missing`);
    else if (!built.includes(f)) problems.push(`dist/${f} is not built from the sources any more`);
    else if (!(await readFile(path.join(fresh, f))).equals(await readFile(path.join('dist', f)))) problems.push(`dist/${f} differs from a fresh build`);
  }
  if (problems.length) {
    console.error(`check-dist: dist/ is stale:\n  ${problems.join('\n  ')}\nRun \`npm run build:action\` and commit dist/.`);
    process.exitCode = 1;
  } else {
    console.log(`check-dist: dist/ matches the sources (${built.join(', ')})`);
  }
} finally {
  await rm(fresh, { recursive: true, force: true });
}
