// Files a topology references must stay inside its repository and must not go through symlinks
// (docs/decisions/0050): otherwise a pull request could make rc-policy open the runner's files.
// Refused certificate files are cert/unreadable findings; a refused pack is exit 2.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { check } from '../../src/check.ts';
import { repositoryRoot } from '../../src/sources/containment.ts';
import { runCli } from '../helpers/cli.ts';
import { baseline, broker, findings, T0, type Estate } from '../helpers/estate.ts';

/** Writes the estate into <tmp>/repo/<sub>, with a .git folder at <tmp>/repo when `git` is set. */
function place(e: Pick<Estate, 'topology' | 'files'>, o: { git?: boolean; sub?: string } = {}) {
  const top = mkdtempSync(path.join(tmpdir(), 'rc-policy-contain-'));
  const repo = path.join(top, 'repo');
  const dir = path.join(repo, o.sub ?? '');
  mkdirSync(dir, { recursive: true });
  if (o.git) mkdirSync(path.join(repo, '.git'));
  for (const [rel, content] of Object.entries(e.files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  const topology = path.join(dir, 'rc-topology.yaml');
  writeFileSync(topology, stringify(e.topology));
  return { top, repo, dir, topology };
}

const unreadable = async (topology: string, o: { allowOutsideRepo?: boolean; followSymlinks?: boolean } = {}) =>
  findings(await check({ topology, cwd: path.dirname(topology), at: T0, ...o }), 'cert/unreadable').map((f) => `${f.target}: ${f.message}`);

describe('the repository of a topology', () => {
  it('is the nearest folder with .git (a folder, or a file in worktrees), else the topology folder', async () => {
    const e = await baseline();
    const inGit = place(e, { git: true, sub: 'estates/prod' });
    expect(await repositoryRoot(inGit.dir)).toBe(inGit.repo);
    const worktree = place(e, { sub: 'a' });
    writeFileSync(path.join(worktree.repo, '.git'), 'gitdir: /elsewhere/.git/worktrees/x\n');
    expect(await repositoryRoot(worktree.dir)).toBe(worktree.repo);
    const plain = place(e, { sub: 'estates/prod' });
    expect(await repositoryRoot(plain.dir)).toBe(plain.dir);
  });
});

describe('references outside the repository', () => {
  it('refuses ../ and absolute paths as cert/unreadable, without reading them', async () => {
    const e = await baseline();
    broker(e, 'broker-us-1').cert.file = '../outside.pem';
    broker(e, 'broker-us-2').cert.file = '/etc/hostname';
    const p = place(e);
    writeFileSync(path.join(p.top, 'outside.pem'), e.files['certs/broker-us-1.pem']!);
    const msgs = await unreadable(p.topology);
    expect(msgs).toEqual([
      `broker-us-1: ${path.join(p.top, 'outside.pem')} cannot be read: refused: outside the repository (${p.repo}); run with --allow-outside-repo to read it`,
      `broker-us-2: /etc/hostname cannot be read: refused: outside the repository (${p.repo}); run with --allow-outside-repo to read it`,
    ]);
  });

  it('reads the same file with allowOutsideRepo, and reads ../ inside a git repository', async () => {
    const e = await baseline();
    broker(e, 'broker-us-1').cert.file = '../outside.pem';
    const p = place(e);
    writeFileSync(path.join(p.top, 'outside.pem'), e.files['certs/broker-us-1.pem']!);
    expect(await unreadable(p.topology, { allowOutsideRepo: true })).toEqual([]);

    const g = place(e, { git: true, sub: 'estates/prod' });
    writeFileSync(path.join(g.dir, '..', 'outside.pem'), e.files['certs/broker-us-1.pem']!);
    expect(await unreadable(g.topology)).toEqual([]);
  });

  it('never reveals whether a refused file exists', async () => {
    const e = await baseline();
    broker(e, 'broker-us-1').cert.file = '/no/such/file.pem';
    broker(e, 'broker-us-2').cert.file = '/etc/hostname';
    const p = place(e);
    const msgs = await unreadable(p.topology);
    expect(msgs.map((m) => m.replace(/^.*cannot be read: /, ''))).toEqual([
      `refused: outside the repository (${p.repo}); run with --allow-outside-repo to read it`,
      `refused: outside the repository (${p.repo}); run with --allow-outside-repo to read it`,
    ]);
  });
});

describe('odd file names', () => {
  it('reports a NUL in a file name and an over-long name as unreadable, with a reason', async () => {
    const e = await baseline();
    broker(e, 'broker-us-1').cert.file = 'certs/\u0000broker-us-1.pem';
    broker(e, 'broker-us-2').cert.file = `certs/${'x'.repeat(300)}.pem`;
    const msgs = await unreadable(place(e).topology);
    expect(msgs).toEqual([
      'broker-us-1: certs/\\x00broker-us-1.pem cannot be read: not a valid file name',
      `broker-us-2: certs/${'x'.repeat(300)}.pem cannot be read: file name too long`,
    ]);
  });
});

describe('symlinks', () => {
  it('refuses a symlinked file and a file under a symlinked folder, naming the link', async () => {
    const e = await baseline();
    const p = place(e);
    symlinkSync('/etc/hostname', path.join(p.dir, 'certs', 'evil.pem'));
    symlinkSync(path.join(p.dir, 'certs'), path.join(p.dir, 'linked'));
    broker(e, 'broker-us-1').cert.file = 'certs/evil.pem';
    broker(e, 'broker-us-2').cert.file = 'linked/broker-us-2.pem';
    writeFileSync(p.topology, stringify(e.topology));
    expect(await unreadable(p.topology)).toEqual([
      'broker-us-1: certs/evil.pem cannot be read: refused: certs/evil.pem is a symlink; run with --follow-symlinks to read it',
      'broker-us-2: linked/broker-us-2.pem cannot be read: refused: linked is a symlink; run with --follow-symlinks to read it',
    ]);
  });

  it('follows a symlink inside the repository with followSymlinks, but not one that leads out', async () => {
    const e = await baseline();
    const p = place(e);
    symlinkSync(path.join(p.dir, 'certs'), path.join(p.dir, 'linked'));
    symlinkSync('/etc/hostname', path.join(p.dir, 'certs', 'evil.pem'));
    broker(e, 'broker-us-1').cert.file = 'certs/evil.pem';
    broker(e, 'broker-us-2').cert.file = 'linked/broker-us-2.pem';
    writeFileSync(p.topology, stringify(e.topology));
    expect(await unreadable(p.topology, { followSymlinks: true })).toEqual([
      'broker-us-1: certs/evil.pem cannot be read: refused: a symlink leads outside the repository; run with --allow-outside-repo to read it',
    ]);
  });

  it('refuses devices and FIFOs even when every restriction is lifted, without blocking', async () => {
    const e = await baseline();
    const p = place(e);
    symlinkSync('/dev/zero', path.join(p.dir, 'certs', 'zero.pem'));
    execFileSync('mkfifo', [path.join(p.dir, 'certs', 'fifo.pem')]);
    broker(e, 'broker-us-1').cert.file = 'certs/zero.pem';
    broker(e, 'broker-us-2').cert.file = 'certs/fifo.pem';
    writeFileSync(p.topology, stringify(e.topology));
    expect(await unreadable(p.topology, { followSymlinks: true, allowOutsideRepo: true })).toEqual([
      'broker-us-1: certs/zero.pem cannot be read: refused: not a regular file',
      'broker-us-2: certs/fifo.pem cannot be read: refused: not a regular file',
    ]);
  });
});

describe('policy packs named by the topology', () => {
  it('refuses a pack outside the repository with exit 2 at the policy.pack line; --allow-outside-repo reads it', async () => {
    const e = await baseline();
    e.topology.policy = { pack: '../pack.yaml' };
    const p = place(e);
    writeFileSync(path.join(p.top, 'pack.yaml'), stringify({ apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: 'outside' }, extends: 'rc-default' }));
    const r = runCli(['check', 'rc-topology.yaml'], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr.replace(/:\d+:\d+:/, ':L:C:')).toBe(`rc-policy: rc-topology.yaml:L:C: policy pack ${path.join(p.top, 'pack.yaml')}: refused: outside the repository (${p.repo}); run with --allow-outside-repo to read it\n`);
    const ok = runCli(['check', 'rc-topology.yaml', '--allow-outside-repo', '--at', '2026-12-01', '--format', 'json'], { cwd: p.dir });
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout).policy.pack).toBe('outside');
  });

  it('refuses a symlinked pack, and a pack that extends one outside the repository', async () => {
    const e = await baseline();
    e.topology.policy = { pack: 'policy/pack.yaml' };
    const p = place(e);
    mkdirSync(path.join(p.dir, 'policy'));
    writeFileSync(path.join(p.top, 'base.yaml'), stringify({ apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: 'base' } }));
    writeFileSync(path.join(p.dir, 'policy', 'pack.yaml'), stringify({ apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: 'p' }, extends: '../../base.yaml' }));
    const r = runCli(['check', 'rc-topology.yaml'], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rc-policy: policy/pack.yaml:5:10: policy pack ${path.join(p.top, 'base.yaml')}: refused: outside the repository (${p.repo}); run with --allow-outside-repo to read it\n`);

    writeFileSync(path.join(p.dir, 'base.yaml'), stringify({ apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: 'base' } }));
    symlinkSync(path.join(p.dir, 'base.yaml'), path.join(p.dir, 'policy', 'link.yaml'));
    e.topology.policy = { pack: 'policy/link.yaml' };
    writeFileSync(p.topology, stringify(e.topology));
    const link = runCli(['check', 'rc-topology.yaml'], { cwd: p.dir });
    expect(link.code).toBe(2);
    expect(link.stderr).toMatch(/policy pack policy\/link\.yaml: refused: policy\/link\.yaml is a symlink; run with --follow-symlinks to read it\n$/);
  });

  it('lets --policy name any pack file: the person running rc-policy chose it', async () => {
    const e = await baseline();
    const p = place(e);
    writeFileSync(path.join(p.top, 'mine.yaml'), stringify({ apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: 'mine' }, extends: 'rc-default' }));
    const r = runCli(['check', 'rc-topology.yaml', '--policy', '../mine.yaml', '--at', '2026-12-01', '--format', 'json'], { cwd: p.dir });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).policy.pack).toBe('mine');
  });
});

describe('waivers named by the topology', () => {
  it('refuses a waivers file outside the repository with exit 2 at the policy.waivers line; --waivers may name any file', async () => {
    const e = await baseline();
    e.topology.policy = { waivers: '../waivers.yaml' };
    const p = place(e);
    const waivers = stringify({ apiVersion: 'rc-policy/v1', kind: 'Waivers', waivers: [{ rule: 'broker/wildcard', target: 'broker-us-1', reason: 'legacy until the rotation', expires: '2027-01-31' }] });
    writeFileSync(path.join(p.top, 'waivers.yaml'), waivers);
    const r = runCli(['check', 'rc-topology.yaml', '--at', '2026-12-01'], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr.replace(/:\d+:\d+:/, ':L:C:')).toBe(
      `rc-policy: rc-topology.yaml:L:C: waivers file ${path.join(p.top, 'waivers.yaml')}: refused: outside the repository (${p.repo}); run with --allow-outside-repo to read it\n`,
    );
    expect(runCli(['check', 'rc-topology.yaml', '--at', '2026-12-01', '--allow-outside-repo'], { cwd: p.dir }).code).toBe(0);
    expect(runCli(['check', 'rc-topology.yaml', '--at', '2026-12-01', '--waivers', '../waivers.yaml'], { cwd: p.dir }).code).toBe(0);
  });
});

describe('the CLI flags', () => {
  it('--allow-outside-repo and --follow-symlinks reach check, and --help documents them', async () => {
    const e = await baseline();
    const p = place(e);
    writeFileSync(path.join(p.top, 'outside.pem'), e.files['certs/broker-us-1.pem']!);
    symlinkSync(path.join(p.top, 'outside.pem'), path.join(p.dir, 'certs', 'link.pem'));
    broker(e, 'broker-us-1').cert.file = 'certs/link.pem';
    writeFileSync(p.topology, stringify(e.topology));
    const refused = runCli(['check', 'rc-topology.yaml', '--at', '2026-12-01', '--format', 'json'], { cwd: p.dir });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('cert/unreadable');
    const both = runCli(['check', 'rc-topology.yaml', '--at', '2026-12-01', '--follow-symlinks', '--allow-outside-repo'], { cwd: p.dir });
    expect(both.code).toBe(0);
    const help = runCli(['check', '--help']).stdout;
    expect(help).toMatch(/--allow-outside-repo/);
    expect(help).toMatch(/--follow-symlinks/);
  });
});
