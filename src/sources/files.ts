import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { decodeCertificates } from '../pki/pem.ts';
import { certificatePool, parseCertificate, type Certificate } from '../pki/cert.ts';
import { SignaturePrefetch } from './signatures.ts';
import { LIMITS } from '../limits.ts';
import { describeIoError } from '../topology/document.ts';
import { displayPath } from '../topology/load.ts';
import type { CertFile } from '../model/types.ts';
import type { FileRef, Topology } from '../topology/model.ts';
import { certSources } from '../topology/walk.ts';

/** Key of a ConfigMap entry in Model.files. */
export const configMapKey = (absolute: string, key: string): string => `${absolute}#${key}`;

/**
 * Reads every certificate, bundle and ConfigMap file the topology references, each once; a
 * certificate that several files hold (a CA in every served chain) is parsed once. Signatures the
 * rules will ask about are verified on a worker thread while the files are read (./signatures.ts).
 * Reads are synchronous: for 10,000 small files the thread-pool round trips of async reads
 * (open, stat, read, close) cost ~10x the reads themselves (BENCHMARKS.md).
 */
export async function readCertificateFiles(topology: Topology, cwd = process.cwd()): Promise<Map<string, CertFile>> {
  const parse = certificatePool();
  const signatures = new SignaturePrefetch();
  const files = new Map<string, CertFile>();
  const read = (ref: FileRef | undefined) => {
    if (!ref || files.has(ref.absolute)) return;
    const file = readCertFileSync(ref.absolute, displayPath(ref.absolute, cwd), parse);
    files.set(ref.absolute, file);
    signatures.add(file.certs);
  };
  try {
    for (const { source } of certSources(topology)) read(source.file);
    for (const b of topology.trustBundles) {
      read(b.file);
      if (b.configMap) {
        const { file, key } = b.configMap;
        const map = await readConfigMap(file.absolute, displayPath(file.absolute, cwd), key);
        files.set(configMapKey(file.absolute, key), map);
        signatures.add(map.certs);
      }
    }
    await signatures.settled();
  } finally {
    signatures.close();
  }
  return files;
}

const unreadable = (display: string, reason: string, missing = false): CertFile => ({
  display,
  certs: [],
  privateKeys: [],
  pkcs12: false,
  problems: [reason],
  missing,
});

function readBytes(absolute: string): Buffer {
  const fd = openSync(absolute, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > LIMITS.maxCertFileBytes) throw new Error(`file is ${size} bytes; the limit is ${LIMITS.maxCertFileBytes}`);
    // One byte more than the size, to notice a file that grew; readSync may return less than asked.
    const buf = Buffer.allocUnsafe(size + 1);
    let total = 0;
    for (let n; total < buf.length && (n = readSync(fd, buf, total, buf.length - total, null)) > 0; ) total += n;
    if (total > LIMITS.maxCertFileBytes) throw new Error(`file is more than ${LIMITS.maxCertFileBytes} bytes`);
    return buf.subarray(0, total);
  } finally {
    closeSync(fd);
  }
}

function readCertFileSync(absolute: string, display: string, parse: (der: Uint8Array) => Certificate = parseCertificate): CertFile {
  let bytes: Buffer;
  try {
    bytes = readBytes(absolute);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return unreadable(display, code ? describeIoError(err) : (err as Error).message, code === 'ENOENT');
  }
  return { display, missing: false, ...decodeCertificates(bytes, absolute, parse) };
}

export async function readCertFile(absolute: string, display: string): Promise<CertFile> {
  return readCertFileSync(absolute, display);
}

/** A ConfigMap manifest (one or several YAML documents); the bundle is the PEM under data[key]. */
export async function readConfigMap(absolute: string, display: string, key: string): Promise<CertFile> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readBytes(absolute));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return unreadable(display, code ? describeIoError(err) : 'not valid UTF-8 text', code === 'ENOENT');
  }
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  for (const doc of [...docs]) {
    if (doc.errors.length > 0) return unreadable(display, `YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    const manifest = doc.toJS({ maxAliasCount: LIMITS.maxYamlAliasCount }) as { kind?: unknown; data?: Record<string, unknown> } | null;
    if (manifest?.kind !== 'ConfigMap') continue;
    const pem = manifest.data?.[key];
    if (typeof pem !== 'string') return unreadable(display, `the ConfigMap has no data key '${key}'`);
    return { display, missing: false, ...decodeCertificates(Buffer.from(pem, 'utf8'), absolute) };
  }
  return unreadable(display, 'no ConfigMap manifest in the file');
}
