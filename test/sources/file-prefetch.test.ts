// Certificate files read ahead on a worker (src/sources/file-prefetch.ts, ADR 0112). The worker must
// hand back exactly the bytes the main thread's own read gives, and leave every file it should not or
// cannot read (a symlink, a folder, a FIFO, a device, an oversized or missing file) to the main thread,
// whose refusals and messages must come out the same whether the worker ran or not.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FilePrefetch } from '../../src/sources/file-prefetch.ts';
import { readCertificateFiles } from '../../src/sources/files.ts';
import { readBoundedSync } from '../../src/sources/read.ts';
import { decodeCertificates, toPem } from '../../src/pki/pem.ts';
import { loadTopology } from '../../src/topology/load.ts';
import { baseline } from '../helpers/estate.ts';
import { fileSummary, oddFilesEstate } from '../helpers/odd-files.ts';

const LIMIT = 64 * 1024;

function folder(): string {
  return mkdtempSync(path.join(tmpdir(), 'rc-policy-prefetch-'));
}

describe('reading ahead on a worker', () => {
  it('gives the bytes readBoundedSync gives, and leaves anything it should not read to the caller', async () => {
    const dir = folder();
    const files: string[] = [];
    const put = (name: string, content: string | Buffer) => {
      writeFileSync(path.join(dir, name), content);
      return path.join(dir, name);
    };
    for (let i = 0; i < 7; i++) files.push(put(`f${i}.pem`, `file ${i}\n`.repeat(i * 100)));
    const empty = put('empty.pem', '');
    const large = put('large.pem', Buffer.alloc(LIMIT + 1, 0x41));
    const exact = put('exact.pem', Buffer.alloc(LIMIT, 0x42));
    symlinkSync(files[0]!, path.join(dir, 'link.pem'));
    mkdirSync(path.join(dir, 'folder.pem'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.pem')]);
    const odd = ['link.pem', 'folder.pem', 'fifo.pem', 'missing.pem'].map((n) => path.join(dir, n));
    const paths = [files[0]!, ...odd.slice(0, 2), empty, files[1]!, large, ...odd.slice(2), exact, '/dev/zero', ...files.slice(2)];

    const prefetch = new FilePrefetch(paths, { limit: LIMIT, batch: 2 });
    expect(prefetch.threaded).toBe(true);
    try {
      for (let i = 0; i < paths.length; i++) {
        const got = await prefetch.take(i);
        const p = paths[i]!;
        if (odd.includes(p) || p === large || p === '/dev/zero') expect(got, p).toBeUndefined();
        else expect(got?.bytes?.equals(readBoundedSync(p, { limit: LIMIT, regularOnly: true, noFollow: true })), p).toBe(true);
      }
    } finally {
      prefetch.close();
    }
    expect(readFileSync(files[3]!, 'utf8')).toContain('file 3');
  });

  it('starts no thread for one batch of files, and answers nothing once closed', async () => {
    const dir = folder();
    const paths = Array.from({ length: 80 }, (_, i) => {
      writeFileSync(path.join(dir, `${i}.pem`), `${i}`);
      return path.join(dir, `${i}.pem`);
    });
    const small = new FilePrefetch(paths.slice(0, 2), { limit: LIMIT, batch: 2 });
    expect(small.threaded).toBe(false);
    expect(await small.take(0)).toBeUndefined();
    const closed = new FilePrefetch(paths, { limit: LIMIT, batch: 1 });
    expect((await closed.take(0))?.bytes?.toString()).toBe('0');
    closed.close();
    // At most 40 batches are asked for ahead; once closed no more are: the caller reads those files itself.
    expect(await closed.take(79)).toBeUndefined();
  });
});

describe('readCertificateFiles with the files read ahead', () => {
  it('reads, refuses and reports every file exactly as without the worker', async () => {
    const { top, dir, file } = await oddFilesEstate();
    const { topology } = await loadTopology(file, dir);

    const summary = fileSummary;
    const alone = summary(await readCertificateFiles(topology!, dir, {}));
    const ahead = summary(await readCertificateFiles(topology!, dir, {}, undefined, { readAheadBatch: 1 }));
    expect(ahead).toEqual(alone);
    const problems = alone.filter((f) => f.problems.length > 0).map((f) => `${f.display}: ${f.problems.join('; ')}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'certs/evil.pem: refused: certs/evil.pem is a symlink; run with --follow-symlinks to read it',
        'linked/broker-us-2.pem: refused: linked is a symlink; run with --follow-symlinks to read it',
        'certs/fifo.pem: refused: not a regular file',
        'certs/folder.pem: is a directory',
        'certs/garbage.pem: not PEM, and not a DER certificate (DER element runs past its container)',
      ]),
    );
    expect(alone.filter((f) => f.certs.length > 0).length).toBe(4); // the CA and bundle files
  });
});

describe('certificate blocks found and decoded on the worker', () => {
  it('give every file exactly what decodeCertificates gives its bytes', async () => {
    const e = await baseline();
    const pki = e.pki;
    const leaf = (await pki.server('scan.example')).cert;
    const pem = (der: Uint8Array) => toPem(der);
    const truncated = pem(leaf.der.subarray(0, 200)); // parses as no certificate: a problem with its line
    const variants: Record<string, string> = {
      'chain.pem': pem(leaf.der) + pki.serverCa.pem,
      'crlf.pem': (pem(leaf.der) + pki.serverCa.pem).replace(/\n/g, '\r\n'),
      'twice.pem': pki.serverCa.pem + pki.serverCa.pem,
      'header.pem': pem(leaf.der).replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\n\n'),
      'text.pem': `subject=CN=scan.example\n${pem(leaf.der)}`,
      'key.pem': `${pem(leaf.der)}-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIB1dnhrt3Gm8yOBgTgMMKMdqcFv/lR/Nmy0JuQHBV0Xr\n-----END PRIVATE KEY-----\n`,
      'broken-1.pem': pki.serverCa.pem + truncated,
      'broken-2.pem': truncated + pki.serverCa.pem, // the same unreadable block again, on another line
      'bundle.p12': pem(leaf.der),
      'empty.pem': '',
    };
    const top = folder();
    mkdirSync(path.join(top, 'extra'));
    for (const [name, text] of Object.entries(variants)) writeFileSync(path.join(top, 'extra', name), text);
    const cas = Object.keys(variants).map((name, i) => ({ id: `extra-${i}`, cert: { file: `extra/${name}` } }));
    for (const [rel, content] of Object.entries(e.files)) {
      mkdirSync(path.dirname(path.join(top, rel)), { recursive: true });
      writeFileSync(path.join(top, rel), content);
    }
    e.topology.cas.push(...cas);
    const file = path.join(top, 'rc-topology.yaml');
    writeFileSync(file, stringify(e.topology));
    const { topology } = await loadTopology(file, top);

    const ahead = await readCertificateFiles(topology!, top, {}, undefined, { readAheadBatch: 2 });
    for (const [name] of Object.entries(variants)) {
      const absolute = path.join(top, 'extra', name);
      const got = ahead.get(absolute)!;
      const want = decodeCertificates(readFileSync(absolute), absolute);
      const view = (d: { certs: readonly { fingerprint: string }[]; privateKeys: readonly string[]; pkcs12: boolean; problems: readonly string[] }) => ({
        certs: d.certs.map((c) => c.fingerprint),
        privateKeys: d.privateKeys,
        pkcs12: d.pkcs12,
        problems: d.problems,
      });
      expect(view(got), name).toEqual(view(want));
    }
    // A CA repeated across files is one Certificate, as the pooled reader gives it.
    const chain = ahead.get(path.join(top, 'extra', 'chain.pem'))!;
    const twice = ahead.get(path.join(top, 'extra', 'twice.pem'))!;
    expect(twice.certs[0]).toBe(chain.certs[1]);
    expect(twice.certs[1]).toBe(chain.certs[1]);
  });
});

