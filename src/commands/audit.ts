import { readFile } from 'node:fs/promises';
import { audit, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from '../audit.ts';
import { DEFAULT_TOPOLOGY } from '../check.ts';
import { InputError } from '../errors.ts';
import { CREDENTIAL_KINDS, type CredentialKind } from '../sources/azure-credential.ts';
import type { ClientCertificate } from '../sources/tls-probe.ts';
import { CHECK_OPTIONS, commonOptions, emitReport } from './check.ts';
import { oneOf, onePositional, parse } from './args.ts';
import { incompleteVerdict, openGaps } from '../report/incomplete.ts';

const AUDIT_OPTIONS = {
  ...CHECK_OPTIONS,
  resolve: { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  region: { type: 'string', multiple: true },
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
  --region <id>                  audit only this region's live endpoints (repeatable; shards a large estate)
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

const wholeNumber = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new InputError(`${name} must be a whole number (got '${value}')`);
  return Number(value);
};

/** The probe's client certificate: files given on the command line, else PEM text from the environment. */
async function clientCertificate(certFile: string | undefined, keyFile: string | undefined, env = process.env): Promise<ClientCertificate | undefined> {
  const read = async (file: string, what: string) => {
    try {
      return await readFile(file);
    } catch (err) {
      throw new InputError(`cannot read the probe's client ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  };
  const cert = certFile !== undefined ? await read(certFile, 'certificate') : env.RC_POLICY_CLIENT_CERT || undefined;
  const key = keyFile !== undefined ? await read(keyFile, 'key') : env.RC_POLICY_CLIENT_KEY || undefined;
  if (!cert && !key) return undefined;
  if (!cert || !key) throw new InputError('the probe needs both a client certificate and its key (--client-cert and --client-key, or RC_POLICY_CLIENT_CERT and RC_POLICY_CLIENT_KEY)');
  return { cert, key };
}

/** "probed 12/40 endpoints" on an interactive terminal only: CI logs get nothing extra. */
export function progressLine(stream: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr, env = process.env): ((probed: number, total: number) => void) | undefined {
  if (!stream.isTTY || env.CI) return undefined;
  return (probed, total) => {
    stream.write(probed < total ? `\rprobed ${probed}/${total} endpoints` : '\r\x1b[2K');
  };
}

export async function runAudit(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, AUDIT_OPTIONS, 'audit');
  if (values.help) {
    process.stdout.write(AUDIT_HELP);
    return 0;
  }
  const { failOn, targets, options } = commonOptions(values);
  const azureCredential = oneOf<CredentialKind>('--azure-credential', values['azure-credential'], CREDENTIAL_KINDS, 'auto');
  const concurrency = wholeNumber('--concurrency', values.concurrency);
  const timeoutMs = wholeNumber('--timeout', values.timeout);
  const probeCert = await clientCertificate(values['client-cert'], values['client-key']);
  const onProgress = values.quiet ? undefined : progressLine();
  const report = await audit({
    topology: onePositional(positionals, 'audit', 'topology file') ?? DEFAULT_TOPOLOGY,
    ...options,
    azureCredential,
    ...(values.resolve && { resolve: values.resolve }),
    ...(values.region && { regions: values.region }),
    ...(concurrency !== undefined && { concurrency }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(probeCert && { clientCertificate: probeCert }),
    ...(onProgress && { onProgress }),
  });
  const code = await emitReport(report, values, failOn, targets);
  // Could not evaluate part of the estate: exit 2 whatever --fail-on says; the report above still
  // holds everything the audit did see (ADR 0070).
  const gaps = openGaps(report);
  if (gaps.length === 0) return code;
  process.stderr.write(`rc-policy: ${incompleteVerdict(gaps)}; see "Not evaluated" in the report\n`);
  return 2;
}
