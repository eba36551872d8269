// Prints the CHANGELOG.md section of one version: the GitHub release's notes. Exits 1 when the
// section is missing or empty, so a release cannot go out without notes.
//   node scripts/release-notes.mjs 1.2.0
import { readFileSync } from 'node:fs';

const version = process.argv[2]?.replace(/^v/, '');
if (!version) {
  console.error('usage: node scripts/release-notes.mjs <version>');
  process.exit(2);
}
const lines = readFileSync(new URL('../CHANGELOG.md', import.meta.url), 'utf8').split('\n');
const heading = (l) => /^## /.test(l);
const start = lines.findIndex((l) => heading(l) && (l.startsWith(`## [${version}]`) || l.startsWith(`## ${version} `) || l === `## ${version}`));
const end = start < 0 ? -1 : lines.findIndex((l, i) => i > start && heading(l));
const body = start < 0 ? '' : lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
if (!body) {
  console.error(`release-notes: CHANGELOG.md has no section "## [${version}]" with notes`);
  process.exit(1);
}
process.stdout.write(`${body}\n`);
