// Small things a new user hit (issue 11), each tried as the user did: a clear one-line error or a
// finding, never silence and never a library's wording.
import { mkdtemp, mkdir, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';
import { issue } from '../../src/pki/generate.ts';

const EXAMPLE = path.join(ROOT, 'examples/rc-system');
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'rc-policy-papercuts-'));
});

/** A fresh copy of the example, to break. */
async function example(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await cp(EXAMPLE, dir, { recursive: true });
  return dir;
}

const oneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('audit --resolve', () => {
  it('an entry that names no endpoint of the topology is an error, with the nearest name, before anything is dialled', () => {
    const r = runCli(['audit', 'examples/rc-system/rc-topology.yaml', '--resolve', 'broker-us-l.company.com:443:127.0.0.1', '--timeout', '500']);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain("--resolve broker-us-l.company.com:443 (did you mean 'broker-us-1.company.com:443'?): names no endpoint of");
  });

  it('the right name on the wrong port is refused too', () => {
    const r = runCli(['audit', 'examples/rc-system/rc-topology.yaml', '--resolve', 'broker-us-1.company.com:8883:127.0.0.1', '--timeout', '500']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--resolve broker-us-1.company.com:8883 (did you mean 'broker-us-1.company.com:443'?)");
  });
});

describe('check: files and folders', () => {
  it('a folder holding rc-topology.yaml is checked as that topology', () => {
    const r = runCli(['check', 'examples/rc-system', '--at', '2026-12-01']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('examples/rc-system/rc-topology.yaml');
  });

  it('a folder without one says so, in one line', async () => {
    const dir = path.join(tmp, 'empty-folder');
    await mkdir(dir, { recursive: true });
    const r = runCli(['check', dir]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain('is a folder with no rc-topology.yaml in it: pass the topology file itself');
  });

  it('a report written onto a folder is a clear error that names a file to use instead', async () => {
    const dir = path.join(tmp, 'reports');
    await mkdir(dir, { recursive: true });
    const r = runCli(['check', 'examples/rc-system/rc-topology.yaml', '--at', '2026-12-01', '--format', `sarif=${dir}`]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain(`--format sarif=${dir}: ${dir} is a folder; name a file in it, e.g. --format sarif=${dir}/rc-policy.sarif`);
    expect(r.stderr).not.toContain('EISDIR');
  });
});

describe('syntax errors in the words of the file', () => {
  it('a JSON topology with a syntax error is labelled JSON, at the line JSON.parse names', async () => {
    const dir = await example('json-topology');
    await writeFile(path.join(dir, 'rc-topology.json'), '{\n  "apiVersion": "rc-policy/v1",\n  "kind": "Topology"\n  "metadata": { "name": "x" }\n}\n');
    const r = runCli(['check', path.join(dir, 'rc-topology.json')]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/rc-topology\.json:4:3: JSON: expected ',' or '}' after property value/);
    expect(r.stderr).not.toContain('YAML');
  });

  it("a missing space after a colon is named as such, on the line that lacks it — not 'Implicit keys need to be on a single line'", async () => {
    const dir = await example('no-space');
    const file = path.join(dir, 'rc-topology.yaml');
    const text = (await import('node:fs/promises')).readFile(file, 'utf8');
    const lines = (await text).split('\n');
    const at = lines.findIndex((l) => /^\s+name: /.test(l));
    lines[at] = lines[at]!.replace('name: ', 'name:');
    lines.splice(at + 1, 0, lines[at]!.replace(/name:.*/, 'owner: platform-team'));
    await writeFile(file, lines.join('\n'));
    const r = runCli(['check', file]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(new RegExp(`rc-topology\\.yaml:${at + 1}:\\d+: YAML: a colon needs a space after it: write 'name: …', not 'name:…'`));
    expect(r.stderr).not.toMatch(/Implicit keys/);
  });

  it("a key indented one space short inside a list says how far off it is — not 'Sequence item without - indicator'", async () => {
    const dir = await example('short-indent');
    const file = path.join(dir, 'rc-topology.yaml');
    const lines = (await (await import('node:fs/promises')).readFile(file, 'utf8')).split('\n');
    const at = lines.findIndex((l) => /^ {8}port: /.test(l));
    lines[at] = lines[at]!.slice(1);
    await writeFile(file, lines.join('\n'));
    const r = runCli(['check', file]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(new RegExp(`rc-topology\\.yaml:${at + 1}:\\d+: YAML: this line is indented by 7 spaces, the keys above it by 8: indent it like them`));
    expect(r.stderr).not.toMatch(/Sequence item/);
  });
});

describe('waivers', () => {
  const waiversFile = async (name: string, entries: string): Promise<string> => {
    const file = path.join(tmp, `${name}.waivers.yaml`);
    await writeFile(file, `apiVersion: rc-policy/v1\nkind: Waivers\nwaivers:\n${entries}`);
    return file;
  };
  const entry = (rule: string, target: string, expires = '2099-01-31') => `  - rule: ${rule}\n    target: "${target}"\n    reason: test (CHG-1)\n    expires: ${expires}\n`;

  it("a target such as '*->broker-us-1' can match nothing: an error saying how targets are written", async () => {
    const file = await waiversFile('glob-pair', entry('trust/untrusted-client', '*->broker-us-1'));
    const r = runCli(['check', 'examples/rc-system/rc-topology.yaml', '--waivers', file]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/glob-pair\.waivers\.yaml:5:\d+: waivers\[0\]\.target: '\*->broker-us-1' matches no finding: '\*' stands alone/);
  });

  it('a target with a typo names the id it was probably meant to be', async () => {
    const file = await waiversFile('typo', entry('broker/wildcard', 'broker-us-l'));
    const r = runCli(['check', 'examples/rc-system/rc-topology.yaml', '--waivers', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("waivers[0].target: 'broker-us-l' matches no finding: 'broker-us-l' is no id of the topology (did you mean 'broker-us-1'?)");
  });

  it('a waiver of topology/schema is refused, not ignored', async () => {
    const file = await waiversFile('schema', entry('topology/schema', '*'));
    const r = runCli(['check', 'examples/rc-system/rc-topology.yaml', '--waivers', file]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain('waivers[0].rule: topology/schema cannot be waived: a topology that violates the schema is not evaluated at all; fix the file instead');
  });

  it('every problem of the file in one run, one line each, each with its location', async () => {
    const file = await waiversFile('many', entry('broker/wildcrd', 'broker-us-1') + entry('broker/wildcard', 'nobody') + entry('broker/wildcard', 'broker-us-1', '2026-02-30'));
    const r = runCli(['check', 'examples/rc-system/rc-topology.yaml', '--waivers', file]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^rc-policy: 3 problems in the waivers file .*many\.waivers\.yaml:$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/many\.waivers\.yaml:4:\d+: waivers\[0\]\.rule: unknown rule 'broker\/wildcrd' \(did you mean 'broker\/wildcard'\?\)$/),
      expect.stringMatching(/many\.waivers\.yaml:9:\d+: waivers\[1\]\.target: 'nobody' matches no finding/),
      expect.stringMatching(/many\.waivers\.yaml:15:\d+: waivers\[2\]\.expires: '2026-02-30' is not a calendar date/),
    ]);
  });
});

describe('did you mean', () => {
  it.each([
    [['check', '--fail-onn', 'error'], "unknown option '--fail-onn' (did you mean '--fail-on'?)"],
    [['check', '--formt', 'json'], "unknown option '--formt' (did you mean '--format'?)"],
    [['audit', '--resolv', 'x:443:127.0.0.1'], "unknown option '--resolv' (did you mean '--resolve'?)"],
    [['check', '--no-colour'], "unknown option '--no-colour' (did you mean '--no-color'?)"],
  ])('%j names the option that was meant', (args, said) => {
    const r = runCli(args);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain(said);
  });

  it('an option nothing resembles gets no guess', () => {
    const r = runCli(['check', '--frobnicate-everything']);
    expect(r.stderr).toBe("rc-policy: unknown option '--frobnicate-everything' (see rc-policy check --help)\n");
  });

  it('an unknown param, in the topology or in a pack, names the param that was meant', async () => {
    const dir = await example('param-typo');
    const file = path.join(dir, 'rc-topology.yaml');
    const text = await (await import('node:fs/promises')).readFile(file, 'utf8');
    await writeFile(file, text.replace(/^ {2}params:\n/m, '  params:\n    renewBeforeDay: 10\n'));
    const r = runCli(['check', file]);
    expect(r.stdout).toContain("policy.params.renewBeforeDay is not a known property (did you mean 'renewBeforeDays'?)");
    const pack = path.join(dir, 'pack.yaml');
    await writeFile(pack, 'apiVersion: rc-policy/v1\nkind: PolicyPack\nmetadata: {name: strict}\nextends: rc-default\nparams: {minRSABits: 3072}\n');
    const p = runCli(['check', path.join(EXAMPLE, 'rc-topology.yaml'), '--policy', pack]);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain("params.minRSABits is not a known property (did you mean 'minRsaBits'?)");
  });
});

describe('verify --trusted <folder>', () => {
  it('takes a folder of CAs as openssl -CApath does (hash-named links and .pem files), and ignores other files', async () => {
    const nb = new Date('2026-01-01T00:00:00Z');
    const na = new Date('2030-01-01T00:00:00Z');
    const otherRoot = await issue({ subject: 'CN=Other Root', ca: true, notBefore: nb, notAfter: na });
    const root = await issue({ subject: 'CN=Folder Root', ca: true, notBefore: nb, notAfter: na });
    const ica = await issue({ subject: 'CN=Folder Issuing', issuer: root, ca: { pathLen: 0 }, notBefore: nb, notAfter: na });
    const leaf = await issue({ subject: 'CN=broker.example.test', issuer: ica, dns: ['broker.example.test'], eku: ['serverAuth'], notBefore: nb, notAfter: na });
    const cas = path.join(tmp, 'capath');
    await mkdir(cas, { recursive: true });
    await writeFile(path.join(cas, 'other.pem'), otherRoot.pem);
    await writeFile(path.join(cas, '5d30f3c5.0'), root.pem);
    await writeFile(path.join(cas, 'README.txt'), 'not a certificate\n');
    const leafFile = path.join(tmp, 'folder-leaf.pem');
    await writeFile(leafFile, leaf.pem + ica.pem);
    const r = runCli(['verify', '--trusted', cas, '--host', 'broker.example.test', '--at', '2027-01-01', leafFile]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CN=Folder Root');

    const empty = path.join(tmp, 'capath-empty');
    await mkdir(empty, { recursive: true });
    const e = runCli(['verify', '--trusted', empty, leafFile]);
    expect(e.code).toBe(2);
    oneLine(e.stderr);
    expect(e.stderr).toContain('a folder with no certificate file');
  });
});
