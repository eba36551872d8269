import { decodeCertificates, decodeScannedBlocks, PemBlockCache } from '../pki/pem.ts';
import { certificatePool, parseCertificate, type Certificate } from '../pki/cert.ts';
import { SignaturePrefetch } from './signatures.ts';
import { FilePrefetch } from './file-prefetch.ts';
import type { Preload } from './preload.ts';
import { takeBackground } from './background.ts';
import { InputError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { describeIoError, parseYamlDocuments } from '../topology/document.ts';
import { displayPath } from '../topology/load.ts';
import type { CertFile } from '../model/types.ts';
import type { FileRef, Topology } from '../topology/model.ts';
import { certSources } from '../topology/walk.ts';
import { fileAccess, UNRESTRICTED, type AccessOptions, type FileAccess } from './containment.ts';
import { ReadRefused, readBoundedSync } from './read.ts';
import { constants } from 'node:fs';

/** Longest stretch of synchronous reading before the event loop gets a turn. */
const YIELD_AFTER_MS = 20;

/** Key of a ConfigMap entry in Model.files. */
export const configMapKey = (absolute: string, key: string): string => `${absolute}#${key}`;

/**
 * Reads every certificate, bundle and ConfigMap file the topology references, each once; a
 * certificate that several files hold (a CA in every served chain) is parsed once. Paths outside
 * the topology's repository or through symlinks are refused (a cert/unreadable finding) unless
 * `access` allows them. Signatures the rules will ask about are verified on a worker thread while
 * the files are read (./signatures.ts). Reads are synchronous: for 10,000 small files the
 * thread-pool round trips of async reads cost ~10x the reads themselves (docs/decisions/0062).
 */
export async function readCertificateFiles(
  topology: Topology,
  cwd = process.cwd(),
  access: AccessOptions = {},
  parse: (der: Uint8Array) => Certificate = certificatePool(),
  tuning: { readAheadBatch?: number; preload?: Preload | undefined } = {},
): Promise<Map<string, CertFile>> {
  const policy = await fileAccess(topology.dir, access, (p) => displayPath(p, cwd));
  const known = new PemBlockCache();
  // One background thread reads ahead and verifies signatures (./background.ts); a preload's, if any.
  const preload = tuning.preload;
  const thread = preload?.thread ?? takeBackground();
  const signatures = new SignaturePrefetch({ thread });
  const files = new Map<string, CertFile>();
  const list = referencedFiles(topology);
  // Certificate files in folders already allowed are read ahead on a worker (./file-prefetch.ts);
  // only where the open itself refuses a symlink, so the worker needs no check of its own.
  // Files a preload started reading before the topology was parsed (./preload.ts) are taken from it.
  const ahead: string[] = [];
  const slot: number[] = [];
  for (const f of list) {
    const early = NO_FOLLOW_OPEN && !policy.followSymlinks && f.configMapKey === undefined && !policy.folderRefusalSync(f.absolute);
    slot.push(!early ? -1 : preload?.has(f.absolute) ? -2 : ahead.push(f.absolute) - 1);
  }
  const byBlock = new Map<number, Certificate>();
  const prefetch = new FilePrefetch(ahead, { limit: LIMITS.maxCertFileBytes, scan: true, maxBlocks: LIMITS.maxBlocksPerFile, thread, ...(tuning.readAheadBatch !== undefined && { batch: tuning.readAheadBatch }) });
  try {
    let since = performance.now();
    for (let k = 0; k < list.length; k++) {
      const f = list[k]!;
      // Reads are synchronous (fast); in an audit the TLS probes and Key Vault reads run meanwhile,
      // and a loop held for seconds would fire their timeouts before their answers are read.
      if (performance.now() - since > YIELD_AFTER_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        since = performance.now();
      }
      const display = displayPath(f.absolute, cwd);
      const read = slot[k] === -2 ? await preload!.take(f.absolute) : slot[k]! >= 0 && prefetch.threaded ? await prefetch.take(slot[k]!) : undefined;
      const scanned = read?.blocks && decodeScannedBlocks(read.blocks, parse, byBlock);
      const file = scanned
        ? { display, missing: false, ...scanned }
        : f.configMapKey === undefined
          ? readCertFileSync(f.absolute, display, policy, parse, known, read?.bytes)
          : readConfigMapSync(f.absolute, display, f.configMapKey, policy);
      files.set(f.key, file);
      signatures.add(file.certs);
    }
    await signatures.settled();
  } finally {
    prefetch.close();
    signatures.close();
    if (!preload) thread.close(); // a preload's is stopped by its owner
  }
  return files;
}

/** One file a source must read: its key in Model.files, and the ConfigMap data key when it is a manifest. */
export interface ReferencedFile {
  readonly key: string;
  readonly absolute: string;
  readonly configMapKey?: string;
}

/** Every certificate, bundle and ConfigMap file the topology references, each once. Pure. */
export function referencedFiles(topology: Topology): ReferencedFile[] {
  const out = new Map<string, ReferencedFile>();
  const add = (ref: FileRef | undefined) => {
    if (ref && !out.has(ref.absolute)) out.set(ref.absolute, { key: ref.absolute, absolute: ref.absolute });
  };
  for (const { source } of certSources(topology)) add(source.file);
  for (const b of topology.trustBundles) {
    add(b.file);
    if (b.configMap) {
      const { file, key } = b.configMap;
      out.set(configMapKey(file.absolute, key), { key: configMapKey(file.absolute, key), absolute: file.absolute, configMapKey: key });
    }
  }
  return [...out.values()];
}

const unreadable = (display: string, reason: string, missing = false): CertFile => ({
  display,
  certs: [],
  privateKeys: [],
  pkcs12: false,
  problems: [reason],
  missing,
});

/** Where the platform has O_NOFOLLOW, the open itself refuses a symlink: no lstat per file. */
const NO_FOLLOW_OPEN = constants.O_NOFOLLOW !== undefined;

/** The file's bytes, or the one-line reason it cannot be read (and whether it is simply missing). */
function readReferenced(absolute: string, access: FileAccess): Buffer | { reason: string; missing: boolean } {
  const openRefusesLinks = NO_FOLLOW_OPEN && !access.followSymlinks;
  const refused = openRefusesLinks ? access.folderRefusalSync(absolute) : access.refusalSync(absolute);
  if (refused) return { reason: refused, missing: false };
  try {
    return readBoundedSync(absolute, { limit: LIMITS.maxCertFileBytes, regularOnly: true, noFollow: !access.followSymlinks });
  } catch (err) {
    if (openRefusesLinks && err instanceof ReadRefused && err.symlink) return { reason: access.symlinkRefusal(absolute), missing: false };
    const code = (err as NodeJS.ErrnoException).code;
    return { reason: describeIoError(err), missing: code === 'ENOENT' || code === 'ENOTDIR' };
  }
}

/** `read`: the file's bytes as a FilePrefetch read them (its folder allowed, opened with O_NOFOLLOW). */
function readCertFileSync(absolute: string, display: string, access: FileAccess, parse: (der: Uint8Array) => Certificate = parseCertificate, known?: PemBlockCache, read?: Buffer): CertFile {
  const bytes = read ?? readReferenced(absolute, access);
  if (!Buffer.isBuffer(bytes)) return unreadable(display, bytes.reason, bytes.missing);
  return { display, missing: false, ...decodeCertificates(bytes, absolute, parse, known) };
}

export async function readCertFile(absolute: string, display: string, access: FileAccess = UNRESTRICTED): Promise<CertFile> {
  return readCertFileSync(absolute, display, access);
}

function readConfigMapSync(absolute: string, display: string, key: string, access: FileAccess): CertFile {
  const bytes = readReferenced(absolute, access);
  if (!Buffer.isBuffer(bytes)) return unreadable(display, bytes.reason, bytes.missing);
  return decodeConfigMap(bytes, display, key, absolute);
}

/** A ConfigMap manifest (one or several YAML documents); the bundle is the PEM under data[key]. */
export async function readConfigMap(absolute: string, display: string, key: string, access: FileAccess = UNRESTRICTED): Promise<CertFile> {
  return readConfigMapSync(absolute, display, key, access);
}

/** The certificates under data[key] of the first ConfigMap in a manifest file. Pure. */
export function decodeConfigMap(bytes: Uint8Array, display: string, key: string, fileName = display): CertFile {
  let docs;
  try {
    docs = parseYamlDocuments(bytes, display, LIMITS.maxCertFileBytes);
  } catch (err) {
    if (err instanceof InputError) return unreadable(display, err.detail);
    throw err;
  }
  for (const doc of docs) {
    const manifest = doc.data as { kind?: unknown; data?: unknown } | null;
    if (manifest === null || typeof manifest !== 'object' || manifest.kind !== 'ConfigMap') continue;
    const data = manifest.data;
    const pem = data !== null && typeof data === 'object' && Object.hasOwn(data, key) ? (data as Record<string, unknown>)[key] : undefined;
    if (typeof pem !== 'string') return unreadable(display, `the ConfigMap has no data key '${key}'`);
    return { display, missing: false, ...decodeCertificates(Buffer.from(pem, 'utf8'), fileName) };
  }
  return unreadable(display, 'no ConfigMap manifest in the file');
}
