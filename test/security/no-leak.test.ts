// Secrets never leak: a private key, a PFX password and bearer tokens are planted everywhere they
// could reach rc-policy — certificate files in every form, a ConfigMap, the environment of a CI
// runner with an Azure login, Action inputs, the Azure login's own token (sent to Key Vault on
// every request), Key Vault errors, the client key of the audit's mTLS probe, the topology itself,
// files that fail to parse, errors with causes — and no output may contain any of them: stdout,
// stderr, every report format written to a file, the Action's outputs, job summary, SARIF and
// annotations, and --debug traces. Each run also asserts that it did its job, so a silent run
// cannot pass. A new way to run rc-policy is one more entry in RUNS.
import { createPrivateKey } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { check } from '../../src/check.ts';
import { describeFailure } from '../../src/commands/failure.ts';
import { InputError } from '../../src/errors.ts';
import { REDACTED, redact, secretValues } from '../../src/redact.ts';
import { FORMATS } from '../../src/report/formats.ts';
import { privateKeyPem } from '../../src/pki/generate.ts';
import { ROOT, runCliAsync } from '../helpers/cli.ts';
import { baseline, T0, type Estate } from '../helpers/estate.ts';
import { FakeKeyVault } from '../helpers/keyvault-server.ts';
import { makePkcs12 } from '../helpers/pkcs12.ts';
import { leaks, makeSecrets, secretEnv, type Secrets } from '../helpers/secrets.ts';
import { nodeTlsServer } from '../helpers/servers.ts';

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

/** Every file under `dir/sub`, by name. */
function filesIn(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (f.isFile()) out[path.relative(dir, path.join(f.parentPath, f.name))] = readFileSync(path.join(f.parentPath, f.name), 'utf8');
  }
  return out;
}

interface Outcome {
  readonly code: number;
  /** Every text the run produced, by where it went. */
  readonly outputs: Record<string, string>;
  /** Secrets this run planted beyond the shared ones. */
  readonly needles?: readonly string[];
}

interface Run {
  readonly name: string;
  execute(dir: string): Promise<Outcome>;
  readonly exit: number;
  /** Proof the run did its job (not a vacuous pass). */
  did(o: Outcome): void;
}

const formatsToFiles = (): string[] => Object.keys(FORMATS).flatMap((f) => ['--format', `${f}=out/report.${f}`]);

async function cli(dir: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  const r = await runCliAsync(args, { cwd: dir, env: { ...secretEnv(s), ...env } });
  let files: Record<string, string> = {};
  try {
    files = filesIn(path.join(dir, 'out'));
  } catch {
    // no report files in this run
  }
  return { code: r.code, outputs: { stdout: r.stdout, stderr: r.stderr, ...files } };
}

const findingsOf = (json: string | undefined): { rule: string; target: string }[] => (JSON.parse(json ?? '{"findings":[]}') as { findings: { rule: string; target: string }[] }).findings;

const RUNS: Run[] = [
  {
    name: 'check, every format to a file and text to stdout, --debug',
    execute(dir) {
      writeEstateTo(dir, e);
      return cli(dir, ['check', 'rc-topology.yaml', '--at', '2026-12-01', '--debug', '--format', 'text', ...formatsToFiles()]);
    },
    exit: 1,
    did({ outputs }) {
      const keyed = findingsOf(outputs['report.json']).filter((f) => f.rule === 'cert/private-key-material').map((f) => f.target);
      expect(keyed.sort()).toEqual(['broker-in-3', 'broker-us-1', 'broker-us-2', 'controller-us', 'rc-trust', 'target-in', 'target-us']);
    },
  },
  {
    name: 'check of a topology that quotes a token where the schema reports the value, --debug',
    execute(dir) {
      writeEstateTo(dir, { ...e, topology: { ...e.topology, apiVersion: s.bearer, kind: s.githubToken } });
      return cli(dir, ['check', 'rc-topology.yaml', '--debug', '--format', 'text', ...formatsToFiles()]);
    },
    exit: 1,
    did({ outputs }) {
      // The quoted value is cut at 100 characters; what is left of the token is still removed.
      expect(outputs.stdout).toContain(`apiVersion must be 'rc-policy/v1' (found '${REDACTED}`);
      expect(outputs.stdout).toContain(`kind must be 'Topology' (found '${REDACTED}')`);
    },
  },
  {
    name: 'check of a topology with a YAML syntax error on the line holding the token, --debug',
    execute(dir) {
      writeEstateTo(dir, e, stringify(e.topology).replace(/^metadata:\n/m, `metadata:\n  broken: [${s.bearer}, ${s.pfxPassword}\n`));
      return cli(dir, ['check', 'rc-topology.yaml', '--debug']);
    },
    exit: 2,
    did({ outputs }) {
      expect(outputs.stderr).toMatch(/^rc-policy: rc-topology\.yaml:\d+:\d+: YAML: /);
    },
  },
  {
    name: 'check with a policy pack that names itself with the token and breaks a rule, --debug',
    execute(dir) {
      writeEstateTo(dir, { ...e, topology: { ...e.topology, policy: { pack: 'pack.yaml' } } });
      writeFileSync(path.join(dir, 'pack.yaml'), stringify({ apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: s.githubToken }, rules: { [`x/${s.pfxPassword}`]: 'off' } }));
      return cli(dir, ['check', 'rc-topology.yaml', '--debug']);
    },
    exit: 2,
    did({ outputs }) {
      expect(outputs.stderr).toMatch(/^rc-policy: pack\.yaml:\d+:\d+: unknown rule 'x\/\[redacted\]'/);
    },
  },
  {
    name: 'the Action (dist/index.js), with the tokens in its inputs and the runner environment',
    async execute(dir) {
      const workspace = path.join(dir, 'repo');
      writeEstateTo(workspace, e);
      const runner = path.join(dir, 'runner');
      mkdirSync(runner);
      writeFileSync(path.join(runner, 'output.txt'), '');
      writeFileSync(path.join(runner, 'summary.md'), '');
      const { spawn } = await import('node:child_process');
      const env = {
        PATH: process.env.PATH ?? '',
        ...secretEnv(s),
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: workspace,
        GITHUB_OUTPUT: path.join(runner, 'output.txt'),
        GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
        RUNNER_TEMP: runner,
        INPUT_TOPOLOGY: 'rc-topology.yaml',
        INPUT_AT: '2026-12-01',
        'INPUT_SARIF-FILE': 'out/rc-policy.sarif',
        INPUT_TOKEN: s.githubToken,
      };
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(ROOT, 'dist/index.js')], { cwd: runner, env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
      return { code: r.code, outputs: { stdout: r.stdout, stderr: r.stderr, ...filesIn(runner), ...filesIn(path.join(workspace, 'out')) } };
    },
    exit: 1,
    did({ outputs }) {
      expect(outputs.stdout).toMatch(/^::error file=rc-topology\.yaml,line=\d+,col=\d+,title=cert\/private-key-material/m);
      expect(outputs['summary.md']).toContain('cert/private-key-material');
      expect(outputs['rc-policy.sarif']).toContain('cert/private-key-material');
      const report = Object.entries(outputs).find(([name]) => name.endsWith('report.json'))?.[1];
      expect(findingsOf(report).some((f) => f.rule === 'cert/private-key-material')).toBe(true);
    },
  },
  {
    name: 'audit against a live broker and a Key Vault, logged in with the token, probing with the key, --debug',
    async execute(dir) {
      const kv = await FakeKeyVault.start(['kv-us'], { token: s.bearer });
      const served = await e.pki.server('broker-us-1.company.com');
      const broker = await nodeTlsServer({ leaf: served, chain: [e.pki.serverCa], clientCa: [e.pki.root, e.pki.clientCa] });
      try {
        kv.put('kv-us', 'broker-us-1-cert', [{ der: served.cert.der, created: new Date(Date.now() - 86_400_000) }]);
        kv.fault('kv-us', 'broker-us-2-cert', { status: 403 });
        writeEstateTo(dir, e);
        writeFileSync(path.join(dir, 'kv-ca.pem'), kv.ca.pem);
        // The Azure CLI login as AzureCliCredential runs it, handing out the bearer token.
        const bin = path.join(dir, 'bin');
        mkdirSync(bin);
        writeFileSync(path.join(bin, 'az'), `#!/bin/sh\necho '{"accessToken":"${s.bearer}","expiresOn":"2099-01-01 00:00:00.000000","expires_on":${Math.floor(Date.now() / 1000) + 3600},"tokenType":"Bearer"}'\n`);
        chmodSync(path.join(bin, 'az'), 0o755);
        const client = await e.pki.client('controller-us');
        const clientKey = await privateKeyPem(client.keys);
        const args = [
          'audit', 'rc-topology.yaml', '--region', 'us', '--azure-credential', 'cli', '--timeout', '3000', '--debug',
          '--resolve', `broker-us-1.company.com:443:127.0.0.1:${broker.port}`,
          '--resolve', `broker-us-2.company.com:443:127.0.0.1:1`,
          '--resolve', `kv-us.vault.azure.net:443:127.0.0.1:${kv.port}`,
          '--format', 'text', ...formatsToFiles(),
        ];
        const outcome = await cli(dir, args, {
          PATH: `${bin}:${process.env.PATH}`,
          CI: undefined,
          GITHUB_ACTIONS: undefined,
          NODE_EXTRA_CA_CERTS: path.join(dir, 'kv-ca.pem'),
          RC_POLICY_CLIENT_CERT: client.pem + e.pki.clientCa.pem,
          RC_POLICY_CLIENT_KEY: clientKey,
        });
        // rc-policy asked Key Vault for certificates only: never a secret (the PFX) or a key.
        expect(kv.requests.some((r) => r.authorized)).toBe(true); // the token was sent, every time
        expect(kv.requests.filter((r) => /\/(secrets|keys)\//i.test(r.path))).toEqual([]);
        return { ...outcome, needles: clientKey.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----')) };
      } finally {
        await broker.stop();
        await kv.stop();
      }
    },
    exit: 2, // broker-us-2 and the crlb frontend could not be evaluated: an incomplete audit (ADR 0070)
    did({ outputs }) {
      const rules = findingsOf(outputs['report.json']).map((f) => `${f.rule} ${f.target}`);
      // The probe reached broker-us-1 (serving another leaf than the repo's) and not broker-us-2.
      expect(rules).toContain('live/certificate-drift broker-us-1');
      expect(rules).toContain('live/unreachable broker-us-2');
    },
  },
];

beforeAll(plant);

describe('secrets never leak', () => {
  it.each(RUNS.map((r) => [r.name, r] as const))('%s', async (_name, run) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rc-policy-leak-'));
    const o = await run.execute(dir);
    expect(o.code, o.outputs.stderr).toBe(run.exit);
    for (const [where, text] of Object.entries(o.outputs)) {
      expect(leaks(text, s), where).toEqual([]);
      for (const line of [...s.extra, ...(o.needles ?? [])]) expect(text.includes(line), `${where}: key material`).toBe(false);
    }
    run.did(o);
  }, 90_000);

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
    expect(secretValues({ GITHUB_TOKEN: 'ghs_0123456789', RC_POLICY_CLIENT_KEY: 'key material', AZURE_CLIENT_CERTIFICATE_PATH: '/etc/cert.pem', NPM_TOKEN: 'short', HOME: '/root/very/long/path' })).toEqual([
      'ghs_0123456789',
      'key material',
    ]);
    expect(redact('Authorization: Basic dXNlcjpwYXNzd29yZA== and sig=abc%2Bdef123', [])).toBe('Authorization: Basic [redacted] and sig=[redacted]');
  });
});
