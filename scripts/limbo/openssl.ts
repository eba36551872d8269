// Measures `openssl verify` on the same x509-limbo cases, for comparison (docs/limbo.md).
// node scripts/limbo/openssl.ts [--scope core] [--strict]   (needs the openssl 3 CLI on PATH)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCases, loadScopes } from './harness.ts';

const { values } = parseArgs({ options: { scope: { type: 'string', default: 'core' }, strict: { type: 'boolean' } } });
const scopes = loadScopes();
const dir = mkdtempSync(path.join(tmpdir(), 'limbo-openssl-'));
let n = 0;
let agree = 0;
let falseAccepts = 0;
let falseRejects = 0;
try {
  for (const c of loadCases()) {
    if (!scopes.get(c.id)?.startsWith(values.scope!)) continue;
    const f = (name: string, pems: string[]) => {
      const p = path.join(dir, name);
      writeFileSync(p, pems.join('\n'));
      return p;
    };
    const at = c.validation_time ? new Date(c.validation_time) : new Date();
    const args = ['verify', '-CAfile', f('ca.pem', c.trusted_certs), '-untrusted', f('inter.pem', c.untrusted_intermediates.length ? c.untrusted_intermediates : c.trusted_certs)];
    args.push('-purpose', c.validation_kind === 'CLIENT' ? 'sslclient' : 'sslserver', '-attime', String(Math.floor(at.getTime() / 1000)));
    if (c.expected_peer_name?.kind === 'DNS') args.push('-verify_hostname', c.expected_peer_name.value);
    if (c.expected_peer_name?.kind === 'IP') args.push('-verify_ip', c.expected_peer_name.value);
    if (c.max_chain_depth !== null) args.push('-verify_depth', String(c.max_chain_depth + 1));
    if (values.strict) args.push('-x509_strict');
    args.push(f('leaf.pem', [c.peer_certificate]));
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    const accepted = r.status === 0;
    n++;
    if (accepted && c.expected_result === 'FAILURE') falseAccepts++;
    else if (!accepted && c.expected_result === 'SUCCESS') falseRejects++;
    else agree++;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`openssl verify${values.strict ? ' -x509_strict' : ''} on ${values.scope}: ${n} cases, agreement ${((100 * agree) / n).toFixed(2)}%, false accepts ${falseAccepts}, false rejects ${falseRejects}`);
