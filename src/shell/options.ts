// What the CLI's flags and the Action's inputs mean, decided once for both shells (ADR 0081). Values
// arrive as text (argv or `with:`); `name` says how a shell calls an option in its errors
// (`--fail-on` or `input 'fail-on'`).
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import type { CheckOptions } from '../check.ts';
import type { AuditOptions } from '../audit.ts';
import { CREDENTIAL_KINDS, type CredentialKind } from '../sources/azure-credential.ts';
import type { ClientCertificate } from '../sources/tls-probe.ts';
import type { FailOn } from '../report/summary.ts';
import type { MatrixListing } from '../domain/report.ts';

export const MATRIX_LISTINGS: readonly MatrixListing[] = ['auto', 'full', 'problems'];

export type OptionName = (key: string) => string;
export const cliName: OptionName = (key) => `--${key}`;
export const actionInputName: OptionName = (key) => `input '${key}'`;

const RELATIVE = /^([+-])(\d+)([dhwm]?)$/;
const UNIT_MS: Record<string, number> = { '': 86_400_000, d: 86_400_000, h: 3_600_000, w: 7 * 86_400_000, m: 30 * 86_400_000 };

// Certificates can only say 1950-9999 (UTCTime/GeneralizedTime); outside that, date arithmetic
// in the rules would leave JavaScript's date range (+99999999999d crashed them).
const EARLIEST_AT = Date.UTC(1950, 0, 1);
const LATEST_AT = Date.UTC(9999, 11, 31, 23, 59, 59);

/** --at: an ISO date or date-time, or an offset from now such as +30d, -12h, +2w. */
export function parseAt(value: string | undefined, now = new Date()): Date {
  if (value === undefined) return now;
  const rel = RELATIVE.exec(value);
  let d: Date | undefined;
  if (rel) d = new Date(now.getTime() + (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * UNIT_MS[rel[3]!]!);
  else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  }
  const t = d?.getTime() ?? Number.NaN;
  if (t >= EARLIEST_AT && t <= LATEST_AT) return d!;
  if (rel || !Number.isNaN(t)) throw new InputError(`--at must fall between 1950 and 9999, the years a certificate can state (got '${value}')`);
  throw new InputError(`--at must be an ISO date (2026-12-01, 2026-12-01T12:00:00Z) or an offset such as +30d (got '${value}')`);
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${name} must be one of ${allowed.join(', ')} (got '${value}')`);
}

export const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

/** What check and audit share: the options a shell was given, by their CLI/Action names. */
export interface RunValues {
  readonly policy?: string;
  readonly waivers?: string;
  readonly baseline?: string;
  readonly at?: string;
  readonly 'fail-on'?: string;
  readonly 'allow-outside-repo'?: boolean;
  readonly 'follow-symlinks'?: boolean;
  readonly matrix?: string;
}

export const failOnOf = (values: RunValues, name: OptionName = cliName): FailOn => oneOf<FailOn>(name('fail-on'), values['fail-on'], FAIL_ON, 'error');

/** The library options of `check` (and the common part of `audit`). */
export function checkOptionsOf(values: RunValues, name: OptionName = cliName) {
  return {
    matrix: oneOf<MatrixListing>(name('matrix'), values.matrix, MATRIX_LISTINGS, 'auto'),
    at: parseAt(values.at),
    ...(values.policy !== undefined && { policy: values.policy }),
    ...(values.waivers !== undefined && { waivers: values.waivers }),
    ...(values.baseline !== undefined && { baseline: values.baseline }),
    allowOutsideRepo: values['allow-outside-repo'] ?? false,
    followSymlinks: values['follow-symlinks'] ?? false,
  } satisfies CheckOptions;
}

/** The live options of `audit`, as text. */
export interface AuditValues {
  readonly resolve?: readonly string[];
  readonly region?: readonly string[];
  readonly concurrency?: string;
  readonly timeout?: string;
  readonly 'azure-credential'?: string;
}

const wholeNumber = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new InputError(`${name} must be a whole number (got '${value}')`);
  return Number(value);
};

/** The live options of `audit` beyond check's (the probe's client certificate comes from clientCertificateOf). */
export function auditOptionsOf(values: AuditValues, name: OptionName = cliName) {
  const azureCredential = oneOf<CredentialKind>(name('azure-credential'), values['azure-credential'], CREDENTIAL_KINDS, 'auto');
  const concurrency = wholeNumber(name('concurrency'), values.concurrency);
  const timeoutMs = wholeNumber(name('timeout'), values.timeout);
  return {
    azureCredential,
    ...(values.resolve && { resolve: values.resolve }),
    ...(values.region && { regions: values.region }),
    ...(concurrency !== undefined && { concurrency }),
    ...(timeoutMs !== undefined && { timeoutMs }),
  } satisfies AuditOptions;
}

/**
 * The probe's client certificate: files (the CLI's --client-cert/--client-key), else PEM text (the
 * environment's RC_POLICY_CLIENT_CERT/RC_POLICY_CLIENT_KEY, or the Action's inputs from secrets).
 * Both or neither; the key is never printed (errors name the option, not the value).
 */
export async function clientCertificateOf(
  files: { readonly cert?: string; readonly key?: string },
  pem: { readonly cert?: string; readonly key?: string },
  how = '--client-cert and --client-key, or RC_POLICY_CLIENT_CERT and RC_POLICY_CLIENT_KEY',
): Promise<ClientCertificate | undefined> {
  const read = async (file: string, what: string) => {
    try {
      return await readFile(file);
    } catch (err) {
      throw new InputError(`cannot read the probe's client ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  };
  const cert = files.cert !== undefined ? await read(files.cert, 'certificate') : pem.cert || undefined;
  const key = files.key !== undefined ? await read(files.key, 'key') : pem.key || undefined;
  if (!cert && !key) return undefined;
  if (!cert || !key) throw new InputError(`the probe needs both a client certificate and its key (${how})`);
  return { cert, key };
}
