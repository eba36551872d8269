// The preload scan (src/sources/preload.ts, ADR 0131) starts reading certificate files from the
// topology's raw text before it is parsed. It is a guess: what a run reads, refuses and reports must
// come out exactly as without it, and it must never open a file the run itself would refuse to.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fileValues, preloadCertificateFiles } from '../../src/sources/preload.ts';
import { readCertificateFiles } from '../../src/sources/files.ts';
import { loadTopology } from '../../src/topology/load.ts';
import { baseline, broker } from '../helpers/estate.ts';

describe('fileValues', () => {
  it('finds file: values in flow and block style, plain or quoted, and leaves odd ones to the parser', () => {
    const text = [
      'cas:',
      '  - id: a',
      '    cert: { file: pki/a.pem }',
      '  - id: b',
      '    cert:',
      '      file: "pki/b c.pem"',
      "    bundle: {file: 'pki/d.pem', other: 1}",
      '    x: { file: "esc\\"aped.pem" }',
      '    profile: pki/not-a-key.pem',
      '    notfile: pki/e.pem',
      '    z: [file: pki/f.pem]',
      '    w: { file: *alias }',
      '    again: { file: pki/a.pem }',
      '- file: pki/g.pem # a comment',
    ].join('\n');
    expect(fileValues(text)).toEqual(['pki/a.pem', 'pki/b c.pem', 'pki/d.pem', 'pki/g.pem']);
    expect(fileValues('cert: { file: zertifikate/bröker-ü.pem }\nfile: "日本/é.pem"\n')).toEqual(['zertifikate/bröker-ü.pem', '日本/é.pem']);
  });
});

describe('readCertificateFiles with a preload', () => {
  it('reads, refuses and reports every file exactly as without it, and opens nothing the run refuses', async () => {
    const e = await baseline();
    const top = mkdtempSync(path.join(tmpdir(), 'rc-policy-preload-'));
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
    const { topology } = await loadTopology(file, dir);

    const preload = preloadCertificateFiles(readFileSync(file, 'utf8'), file, {}, { minFiles: 1, batch: 1 });
    expect(preload).toBeDefined();
    // Folders the run refuses are not even opened: a symlinked folder, a path outside the repository.
    expect(preload!.has(path.join(dir, 'linked', 'broker-us-2.pem'))).toBe(false);
    expect(preload!.has(path.join(top, 'outside.pem'))).toBe(false);
    expect(preload!.has(path.join(dir, 'pki', 'root.pem'))).toBe(true);
    expect(preload!.has(path.join(dir, 'certs', 'garbage.pem'))).toBe(true);

    const summary = (files: Awaited<ReturnType<typeof readCertificateFiles>>) =>
      [...files].map(([key, f]) => ({ key, display: f.display, missing: f.missing, problems: f.problems, certs: f.certs.map((c) => c.fingerprint), keys: f.privateKeys }));
    const alone = summary(await readCertificateFiles(topology!, dir, {}));
    try {
      const preloaded = summary(await readCertificateFiles(topology!, dir, {}, undefined, { preload, readAheadBatch: 1 }));
      expect(preloaded).toEqual(alone);
    } finally {
      preload!.close();
    }
    expect(alone.filter((f) => f.problems.length > 0).map((f) => f.display)).toEqual(
      expect.arrayContaining(['certs/evil.pem', 'linked/broker-us-2.pem', 'certs/fifo.pem', 'certs/folder.pem', 'certs/garbage.pem']),
    );
  });

  it('is not started for a small estate or when symlinks are followed', () => {
    const text = 'brokers:\n  - cert: { file: a.pem }\n';
    expect(preloadCertificateFiles(text, '/nowhere/rc-topology.yaml')).toBeUndefined();
    expect(preloadCertificateFiles(text, '/nowhere/rc-topology.yaml', { followSymlinks: true }, { minFiles: 1 })).toBeUndefined();
  });
});
