// The fuzz targets: one per loader, plus whole-pipeline targets that carry hostile inputs through
// every rule and output format. Most call the library directly (fast: the bulk of the inputs); the
// `check-files` and `cli` targets go through the file system and the real binary.
//
// Plugging in a new loader is one entry in TARGETS (see the end of this file).
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { certificateDifferential } from './differential.ts';
import { stringify } from 'yaml';
import { buildReport, check, evaluate } from '../../src/check.ts';
import { oneOf, onePositional, parse, parseAt } from '../../src/commands/args.ts';
import { CHECK_OPTIONS } from '../../src/commands/check.ts';
import { parseFormats } from '../../src/commands/output.ts';
import { toFinding } from '../../src/engine.ts';
import { loadPack, checkPackDocument, mergeLayers, withParams, type Pack } from '../../src/policy/packs.ts';
import { decodeCertificates } from '../../src/pki/pem.ts';
import { describeKey } from '../../src/pki/algorithms.ts';
import { FORMATS } from '../../src/report/formats.ts';
import { isFailing } from '../../src/report/summary.ts';
import { RULES_BY_ID } from '../../src/rules/index.ts';
import { rule as schemaRule, schemaViolations } from '../../src/rules/topology/schema.ts';
import { decodeConfigMap, referencedFiles } from '../../src/sources/files.ts';
import { readServerFlight } from '../../src/sources/tls-transcript.ts';
import { parseWaivers, type LoadedWaiver } from '../../src/policy/waivers.ts';
import { verifyChain } from '../../src/verify.ts';
import { parseSourceDocument } from '../../src/topology/document.ts';
import { resolveTopology } from '../../src/topology/resolve.ts';
import { validateDocument } from '../../src/topology/schema.ts';
import type { CertFile, Model } from '../../src/model/types.ts';
import type { Report } from '../../src/report/types.ts';
import { BIN } from '../helpers/cli.ts';
import { T0 } from '../helpers/estate.ts';
import { corpus, type Corpus } from './corpus.ts';
import { corrupt, packArbitrary, topologyArbitrary } from './grammar.ts';
import { linesOf, type FuzzTarget, type Outcome } from './harness.ts';
import { mutatedBytes, mutatedDer, mutatedText, toPemText } from './mutate.ts';
import { handshakeStream, SECRET, serverFlight } from './tls.ts';

export interface FuzzContext extends Corpus {
  readonly rcDefault: Pack;
  readonly lbOffload: Pack;
  readonly knownRules: ReadonlySet<string>;
  /** The clean estate's files as bytes, by path relative to the topology. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export async function fuzzContext(): Promise<FuzzContext> {
  const c = await corpus();
  const knownRules = new Set(RULES_BY_ID.keys());
  return {
    ...c,
    rcDefault: await loadPack('rc-default', process.cwd(), knownRules),
    lbOffload: await loadPack('lb-tls-offload', process.cwd(), knownRules),
    knownRules,
    files: new Map(Object.entries(c.estate.files).map(([k, v]) => [k, new Uint8Array(Buffer.from(v))])),
  };
}

// ---------------------------------------------------------------------------------------------
// The offline pipeline in memory: parse -> schema -> resolve -> decode files -> rules -> report

const ROOT = path.join(path.parse(process.cwd()).root, 'fuzz-estate');
const TOPOLOGY = path.join(ROOT, 'rc-topology.yaml');

const missingFile = (display: string): CertFile => ({ display, certs: [], privateKeys: [], pkcs12: false, problems: ['no such file'], missing: true });

export function evaluateInMemory(ctx: FuzzContext, topology: Uint8Array, files: ReadonlyMap<string, Uint8Array>, pack?: Pack, waivers?: readonly LoadedWaiver[]): Report {
  const doc = parseSourceDocument(topology, 'rc-topology.yaml');
  const violations = validateDocument(doc, 'topology');
  if (violations.length > 0) {
    const findings = schemaViolations(violations, doc.data, 'rc-topology.yaml').map((v) => toFinding(schemaRule, v, 'error'));
    return buildReport('rc-topology.yaml', T0, 'check', pack ?? ctx.rcDefault, findings);
  }
  const t = resolveTopology(doc, TOPOLOGY);
  const base = pack ?? (t.policy.pack === 'lb-tls-offload' ? ctx.lbOffload : ctx.rcDefault);
  const chosen = withParams(base, t.policy.params);
  const read = new Map<string, CertFile>();
  for (const f of referencedFiles(t)) {
    const rel = path.relative(ROOT, f.absolute).split(path.sep).join('/');
    const bytes = files.get(rel);
    read.set(
      f.key,
      bytes === undefined
        ? missingFile(rel)
        : f.configMapKey !== undefined
          ? decodeConfigMap(bytes, rel, f.configMapKey, f.absolute)
          : { display: rel, missing: false, ...decodeCertificates(bytes, f.absolute) },
    );
  }
  const model: Model = { topology: t, at: T0, params: chosen.params, files: read, mode: 'check' };
  // The same end as check(): every rule, the handshake matrix, waivers, the policy rules.
  return evaluate('rc-topology.yaml', model, chosen, waivers, undefined);
}

/** Renders a report in every output format (new formats are covered as they are registered). */
export function renderAll(report: Report): string[] {
  const ctx = { color: false, quiet: false, failOn: 'error' as const, failing: (f: Report['findings'][number]) => isFailing(f, 'error') };
  return Object.values(FORMATS).map((render) => render(report, ctx));
}

const reportOutcome = (report: Report): Outcome => ({
  lines: [...report.findings.flatMap((f) => [f.message, f.target]), ...linesOf(...renderAll(report))],
});

/** Touches everything rules read from a certificate: a getter that throws would crash a rule. */
function exercise(file: { certs: readonly import('../../src/pki/cert.ts').Certificate[]; problems: readonly string[] }): string[] {
  const out = [...file.problems];
  for (const c of file.certs) {
    // Names as printed (RFC 4514, escaped); the raw values are only data for rules' messages.
    out.push(c.subjectName, c.issuerName, c.fingerprint, describeKey(c.publicKey));
    void [...c.commonNames, ...c.dnsNames];
    void c.isSelfIssued;
    void c.lifetimeDays;
    void c.validAt(T0);
    void c.isSignedBy(c);
    for (const other of file.certs) void c.isSignedBy(other);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Targets

const bytesOf = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** Raw text with no seed at all: random bytes, random Unicode. */
const noise = fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.string({ unit: 'binary', maxLength: 300 }).map(bytesOf));

const yamlText: FuzzTarget<Uint8Array, FuzzContext> = {
  name: 'yaml-text',
  description: 'topology/pack/waiver/ConfigMap-like YAML and JSON text, mutated by line and byte -> parse, all three schemas, resolve',
  runs: { ci: 1200, full: 25_000 },
  timeLimitMs: 2000,
  arbitrary: (c) => fc.oneof({ weight: 8, arbitrary: mutatedText(c.yaml) }, { weight: 1, arbitrary: noise }),
  run(bytes) {
    const doc = parseSourceDocument(bytes, 'fuzz.yaml');
    const lines: string[] = [];
    for (const schema of ['topology', 'policy', 'waivers'] as const) lines.push(...validateDocument(doc, schema).map((v) => v.message));
    const violations = validateDocument(doc, 'topology');
    if (violations.length === 0) void resolveTopology(doc, TOPOLOGY);
    else lines.push(...schemaViolations(violations, doc.data, 'fuzz.yaml').map((v) => toFinding(schemaRule, v, 'error').message));
    return { lines };
  },
};

/** The files a grammar topology can reference: the estate's, plus odd ones. */
const POOL_EXTRA = ['certs/rsa.pem', 'certs/wild-with-key.pem', 'certs/store.p12', 'k8s/cm.yaml', 'certs/empty.pem', 'certs/mutant.pem', 'missing.pem', '../outside.pem', '/etc/hostname', 'certs/\u0000nul.pem', 'certs/\u001b[31mred.pem', 'certs/' + 'x'.repeat(300) + '.pem'];

const topologyGrammar: FuzzTarget<{ topology: unknown; json: boolean; mutant: Uint8Array }, FuzzContext> = {
  name: 'topology-grammar',
  description: 'random topologies over the schema (some corrupted), with valid, mutated, key, PKCS#12 and missing files -> every rule and output format',
  runs: { ci: 500, full: 15_000 },
  timeLimitMs: 3000,
  arbitrary(c) {
    const t = topologyArbitrary({ names: [...c.files.keys(), ...POOL_EXTRA] });
    return fc.record({
      topology: fc.oneof({ weight: 4, arbitrary: t }, { weight: 1, arbitrary: corrupt(t) }),
      json: fc.boolean(),
      mutant: mutatedDer(c.der),
    });
  },
  run(input, c) {
    const files = new Map(c.files);
    files.set('certs/rsa.pem', bytesOf(c.pem[c.pem.length - 3]!));
    files.set('certs/wild-with-key.pem', bytesOf(c.pem[c.pem.length - 1]!));
    files.set('certs/store.p12', c.pkcs12[0]!);
    files.set('k8s/cm.yaml', bytesOf(c.configMaps[0]!));
    files.set('certs/empty.pem', new Uint8Array());
    files.set('certs/mutant.pem', bytesOf(toPemText(input.mutant) + c.estate.files['pki/server-issuing.pem']));
    const text = input.json ? JSON.stringify(input.topology) : stringify(input.topology);
    return reportOutcome(evaluateInMemory(c, bytesOf(text), files));
  },
};

const certificateDer: FuzzTarget<Uint8Array, FuzzContext> = {
  name: 'certificate-der',
  description: 'DER certificates mutated by structure (re-encoded) and by byte -> decodeCertificates and every certificate getter',
  runs: { ci: 1200, full: 20_000 },
  timeLimitMs: 1000,
  arbitrary: (c) => fc.oneof({ weight: 5, arbitrary: mutatedDer(c.der) }, { weight: 3, arbitrary: mutatedBytes(c.der) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) }),
  run: (bytes) => ({ lines: exercise(decodeCertificates(bytes, 'fuzz.der')) }),
};

const certificatePem: FuzzTarget<Uint8Array, FuzzContext> = {
  name: 'certificate-pem',
  description: 'PEM files (chains, keys, odd labels and headers) mutated by line and byte, and PEM-wrapped mutated DER -> decodeCertificates',
  runs: { ci: 800, full: 15_000 },
  timeLimitMs: 1000,
  arbitrary: (c) =>
    fc.oneof(
      { weight: 4, arbitrary: mutatedText(c.pem) },
      {
        weight: 3,
        arbitrary: fc
          .tuple(mutatedDer(c.der), fc.constantFrom('CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE', 'PRIVATE KEY', 'PKCS7', 'PKCS12', 'KEY', 'PUBLIC KEY'), fc.constantFrom(...c.pem))
          .map(([der, label, tail]) => bytesOf(toPemText(der, label) + tail)),
      },
      { weight: 1, arbitrary: mutatedBytes(c.pem.map(bytesOf)) },
    ),
  run: (bytes) => ({ lines: exercise(decodeCertificates(bytes, 'fuzz.pem')) }),
};

const pkcs12: FuzzTarget<{ bytes: Uint8Array; name: string }, FuzzContext> = {
  name: 'pkcs12',
  description: 'PKCS#12 files made by OpenSSL at run time, mutated, under .p12/.pfx/.pem/.der names -> decodeCertificates (must flag PKCS#12, never parse the key)',
  runs: { ci: 300, full: 5000 },
  timeLimitMs: 1000,
  arbitrary: (c) =>
    fc.record({
      bytes: fc.oneof(fc.constantFrom(...c.pkcs12), mutatedBytes(c.pkcs12), mutatedDer(c.pkcs12)),
      name: fc.constantFrom('store.p12', 'store.PFX', 'store.pem', 'store.der', 'store'),
    }),
  run(input, c) {
    const out = decodeCertificates(input.bytes, input.name);
    const violations: string[] = [];
    if (/\.(p12|pfx)$/i.test(input.name) && !out.pkcs12) violations.push(`${input.name} was not flagged as PKCS#12`);
    if (c.pkcs12.some((p) => Buffer.from(p).equals(Buffer.from(input.bytes))) && !out.pkcs12) violations.push('an intact PKCS#12 file was not flagged');
    return { lines: exercise(out), violations };
  },
};

const configMap: FuzzTarget<{ bytes: Uint8Array; key: string }, FuzzContext> = {
  name: 'configmap',
  description: 'Kubernetes ConfigMap manifests (several documents, aliases, odd keys), mutated -> decodeConfigMap',
  runs: { ci: 300, full: 5000 },
  timeLimitMs: 1000,
  arbitrary: (c) => fc.record({ bytes: fc.oneof(mutatedText([...c.configMaps, ...c.yaml.slice(0, 1)]), noise), key: fc.constantFrom('ca.crt', '__proto__', 'constructor', 'toString', 'x') }),
  run: (input) => ({ lines: exercise(decodeConfigMap(input.bytes, 'cm.yaml', input.key)) }),
};

const policyPack: FuzzTarget<Uint8Array, FuzzContext> = {
  name: 'policy-pack',
  description: 'policy packs: the built-in ones mutated, and random packs over the schema (some corrupted) -> checkPackDocument, merge, then every rule on the clean estate',
  runs: { ci: 300, full: 10_000 },
  timeLimitMs: 3000,
  arbitrary(c) {
    const pack = packArbitrary([...c.knownRules]);
    return fc.oneof(
      { weight: 3, arbitrary: mutatedText(c.packs) },
      { weight: 3, arbitrary: pack.map((p) => bytesOf(stringify(p))) },
      { weight: 1, arbitrary: corrupt(pack).map((p) => bytesOf(JSON.stringify(p))) },
    );
  },
  run(bytes, c) {
    const layer = checkPackDocument(parseSourceDocument(bytes, 'pack.yaml'), c.knownRules);
    const base = layer.extends === 'lb-tls-offload' ? [c.lbOffload] : layer.extends === 'rc-default' ? [c.rcDefault] : [];
    const pack = mergeLayers([layer, ...base.map((p) => ({ name: p.name, params: p.params as unknown as Record<string, unknown>, rules: Object.fromEntries(p.rules) }))]);
    return reportOutcome(evaluateInMemory(c, bytesOf(stringify(c.estate.topology)), c.files, pack));
  },
};

const estateFiles: FuzzTarget<{ name: string; bytes: Uint8Array }[], FuzzContext> = {
  name: 'estate-files',
  description: 'the clean estate with 1-3 certificate files replaced by mutated PEM/DER (alone or before the real chain) -> every rule and output format',
  runs: { ci: 400, full: 10_000 },
  timeLimitMs: 3000,
  arbitrary(c) {
    const names = [...c.files.keys()];
    const content = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(mutatedDer(c.der), fc.constantFrom('', c.estate.files['pki/server-issuing.pem']!)).map(([d, tail]) => bytesOf(toPemText(d) + tail)) },
      { weight: 2, arbitrary: mutatedText(c.pem) },
      { weight: 1, arbitrary: mutatedDer(c.der) },
      { weight: 1, arbitrary: mutatedBytes(c.der) },
    );
    return fc.array(fc.record({ name: fc.constantFrom(...names), bytes: content }), { minLength: 1, maxLength: 3 });
  },
  run(input, c) {
    const files = new Map(c.files);
    for (const { name, bytes } of input) files.set(name, bytes);
    return reportOutcome(evaluateInMemory(c, bytesOf(stringify(c.estate.topology)), files));
  },
};

// ---------------------------------------------------------------------------------------------
// Through the file system: check() with symlinks, `..`, absolute paths, directories

interface FsInput {
  readonly topology: Uint8Array;
  readonly replace: { name: string; bytes: Uint8Array } | null;
  readonly links: readonly { name: string; to: string }[];
  readonly allowOutsideRepo: boolean;
  readonly followSymlinks: boolean;
}

const LINK_TARGETS = ['/etc/hostname', '/dev/zero', '/proc/self/environ', '../outside.pem', 'pki/root.pem', 'certs', 'nowhere.pem', '.'];

async function writeTree(dir: string, files: ReadonlyMap<string, Uint8Array>, input: FsInput): Promise<string> {
  const repo = path.join(dir, 'repo');
  for (const [rel, bytes] of files) {
    await mkdir(path.dirname(path.join(repo, rel)), { recursive: true });
    await writeFile(path.join(repo, rel), bytes);
  }
  await writeFile(path.join(dir, 'outside.pem'), files.get('pki/root.pem')!);
  if (input.replace) await writeFile(path.join(repo, input.replace.name), input.replace.bytes);
  for (const l of input.links) {
    const at = path.join(repo, l.name);
    await rm(at, { recursive: true, force: true });
    await mkdir(path.dirname(at), { recursive: true });
    await symlink(l.to, at).catch(() => undefined);
  }
  const topology = path.join(repo, 'rc-topology.yaml');
  await writeFile(topology, input.topology);
  return topology;
}

const checkFiles: FuzzTarget<FsInput, FuzzContext> = {
  name: 'check-files',
  description: 'check() on an estate written to disk, with symlinks (to /dev/zero, /proc, outside, inside), .. and absolute paths, mutated topology and files',
  runs: { ci: 60, full: 2000 },
  timeLimitMs: 10_000,
  arbitrary(c) {
    const names = [...c.files.keys()];
    const topologies = [stringify(c.estate.topology), ...c.yaml.slice(0, 1)];
    const refRewrites = fc.constantFrom('../outside.pem', '/etc/hostname', 'certs/../pki/root.pem', 'certs', '/dev/zero', 'link.pem', 'certs/linked/broker-us-1.pem');
    return fc.record({
      topology: fc.oneof(
        mutatedText(topologies),
        fc.tuple(fc.constantFrom(...names), refRewrites).map(([n, r]) => bytesOf(topologies[0]!.replace(`file: ${n}`, `file: ${r}`))),
      ),
      replace: fc.option(fc.record({ name: fc.constantFrom(...names), bytes: fc.oneof(mutatedText(c.pem), mutatedDer(c.der)) })),
      links: fc.array(fc.record({ name: fc.constantFrom(...names, 'link.pem', 'certs/linked'), to: fc.constantFrom(...LINK_TARGETS) }), { maxLength: 2 }),
      allowOutsideRepo: fc.boolean(),
      followSymlinks: fc.boolean(),
    });
  },
  async run(input, c) {
    const dir = await mkdtemp(path.join(tmpdir(), 'rc-policy-fuzz-'));
    try {
      const topology = await writeTree(dir, c.files, input);
      const report = await check({ topology, cwd: path.dirname(topology), at: T0, allowOutsideRepo: input.allowOutsideRepo, followSymlinks: input.followSymlinks });
      return reportOutcome(report);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

// ---------------------------------------------------------------------------------------------
// The real binary

interface CliInput extends FsInput {
  readonly args: readonly string[];
}

export function runBinary(args: readonly string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

const cli: FuzzTarget<CliInput, FuzzContext> = {
  name: 'cli',
  description: 'the real binary: rc-policy check on a mutated estate with random formats and flags; exit 0/1/2 only, and exit 2 is one line with no stack trace',
  runs: { ci: 8, full: 300 },
  timeLimitMs: 30_000,
  arbitrary(c) {
    return fc.record({
      topology: fc.oneof(mutatedText([stringify(c.estate.topology)]), topologyArbitrary({ names: [...c.files.keys(), ...POOL_EXTRA] }).map((t) => bytesOf(stringify(t)))),
      replace: fc.option(fc.record({ name: fc.constantFrom(...c.files.keys()), bytes: fc.oneof(mutatedText(c.pem), mutatedDer(c.der)) })),
      links: fc.array(fc.record({ name: fc.constantFrom('certs/broker-us-1.pem', 'pki/root.pem'), to: fc.constantFrom(...LINK_TARGETS) }), { maxLength: 1 }),
      allowOutsideRepo: fc.boolean(),
      followSymlinks: fc.boolean(),
      args: fc.subarray(['--format', 'json', '--quiet', '--fail-on', 'warning', '--at', '+30d', '--policy', 'lb-tls-offload']),
    });
  },
  async run(input, c) {
    const dir = await mkdtemp(path.join(tmpdir(), 'rc-policy-fuzz-cli-'));
    try {
      const topology = await writeTree(dir, c.files, input);
      const args = ['check', 'rc-topology.yaml', ...input.args];
      if (input.allowOutsideRepo) args.push('--allow-outside-repo');
      if (input.followSymlinks) args.push('--follow-symlinks');
      const r = await runBinary(args, path.dirname(topology), 25_000);
      const violations: string[] = [];
      if (r.timedOut) violations.push('the binary did not finish in 25 s');
      else if (r.code !== 0 && r.code !== 1 && r.code !== 2) violations.push(`exit code ${r.code}`);
      if (r.code === 2) {
        if (!/^rc-policy: [^\n]*\n$/.test(r.stderr)) violations.push(`exit 2 without exactly one stderr line: ${JSON.stringify(r.stderr.slice(0, 300))}`);
        if (/unexpected error/.test(r.stderr)) violations.push(`crash: ${r.stderr.trim()}`);
      } else if (r.stderr !== '') violations.push(`stderr on exit ${r.code}: ${JSON.stringify(r.stderr.slice(0, 300))}`);
      if (/\n\s+at /.test(r.stderr)) violations.push('a stack trace without --debug');
      return { lines: [r.stderr.replace(/\n$/, ''), ...linesOf(r.stdout)], violations };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

const ARG_TOKENS = ['check', 'rc-topology.yaml', '--policy', 'rc-default', '--at', '+30d', '-12h', '2026-12-01', '--fail-on', 'warning', 'never', '--format', '-f', 'json', 'text', 'json=out.json', 'text=', '=x', '--quiet', '-q', '--no-color', '--color', '--debug', '--allow-outside-repo', '--follow-symlinks', '--no-quiet', '--', '-', '--help'];

const checkArgs: FuzzTarget<string[], FuzzContext> = {
  name: 'check-args',
  description: 'rc-policy check argument vectors (known options, odd values, random strings) -> the option parsing of runCheck',
  runs: { ci: 300, full: 3000 },
  timeLimitMs: 500,
  arbitrary: () =>
    fc.array(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...ARG_TOKENS) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('+', '-', ''), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.constantFrom('d', 'h', 'w', 'm', '')).map(([s, n, u]) => `--at=${s}${n}${u}`) },
        { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => `--at=${d.toISOString()}`) },
      ),
      { maxLength: 8 },
    ),
  run(argv) {
    // The same steps, in the same order, as runCheck before it calls check().
    const { values, positionals } = parse(argv, CHECK_OPTIONS, 'check');
    oneOf('--fail-on', values['fail-on'], ['error', 'warning', 'info', 'never'], 'error');
    parseFormats(values.format);
    const at = parseAt(values.at);
    void at.toISOString();
    onePositional(positionals, 'check', 'topology file');
    return {};
  },
};

const waivers: FuzzTarget<Uint8Array, FuzzContext> = {
  name: 'waivers',
  description: 'waiver files: mutated, and random over the schema (odd dates, wildcard targets, unknown rules) -> parseWaivers, then applied to the estate with the policy rules',
  runs: { ci: 300, full: 8000 },
  timeLimitMs: 3000,
  arbitrary(c) {
    const waiver = fc.record(
      {
        rule: fc.oneof(fc.constantFrom(...c.knownRules), fc.constantFrom('policy/expired-waiver', 'x/y', 'broker/wildcardd')),
        target: fc.constantFrom('*', 'broker-us-1', 'broker-us-2', 'rc-trust', 'controller-us->broker-us-1', 'nothing', '\u001b[2J'),
        reason: fc.constantFrom('legacy until the rotation (CHG-1)', 'short', 'x'.repeat(5000)),
        expires: fc.constantFrom('2027-01-31', '2020-01-01', '2026-02-30', '0000-00-00', '9999-12-31', '2026-12-01', '1969-12-31'),
        owner: fc.constantFrom('platform-team', ''),
        ticket: fc.constantFrom('CHG-1234', ''),
      },
      { requiredKeys: ['rule', 'target', 'reason', 'expires'] },
    );
    const doc = fc.record({ apiVersion: fc.constant('rc-policy/v1'), kind: fc.constant('Waivers'), waivers: fc.array(waiver, { maxLength: 6 }) });
    const seed = stringify({ apiVersion: 'rc-policy/v1', kind: 'Waivers', waivers: [{ rule: 'broker/wildcard', target: 'broker-us-1', reason: 'legacy wildcard (CHG-1)', expires: '2027-01-31' }] });
    return fc.oneof(
      { weight: 4, arbitrary: doc.map((d) => bytesOf(stringify(d))) },
      { weight: 1, arbitrary: corrupt(doc).map((d) => bytesOf(JSON.stringify(d))) },
      { weight: 2, arbitrary: mutatedText([seed]) },
    );
  },
  run(bytes, c) {
    const loaded = parseWaivers(parseSourceDocument(bytes, 'waivers.yaml'), c.knownRules);
    return reportOutcome(evaluateInMemory(c, bytesOf(stringify(c.estate.topology)), c.files, undefined, loaded));
  },
};

interface ChainInput {
  readonly leaf: Uint8Array;
  readonly mutated: boolean;
  readonly intermediates: readonly Uint8Array[];
  readonly trusted: readonly Uint8Array[];
  readonly pem: boolean;
  readonly hostname: string | undefined;
  readonly purpose: 'serverAuth' | 'clientAuth' | undefined;
  readonly at: Date;
}

const verify: FuzzTarget<ChainInput, FuzzContext> = {
  name: 'verify-chain',
  description: 'verifyChain with mutated leaves, intermediates and anchors, as PEM or DER; a leaf that was changed must never validate',
  runs: { ci: 300, full: 8000 },
  timeLimitMs: 3000,
  arbitrary(c) {
    // c.der: root, server CA, client CA, an RSA leaf, a wildcard leaf (both from the server CA).
    const leaves = [c.der[3]!, c.der[4]!];
    const cas = c.der.slice(0, 3);
    // Mostly a setup that validates (root trusted, server CA served, at T0), so that "a mutated
    // leaf never validates" is tested where the intact leaf would.
    const [root, serverCa] = cas as [Uint8Array, Uint8Array];
    return fc.record({
      leafSeed: fc.constantFrom(...leaves),
      leafMutant: fc.option(mutatedDer(leaves), { freq: 2 }),
      intermediates: fc.oneof({ weight: 3, arbitrary: fc.constant([serverCa]) }, { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...cas, ...leaves), mutatedDer(cas)), { maxLength: 4 }) }),
      trusted: fc.oneof({ weight: 3, arbitrary: fc.constant([root]) }, { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...cas), mutatedDer(cas)), { minLength: 1, maxLength: 3 }) }),
      pem: fc.boolean(),
      hostname: fc.option(fc.constantFrom('rsa.company.com', 'x.company.com', 'y.x.company.com', 'RSA.COMPANY.COM.', '10.0.0.1', '*.company.com', ''), { freq: 3 }),
      purpose: fc.option(fc.constantFrom('serverAuth' as const, 'clientAuth' as const), { freq: 3 }),
      at: fc.oneof({ weight: 4, arbitrary: fc.constant(T0) }, { weight: 1, arbitrary: fc.constantFrom(new Date('1950-01-01T00:00:00Z'), new Date('9999-12-31T00:00:00Z'), new Date(0)) }),
    }).map((r): ChainInput => {
      const leaf = r.leafMutant ?? r.leafSeed;
      const mutated = r.leafMutant !== null && !leaves.some((l) => Buffer.from(l).equals(Buffer.from(leaf)));
      return { leaf, mutated, intermediates: r.intermediates, trusted: r.trusted, pem: r.pem, hostname: r.hostname ?? undefined, purpose: r.purpose ?? undefined, at: r.at };
    });
  },
  async run(input) {
    const form = (der: Uint8Array) => (input.pem ? toPemText(der) : der);
    const r = await verifyChain({
      leaf: form(input.leaf),
      intermediates: input.intermediates.map(form),
      trusted: input.trusted.map(form),
      at: input.at,
      ...(input.hostname !== undefined && { hostname: input.hostname }),
      ...(input.purpose && { purpose: input.purpose }),
    });
    const violations: string[] = [];
    // Every mutation changes the signed bytes, the signature or its algorithm: nothing signed it.
    if (input.mutated && r.ok) violations.push('a mutated leaf validated');
    if (r.ok && r.errors.length > 0) violations.push('ok with errors');
    if (!r.ok && r.errors.length === 0) violations.push('rejected without a reason');
    return { lines: r.errors.map((e) => e.message), violations };
  },
};

interface FlightInput {
  readonly tls13: boolean;
  readonly certs: readonly Uint8Array[];
  readonly request: boolean;
  /** No mutation: the reader must return exactly what was sent. */
  readonly intact: boolean;
  /** The bytes on the wire (built in the generator, so a saved input replays exactly). */
  readonly wire: Uint8Array;
}

const tlsFlight: FuzzTarget<FlightInput, FuzzContext> = {
  name: 'tls-flight',
  description: "what a live server sends (TLS 1.2 clear, TLS 1.3 encrypted) with mutated messages, records and certificates -> the audit's transcript reader",
  runs: { ci: 400, full: 8000 },
  timeLimitMs: 1000,
  arbitrary(c) {
    // Cut a few bytes somewhere and insert others: framing, lengths and message bodies all break.
    const splice = fc.option(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.uint8Array({ maxLength: 8 })), { freq: 2 });
    const apply = (b: Uint8Array, m: [number, number, Uint8Array] | null): Uint8Array => {
      if (!m) return b;
      const at = b.length ? m[0] % b.length : 0;
      return new Uint8Array([...b.subarray(0, at), ...m[2], ...b.subarray(at + m[1])]);
    };
    return fc
      .record({
        tls13: fc.boolean(),
        certs: fc.array(fc.oneof(fc.constantFrom(...c.der), mutatedDer(c.der)), { maxLength: 4 }),
        request: fc.boolean(),
        split: fc.oneof(fc.constant(16_000), fc.integer({ min: 1, max: 600 })),
        stream: splice,
        wire: splice,
      })
      .map((r): FlightInput => {
        const stream = apply(handshakeStream(r.certs, r.tls13, r.request), r.stream);
        const wire = apply(serverFlight(Buffer.from(stream), r.tls13, r.split), r.wire);
        return { tls13: r.tls13, certs: r.certs, request: r.request, intact: !r.stream && !r.wire, wire };
      });
  },
  run(input) {
    const flight = readServerFlight(Buffer.from(input.wire), input.tls13 ? SECRET : undefined);
    const violations: string[] = [];
    if (input.intact) {
      if (flight.problem) violations.push(`intact flight read with a problem: ${flight.problem}`);
      if (flight.version !== (input.tls13 ? 'TLSv1.3' : 'TLSv1.2')) violations.push(`version ${flight.version}`);
      if (flight.certificateRequested !== input.request) violations.push('certificate request not seen');
      if (flight.certificates.length !== input.certs.length || flight.certificates.some((c, i) => !Buffer.from(c).equals(Buffer.from(input.certs[i]!)))) {
        violations.push('certificates differ from what was sent');
      }
    }
    const lines = flight.problem ? [flight.problem] : [];
    for (const der of flight.certificates) lines.push(...exercise(decodeCertificates(der, 'peer.der')));
    return { lines, violations };
  },
};

/**
 * Every target, in the order npm run fuzz runs them. To cover a new loader, add one entry. Not
 * covered here: Key Vault responses (the Azure SDK parses them; issue 7 part 4 injects faults into
 * the fake Key Vault), the `rc-policy verify` and `audit` command lines, baseline files.
 */
export const TARGETS: readonly FuzzTarget<never, FuzzContext>[] = [
  yamlText,
  topologyGrammar,
  certificateDer,
  certificatePem,
  pkcs12,
  configMap,
  policyPack,
  estateFiles,
  waivers,
  verify,
  tlsFlight,
  checkFiles,
  checkArgs,
  cli,
  certificateDifferential,
] as unknown as FuzzTarget<never, FuzzContext>[];
