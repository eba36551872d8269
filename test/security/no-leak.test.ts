// Secrets never leak: a private key, a PFX password and bearer tokens are planted everywhere they
// could reach rc-policy (certificate files in every form, a ConfigMap, the environment of a CI
// runner with an Azure login, the topology itself, files that fail to parse, errors with causes)
// and no output may contain any of them: stdout, stderr, every report format written to a file,
// and --debug traces. Each run also asserts that it did its job, so a silent run cannot pass.
//
// To extend (one entry in RUNS each):
// - audit (issue 5): a run of `rc-policy audit` against the Key Vault fake, which serves the PFX
//   as the certificate's secret and puts the bearer token in its error bodies and headers;
// - the Action (issue 4): a run of the bundled action with INPUT_* holding the token, checking
//   the job summary, the annotations and the outputs file as well.
import { createPrivateKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { check } from '../../src/check.ts';
import { describeFailure } from '../../src/commands/failure.ts';
import { InputError } from '../../src/errors.ts';
import { REDACTED, redact, secretValues } from '../../src/redact.ts';
import { FORMATS } from '../../src/report/formats.ts';
import { runCli } from '../helpers/cli.ts';
import { baseline, broker, T0, type Estate } from '../helpers/estate.ts';
import { makePkcs12 } from '../helpers/pkcs12.ts';
import { leaks, makeSecrets, secretEnv, type Secrets } from '../helpers/secrets.ts';

let s: Secrets & { extra: string[] };
let e: Estate;

/** Every place a key or a password can sit in the repository. */
async function plant(): Promise<void> {
  e = await baseline();
  const leaf = e.files['certs/broker-us-1.pem'] as string;
  const secrets = await makeSecrets(e.pki.serverCa);
  const encrypted = createPrivateKey(secrets.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: secrets.pfxPassword }) as string;
  s = { ...secrets, extra: encrypted.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----')) };
  const body = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
  const keyAsCertificate = `-----BEGIN CERTIFICATE-----\n${body(s.keyPem).replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
  const brokenKey = s.keyPem.replace(/\n([A-Za-z0-9+/]{10})/, '\n$1!!');
  Object.assign(e.files, {
    'certs/broker-us-1.pem': leaf + s.keyPem, // a leaf with its key appended
    'certs/broker-us-2.pem': makePkcs12(leaf, s.keyPem, s.pfxPassword).bytes, // PKCS#12 under a .pem name
    'certs/broker-in-3.pem': (e.files['certs/broker-in-3.pem'] as string) + encrypted, // encrypted PKCS#8
    'certs/controller-us.pem': s.rsaKeyPem, // only a PKCS#1 key
    'certs/target-us.pem': s.keyDer, // a DER key
    'certs/target-in.pem': keyAsCertificate + brokenKey, // a key under a CERTIFICATE label, and a broken key block
    'k8s/rc-trust.yaml': stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rc-trust' }, data: { 'ca.crt': e.pki.root.pem + s.keyPem, 'tls.key': s.keyPem } }),
  });
  e.topology.trustBundles[0].configMap = { file: 'k8s/rc-trust.yaml' };
  // A token pasted into the topology where nothing needs it.
  e.topology.metadata.labels = { token: s.bearer, password: s.pfxPassword };
}

function writeEstateTo(dir: string, estate: Pick<Estate, 'topology' | 'files'>, topologyText?: string): void {
  for (const [rel, content] of Object.entries(estate.files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  writeFileSync(path.join(dir, 'rc-topology.yaml'), topologyText ?? stringify(estate.topology));
}

interface Run {
  readonly name: string;
  /** Writes what the run needs into `dir`; returns the arguments after `rc-policy`. */
  setup(dir: string): string[];
  readonly exit: number;
  /** Proof the run did its job (not a vacuous pass). */
  readonly did: (out: { stdout: string; stderr: string; files: Record<string, string> }) => void;
}

const formatsToFiles = (): string[] => Object.keys(FORMATS).flatMap((f) => ['--format', `${f}=out/report.${f}`]);

const RUNS: Run[] = [
  {
    name: 'check, every format to a file and text to stdout, --debug',
    setup(dir) {
      writeEstateTo(dir, e);
      return ['check', 'rc-topology.yaml', '--at', '2026-12-01', '--debug', '--format', 'text', ...formatsToFiles()];
    },
    exit: 1,
    did({ files }) {
      const report = JSON.parse(files['report.json']!) as { findings: { rule: string; target: string }[] };
      const keyed = report.findings.filter((f) => f.rule === 'cert/private-key-material').map((f) => f.target);
      expect(keyed.sort()).toEqual(['broker-in-3', 'broker-us-1', 'broker-us-2', 'controller-us', 'rc-trust', 'target-in', 'target-us']);
    },
  },
  {
    name: 'check of a topology that quotes a token where the schema reports the value, --debug',
    setup(dir) {
      writeEstateTo(dir, { ...e, topology: { ...e.topology, apiVersion: s.bearer, kind: s.githubToken } });
      return ['check', 'rc-topology.yaml', '--debug', '--format', 'text', ...formatsToFiles()];
    },
    exit: 1,
    did({ stdout }) {
      // The quoted value is cut at 100 characters; what is left of the token is still removed.
      expect(stdout).toContain(`apiVersion must be 'rc-policy/v1' (found '${REDACTED}`);
      expect(stdout).toContain(`kind must be 'Topology' (found '${REDACTED}')`);
    },
  },
  {
    name: 'check of a topology with a YAML syntax error on the line holding the token, --debug',
    setup(dir) {
      const text = stringify(e.topology).replace(/^metadata:\n/m, `metadata:\n  broken: [${s.bearer}, ${s.pfxPassword}\n`);
      writeEstateTo(dir, e, text);
      return ['check', 'rc-topology.yaml', '--debug'];
    },
    exit: 2,
    did({ stderr }) {
      expect(stderr).toMatch(/^rc-policy: rc-topology\.yaml:\d+:\d+: YAML: /);
    },
  },
  {
    name: 'check with a policy pack that names itself with the token and breaks a rule, --debug',
    setup(dir) {
      writeEstateTo(dir, { ...e, topology: { ...e.topology, policy: { pack: 'pack.yaml' } } });
      writeFileSync(path.join(dir, 'pack.yaml'), stringify({ apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: s.githubToken }, rules: { [`x/${s.pfxPassword}`]: 'off' } }));
      return ['check', 'rc-topology.yaml', '--debug'];
    },
    exit: 2,
    did({ stderr }) {
      expect(stderr).toMatch(/^rc-policy: pack\.yaml:\d+:\d+: unknown rule 'x\/\[redacted\]'/);
    },
  },
];

beforeAll(plant);

describe('secrets never leak', () => {
  it.each(RUNS.map((r) => [r.name, r] as const))('%s', (_name, run) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rc-policy-leak-'));
    const args = run.setup(dir);
    const r = runCli(args, { cwd: dir, env: secretEnv(s) });
    expect(r.code, r.stderr).toBe(run.exit);
    const files: Record<string, string> = {};
    if (args.some((a) => a.includes('=out/'))) for (const f of Object.keys(FORMATS)) files[`report.${f}`] = readFileSync(path.join(dir, 'out', `report.${f}`), 'utf8');
    for (const [where, text] of [['stdout', r.stdout], ['stderr', r.stderr], ...Object.entries(files)] as const) {
      expect(leaks(text, s), where).toEqual([]);
      for (const line of s.extra) expect(text.includes(line), `${where}: encrypted key material`).toBe(false);
    }
    run.did({ stdout: r.stdout, stderr: r.stderr, files });
  });

  it('check() through the library returns no secret in its report', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rc-policy-leak-'));
    writeEstateTo(dir, e);
    const report = await check({ topology: path.join(dir, 'rc-topology.yaml'), cwd: dir, at: T0 });
    expect(report.findings.some((f) => f.rule === 'cert/private-key-material')).toBe(true);
    expect(leaks(JSON.stringify(report), s)).toEqual([]);
  });

  it('removes secrets from an unexpected error, its --debug stack and its causes', () => {
    const env = secretEnv(s);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const cause = new Error(`Key Vault said 401 to Authorization: Bearer ${s.bearer}; retry with client_secret=${s.clientSecret}`);
      const err = new Error(`request failed for ${s.githubToken} with ${s.keyPem}`, { cause });
      err.stack = `Error: request failed\n    at sign (${s.pfxPassword}:1:1)\n    at parse (${s.keyPem})`;
      for (const debug of [false, true]) {
        const out = describeFailure(err, debug);
        expect(leaks(out, s)).toEqual([]);
        expect(out).toContain(REDACTED);
        expect(out.startsWith('rc-policy: unexpected error: request failed for [redacted] with -----BEGIN PRIVATE KEY----- [redacted] -----END PRIVATE KEY-----')).toBe(true);
      }
      expect(describeFailure(err, true)).toContain('caused by: Error: Key Vault said 401 to Authorization: Bearer [redacted]; retry with client_secret=[redacted]');
      expect(describeFailure(new InputError(`cannot read ${s.pfxPassword}.pem`), false)).toBe('rc-policy: cannot read [redacted].pem\n');
    } finally {
      for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
    }
  });

  it('treats secret-named variables as secrets, but not paths or short values', () => {
    expect(secretValues({ GITHUB_TOKEN: 'ghs_0123456789', AZURE_CLIENT_CERTIFICATE_PATH: '/etc/cert.pem', NPM_TOKEN: 'short', HOME: '/root/very/long/path' })).toEqual(['ghs_0123456789']);
    expect(redact('Authorization: Basic dXNlcjpwYXNzd29yZA== and sig=abc%2Bdef123', [])).toBe('Authorization: Basic [redacted] and sig=[redacted]');
  });
});
