import { open } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { decodeCertificates } from '../pki/pem.ts';
import { LIMITS } from '../limits.ts';
import { describeIoError } from '../topology/document.ts';
import { displayPath } from '../topology/load.ts';
import type { CertFile } from '../model/types.ts';
import type { FileRef, Topology } from '../topology/model.ts';
import { certSources } from '../topology/walk.ts';

/** Key of a ConfigMap entry in Model.files. */
export const configMapKey = (absolute: string, key: string): string => `${absolute}#${key}`;

/** Reads every certificate, bundle and ConfigMap file the topology references, each once. */
export async function readCertificateFiles(topology: Topology, cwd = process.cwd()): Promise<Map<string, CertFile>> {
  const wanted = new Map<string, () => Promise<CertFile>>();
  const add = (ref: FileRef | undefined) => {
    if (ref && !wanted.has(ref.absolute)) wanted.set(ref.absolute, () => readCertFile(ref.absolute, displayPath(ref.absolute, cwd)));
  };
  for (const { source } of certSources(topology)) add(source.file);
  for (const b of topology.trustBundles) {
    add(b.file);
    if (b.configMap) {
      const { file, key } = b.configMap;
      wanted.set(configMapKey(file.absolute, key), () => readConfigMap(file.absolute, displayPath(file.absolute, cwd), key));
    }
  }
  const files = new Map<string, CertFile>();
  const jobs = [...wanted];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const [key, read] = jobs[next++]!;
      files.set(key, await read());
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, jobs.length) }, worker));
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

async function readBytes(absolute: string): Promise<Buffer> {
  const handle = await open(absolute, 'r');
  try {
    const { size } = await handle.stat();
    if (size > LIMITS.maxCertFileBytes) throw new Error(`file is ${size} bytes; the limit is ${LIMITS.maxCertFileBytes}`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export async function readCertFile(absolute: string, display: string): Promise<CertFile> {
  let bytes: Buffer;
  try {
    bytes = await readBytes(absolute);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return unreadable(display, code ? describeIoError(err) : (err as Error).message, code === 'ENOENT');
  }
  return { display, missing: false, ...decodeCertificates(bytes, absolute) };
}

/** A ConfigMap manifest (one or several YAML documents); the bundle is the PEM under data[key]. */
export async function readConfigMap(absolute: string, display: string, key: string): Promise<CertFile> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readBytes(absolute));
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
