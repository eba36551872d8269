import { audit, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from '../audit.ts';
import { DEFAULT_TOPOLOGY } from '../check.ts';
import { CHECK_OPTIONS, commonOptions, emitReport } from './check.ts';
import { onePositional, parse } from './args.ts';
import { auditOptionsOf, clientCertificateOf } from '../shell/options.ts';
import { verdictOf } from '../shell/verdict.ts';

const AUDIT_OPTIONS = {
  ...CHECK_OPTIONS,
  resolve: { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  'client-cert': { type: 'string' },
  'client-key': { type: 'string' },
  'azure-credential': { type: 'string' },
} as const;

const AUDIT_HELP = `Usage: rc-policy audit [topology] [options]

Everything check does, plus the live estate: a TLS handshake with every broker and through every
load balancer frontend, and the Key Vault certificates the topology references (read-only: the
public certificate, its versions and attributes; never a secret or a key).
The topology defaults to ./${DEFAULT_TOPOLOGY}.

Live options:
  --resolve <host:port:address>  dial address for host:port, as curl (repeatable); the address may
                                 carry its own port: broker-us-1.company.com:443:127.0.0.1:8443
  --concurrency <n>              TLS connections in flight (default: ${DEFAULT_CONCURRENCY})
  --timeout <ms>                 bound on each connect, handshake and wait (default: ${DEFAULT_TIMEOUT_MS})
  --region <id>                  audit only this region's live endpoints, and report only its objects
                                 and those outside every region (repeatable): one shard, for rc-policy merge
  --client-cert <file>           PEM client certificate (and chain) for an mTLS handshake with each broker
  --client-key <file>            its PEM private key (or RC_POLICY_CLIENT_CERT / RC_POLICY_CLIENT_KEY
                                 holding the PEM text, e.g. from CI secrets); never printed
  --azure-credential <kind>      auto | cli | github-oidc | default (default: auto: GitHub OIDC in a
                                 GitHub Actions job with id-token: write, DefaultAzureCredential on
                                 other CI, the Azure CLI login elsewhere)

Report options (as for check):
  --policy <pack>        built-in pack name or pack file (replaces policy.pack)
  --waivers <file>       waivers file (replaces policy.waivers)
  --baseline <report>    a previous JSON report: its findings are shown as existing, not failing
  --at <time>            evaluate as of an ISO date/time or an offset (+30d, -12h, +2w)
  --fail-on <level>      error | warning | info | never (default: error)
  -f, --format <fmt>     text | json | sarif | junit | markdown | github, optionally =<file>;
                         repeat for several outputs
  --no-color             no ANSI colours (NO_COLOR is honoured too)
  -q, --quiet            show only the findings that fail the run
  --allow-outside-repo   read files the topology references outside its repository
  --follow-symlinks      read files the topology references through symlinks
  --matrix <listing>     the handshake pairs the report lists: auto (default: every
                         pair up to 1000 pairs, else only those not ok), full, problems
  --debug                print stack traces for unexpected errors

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 could not evaluate: bad
input, or part of the estate could not be read (an endpoint that does not answer, a Key Vault read
that fails) — the report still shows every finding, and --fail-on never does not change it.
`;

/** A terminal is redrawn at most this often: 10,000 endpoints are not 10,000 writes. */
const PROGRESS_INTERVAL_MS = 100;

/** "probed 12/40 endpoints" on an interactive terminal only: CI logs get nothing extra. */
export function progressLine(
  stream: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr,
  env = process.env,
  now: () => number = Date.now,
): ((probed: number, total: number) => void) | undefined {
  if (!stream.isTTY || env.CI) return undefined;
  let last = Number.NEGATIVE_INFINITY;
  return (probed, total) => {
    if (probed >= total) return void stream.write('\r\x1b[2K');
    if (now() - last < PROGRESS_INTERVAL_MS) return;
    last = now();
    stream.write(`\rprobed ${probed}/${total} endpoints`);
  };
}

export async function runAudit(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, AUDIT_OPTIONS, 'audit');
  if (values.help) {
    process.stdout.write(AUDIT_HELP);
    return 0;
  }
  const { failOn, targets, options } = commonOptions(values);
  const live = auditOptionsOf(values);
  const probeCert = await clientCertificateOf({ cert: values['client-cert'], key: values['client-key'] }, { cert: process.env.RC_POLICY_CLIENT_CERT, key: process.env.RC_POLICY_CLIENT_KEY });
  const onProgress = values.quiet ? undefined : progressLine();
  const report = await audit({
    topology: onePositional(positionals, 'audit', 'topology file') ?? DEFAULT_TOPOLOGY,
    ...options,
    ...live,
    ...(probeCert && { clientCertificate: probeCert }),
    ...(onProgress && { onProgress }),
  });
  const code = await emitReport(report, values, failOn, targets);
  // Could not evaluate part of the estate: exit 2 whatever --fail-on says; the report above still
  // holds everything the audit did see (ADR 0070).
  const verdict = verdictOf(report, failOn);
  if (!verdict.incomplete) return code;
  process.stderr.write(`rc-policy: ${verdict.incomplete}; see "Not evaluated" in the report\n`);
  return verdict.exitCode;
}
