// An estate whose topology references every kind of file a reader must refuse or report: a symlink
// leading outside the repository, a path through a symlinked folder, a FIFO, a folder, a file that is
// not a certificate, and a path outside the repository. The readers of src/sources must say the same
// about each, whichever of them read it (test/sources/file-prefetch.test.ts, preload.test.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { readCertificateFiles } from '../../src/sources/files.ts';
import { baseline, broker } from './estate.ts';

/** Writes the estate under a fresh folder: `top/repo/rc-topology.yaml`, and `top/outside.pem`. */
export async function oddFilesEstate(): Promise<{ top: string; dir: string; file: string }> {
  const e = await baseline();
  const top = mkdtempSync(path.join(tmpdir(), 'rc-policy-odd-files-'));
  const dir = path.join(top, 'repo');
  mkdirSync(path.join(dir, 'certs'), { recursive: true });
  mkdirSync(path.join(dir, 'pki'), { recursive: true });
  for (const [rel, content] of Object.entries(e.files)) writeFileSync(path.join(dir, rel), content);
  writeFileSync(path.join(top, 'outside.pem'), e.files['certs/broker-us-1.pem']!);
  symlinkSync(path.join(top, 'outside.pem'), path.join(dir, 'certs', 'evil.pem'));
  symlinkSync(path.join(dir, 'certs'), path.join(dir, 'linked'));
  execFileSync('mkfifo', [path.join(dir, 'certs', 'fifo.pem')]);
  mkdirSync(path.join(dir, 'certs', 'folder.pem'));
  writeFileSync(path.join(dir, 'certs', 'garbage.pem'), 'not a certificate\n');
  broker(e, 'broker-us-1').cert.file = 'certs/evil.pem';
  broker(e, 'broker-us-2').cert.file = 'linked/broker-us-2.pem';
  broker(e, 'broker-in-3').cert.file = 'certs/fifo.pem';
  const client = (id: string) => e.topology.clients.find((c: { id: string }) => c.id === id);
  client('controller-us').cert.file = 'certs/folder.pem';
  client('target-us').cert.file = 'certs/garbage.pem';
  client('target-in').cert.file = '../outside.pem';
  const file = path.join(dir, 'rc-topology.yaml');
  writeFileSync(file, stringify(e.topology));
  return { top, dir, file };
}

/** What a run made of each file, comparable across readers. */
export const fileSummary = (files: Awaited<ReturnType<typeof readCertificateFiles>>) =>
  [...files].map(([key, f]) => ({ key, display: f.display, missing: f.missing, problems: f.problems, certs: f.certs.map((c) => c.fingerprint), keys: f.privateKeys }));
