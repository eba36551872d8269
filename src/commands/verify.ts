// `rc-policy verify`: like `openssl verify`, with rc-policy's own path builder and strict checks.
// Exit 0 valid, 1 invalid (every reason printed), 2 the input could not be read.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { readCertFile } from '../sources/files.ts';
import { verifyCertificates } from '../verify.ts';
import type { Certificate } from '../pki/cert.ts';
import { InputError } from '../errors.ts';
import { oneOf, onePositional, parse, parseAt } from './args.ts';

const OPTIONS = {
  trusted: { type: 'string', multiple: true },
  untrusted: { type: 'string', multiple: true },
  host: { type: 'string' },
  purpose: { type: 'string' },
  at: { type: 'string' },
  'max-depth': { type: 'string' },
  format: { type: 'string', short: 'f' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const VERIFY_HELP = `Usage: rc-policy verify --trusted <roots.pem> [options] <leaf.pem>

Validates a certificate chain as a strict TLS peer would: builds a path from the leaf through the
untrusted certificates to a trusted one, trying every alternative, and checks signatures, validity,
CA constraints, key usages, the EKU, the host name (SAN dNSName only) and name constraints.
Certificates after the first in <leaf.pem> (a served chain) are used as untrusted intermediates.

Options:
  --trusted <file|dir>   trust anchors (PEM, one or more certificates), or a folder of them as
                         openssl -CApath (*.pem, *.crt, *.cer, *.der, <hash>.0); repeatable, required
  --untrusted <file>     untrusted intermediates, any order; repeatable
  --host <fqdn>          DNS name the leaf must carry in its subjectAltName
  --purpose <p>          server | client: the leaf must carry serverAuth / clientAuth EKU
  --at <time>            validate as of an ISO date/time or an offset (+30d, -12h, +2w)
  --max-depth <n>        most intermediates a path may hold (default 8)
  -f, --format <fmt>     text | json (default text)
  -q, --quiet            print nothing; only the exit code tells
  --debug                print stack traces for unexpected errors

Exit codes: 0 valid, 1 invalid (every reason is printed), 2 could not read the input.
`;

async function readCerts(file: string, what: string): Promise<Certificate[]> {
  const f = await readCertFile(file, file);
  if (f.problems.length > 0) throw new InputError(`${file}: ${f.problems[0]}`);
  if (f.certs.length === 0) throw new InputError(`${file}: no certificate found (${what})`);
  // Never printed, never used: but a key in a certificate file is worth a word.
  if (f.privateKeys.length > 0) process.stderr.write(`rc-policy: note: ${file} also holds a private key (ignored); keys do not belong in certificate files\n`);
  return [...f.certs];
}

/** What openssl -CApath reads: c_rehash's hash names (5d30f3c5.0), plus the usual certificate extensions. */
const CA_FILE = /^(?:[0-9a-f]{8}\.\d+|.+\.(?:pem|crt|cer|der))$/i;

/** --trusted: a file of anchors, or a folder of them (as openssl -CApath); a folder's other files are ignored. */
async function readTrusted(file: string): Promise<Certificate[]> {
  const folder = await stat(file).then((st) => st.isDirectory(), () => false);
  if (!folder) return readCerts(file, '--trusted');
  const names = (await readdir(file)).filter((n) => CA_FILE.test(n)).sort();
  const certs = (await Promise.all(names.map((n) => readCerts(path.join(file, n), '--trusted')))).flat();
  if (certs.length === 0) throw new InputError(`${file}: a folder with no certificate file (*.pem, *.crt, *.cer, *.der or c_rehash's <hash>.0) (--trusted)`);
  // c_rehash links every anchor under its hash next to the original file: count each certificate once.
  const seen = new Set<string>();
  return certs.filter((c) => !seen.has(c.fingerprint) && seen.add(c.fingerprint));
}

const PURPOSES = { server: 'serverAuth', client: 'clientAuth' } as const;

/** How messages name the untrusted pool: the chain served in the leaf's file and/or --untrusted. */
function poolLabel(leafFile: string, served: number, untrusted: number): string {
  if (served > 0 && untrusted > 0) return `the chain in ${leafFile} and the --untrusted certificates`;
  if (served > 0) return `the chain in ${leafFile}`;
  return untrusted > 0 ? 'the --untrusted certificates' : 'the untrusted certificates (none given)';
}

export async function runVerify(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, 'verify');
  if (values.help) {
    process.stdout.write(VERIFY_HELP);
    return 0;
  }
  const leafFile = onePositional(positionals, 'verify', 'leaf certificate file');
  if (!leafFile) throw new InputError('rc-policy verify needs a leaf certificate file (see rc-policy verify --help)');
  if (!values.trusted?.length) throw new InputError('rc-policy verify needs --trusted <file> with the trust anchors');
  const format = oneOf('--format', values.format, ['text', 'json'] as const, 'text');
  const purpose = values.purpose === undefined ? undefined : PURPOSES[oneOf('--purpose', values.purpose, ['server', 'client'] as const, 'server')];
  const at = parseAt(values.at);
  let maxDepth: number | undefined;
  if (values['max-depth'] !== undefined) {
    maxDepth = Number(values['max-depth']);
    if (!/^\d+$/.test(values['max-depth']) || maxDepth > 64) throw new InputError(`--max-depth must be a whole number from 0 to 64 (got '${values['max-depth']}')`);
  }

  const [leaf, ...served] = await readCerts(leafFile, 'leaf');
  const anchors = (await Promise.all(values.trusted.map((f) => readTrusted(f)))).flat();
  const untrusted = (await Promise.all((values.untrusted ?? []).map((f) => readCerts(f, '--untrusted')))).flat();
  const r = verifyCertificates(leaf!, [...served, ...untrusted], anchors, {
    at,
    ...(values.host !== undefined && { hostname: values.host }),
    ...(purpose && { purpose }),
    ...(maxDepth !== undefined && { maxDepth }),
    labels: { intermediates: poolLabel(leafFile, served.length, untrusted.length), anchors: 'the --trusted certificates' },
  });

  if (values.quiet) return r.ok ? 0 : 1;
  if (format === 'json') {
    const out = { ok: r.ok, ...(r.path && { chain: r.path.map((c) => c.fingerprint) }), errors: r.errors };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return r.ok ? 0 : 1;
  }
  const lines = [`${leafFile}: ${r.ok ? 'OK' : 'FAILED'}`];
  r.path?.forEach((c, i) => {
    const last = i === r.path!.length - 1;
    const role = i === 0 ? (last ? 'leaf, trusted' : 'leaf') : last ? 'trust anchor' : 'intermediate';
    lines.push(`  ${i} ${c.subjectName} (${role}, sha256 ${c.fingerprint.slice(0, 16)}…)`);
  });
  for (const e of r.errors) lines.push(`  error [${e.code}] ${e.message}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return r.ok ? 0 : 1;
}
