// The preload scan (src/sources/preload.ts, ADR 0131) starts reading certificate files from the
// topology's raw text before it is parsed. It is a guess: what a run reads, refuses and reports must
// come out exactly as without it, and it must never open a file the run itself would refuse to.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileValues, preloadCertificateFiles } from '../../src/sources/preload.ts';
import { readCertificateFiles } from '../../src/sources/files.ts';
import { loadTopology } from '../../src/topology/load.ts';
import { fileSummary, oddFilesEstate } from '../helpers/odd-files.ts';

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
    const { top, dir, file } = await oddFilesEstate();
    const { topology } = await loadTopology(file, dir);

    const preload = preloadCertificateFiles(readFileSync(file, 'utf8'), file, {}, { minFiles: 1, batch: 1 });
    expect(preload).toBeDefined();
    // Folders the run refuses are not even opened: a symlinked folder, a path outside the repository.
    expect(preload!.has(path.join(dir, 'linked', 'broker-us-2.pem'))).toBe(false);
    expect(preload!.has(path.join(top, 'outside.pem'))).toBe(false);
    expect(preload!.has(path.join(dir, 'pki', 'root.pem'))).toBe(true);
    expect(preload!.has(path.join(dir, 'certs', 'garbage.pem'))).toBe(true);

    const summary = fileSummary;
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
