#!/usr/bin/env node
import { spawn } from 'node:child_process';

// An audit of a large estate churns through short-lived objects (TLS records, Key Vault answers):
// with V8's default young generation its peak memory grows faster than the estate. V8 sizes the
// young generation only at startup, so `audit` restarts itself once with a smaller one (ADR 0116).
const YOUNG_GENERATION = '--max-semi-space-size=';
const restartForAudit =
  process.argv[2] === 'audit' &&
  !process.argv.includes('--help') &&
  !process.argv.includes('-h') &&
  !process.execArgv.some((a) => a.startsWith(YOUNG_GENERATION)) && process.env.RC_POLICY_AUDIT_CHILD !== '1';

if (restartForAudit) {
  const child = spawn(process.execPath, [...process.execArgv, `${YOUNG_GENERATION}8`, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, RC_POLICY_AUDIT_CHILD: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    process.stderr.write(`rc-policy: cannot start the audit: ${err.message}\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 2 : 0)));
} else {
  const { main } = await import('../lib/cli.js');
  process.exitCode = await main(process.argv.slice(2));
  // The report is written and the exit code set. A live source may leave a handle behind that rc-policy
  // no longer waits for — an `az` child that never answered, a socket a server never closed — and it
  // must not keep the process alive: give stdout a moment to drain, then go (ADR 0070).
  setTimeout(() => process.exit(), 500).unref();
}
