// Small things a new user hit (issue 11), each tried as the user did: a clear one-line error or a
// finding, never silence and never a library's wording.
import { mkdtemp, mkdir, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';

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
