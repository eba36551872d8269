#!/usr/bin/env node
import { main } from '../lib/cli.js';

process.exitCode = await main(process.argv.slice(2));
// The report is written and the exit code set. A live source may leave a handle behind that rc-policy
// no longer waits for — an `az` child that never answered, a socket a server never closed — and it
// must not keep the process alive: give stdout a moment to drain, then go (ADR 0070).
setTimeout(() => process.exit(), 500).unref();
