#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

// V8 sizes the young generation only at startup, so two commands restart themselves once with a
// smaller one than V8's default (ADR 0116, ADR 0113):
// * `audit` churns through short-lived objects (TLS records, Key Vault answers): with the default its
//   peak memory grows faster than the estate.
// * `check` of a large estate (a topology file of 1 MiB or more: thousands of brokers) parses tens of
//   thousands of certificates: with the default, scavenges cost ~20% more main-thread time and
//   ~100 MB more peak memory. A small estate does not pay for the second process.
const YOUNG_GENERATION = '--max-semi-space-size=';
const LARGE_TOPOLOGY = 1024 * 1024;
const largeInput = (args) =>
  args.some((a) => {
    try {
      const st = statSync(a, { throwIfNoEntry: false });
      return st !== undefined && st.isFile() && st.size >= LARGE_TOPOLOGY;
    } catch {
      return false;
    }
  });
const command = process.argv[2];
const youngGeneration = command === 'audit' ? 8 : command === 'check' && largeInput(process.argv.slice(3)) ? 16 : undefined;
const restart =
  youngGeneration !== undefined &&
  !process.argv.includes('--help') &&
  !process.argv.includes('-h') &&
  !process.execArgv.some((a) => a.startsWith(YOUNG_GENERATION)) && process.env.RC_POLICY_AUDIT_CHILD !== '1';

if (restart) {
  const child = spawn(process.execPath, [...process.execArgv, `${YOUNG_GENERATION}${youngGeneration}`, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, RC_POLICY_AUDIT_CHILD: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    process.stderr.write(`rc-policy: cannot start the ${command}: ${err.message}\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 2 : 0)));
} else {
  // V8 keeps the compiled code of lib/ between runs (~0.1 s of every start), in the user's own cache
  // folder rather than the shared temp folder Node would pick (ADR 0131). NODE_DISABLE_COMPILE_CACHE=1
  // turns it off; a folder that cannot be written just means no cache.
  try {
    module.enableCompileCache?.(join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rc-policy', 'compile-cache'));
  } catch {
    // no cache
  }
  // A large check's worker thread (file reading, signatures) boots while the CLI loads (ADR 0131).
  if (command === 'check' && youngGeneration !== undefined) (await import('../lib/background.js')).warmBackground();
  const { main } = await import('../lib/cli.js');
  process.exitCode = await main(process.argv.slice(2));
  // The report is written and the exit code set. A live source may leave a handle behind that rc-policy
  // no longer waits for — an `az` child that never answered, a socket a server never closed — and it
  // must not keep the process alive: give stdout a moment to drain, then go (ADR 0070).
  setTimeout(() => process.exit(), 500).unref();
}
