// The last line of defence against leaking a secret: everything rc-policy writes (reports, errors,
// --debug stack traces) passes through `redact` on its way out. rc-policy never reads keys or
// secrets on purpose (docs/security.md), but an error from a library can quote a request header,
// and a file can hold more than it should. Redaction removes:
// - the values of environment variables whose names say they are secret (tokens, passwords,
//   client secrets: what CI runners and Azure logins put in the environment);
// - PEM private-key blocks, bearer tokens, JWTs, GitHub tokens and `password=`-style pairs.

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|SAS|CONNECTION_?STRING|AUTH|(^|_)KEY$/i;
// Names that match but hold a location, not a secret.
const NOT_SECRET = /_(PATH|FILE|DIR|SOCK|URL|URI|ENDPOINT|HOST)$/i;
const MIN_SECRET_LENGTH = 8;

export const REDACTED = '[redacted]';

/** Values of secret-looking environment variables, longest first (so a secret containing another is removed whole). */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_SECRET_LENGTH && SECRET_NAME.test(name) && !NOT_SECRET.test(name)) out.add(value);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

// Between PEM lines: whitespace, or a line break already escaped: by printable() (\x0a), by JSON
// (\n), or by both (\\x0a in a JSON report).
const SEP = String.raw`(?:\s|\\{1,2}x0[ad]|\\[nr])+`;

const PATTERNS: readonly [RegExp, string][] = [
  // The block's header lines (Proc-Type, DEK-Info) and base64 lines, with or without its END line
  // (a message may quote only the start of a file).
  [
    new RegExp(String.raw`-----BEGIN ([A-Z0-9 ]*PRIVATE KEY[A-Z0-9 ]*)-----(?:${SEP}(?:[A-Za-z-]+: [^\n\\]*|[A-Za-z0-9+/=]+))*(?:${SEP}-----END \1-----)?`, 'g'),
    `-----BEGIN $1----- ${REDACTED} -----END $1-----`,
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // A JWT, or the start of one ('eyJ' is base64 for '{"'), even cut short by a message.
  [/\beyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}/g, REDACTED],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED],
  [/\b(password|passwd|pwd|secret|client_secret|token|access_token|sig|AccountKey|SharedAccessKey)=([^;&\s'"]+)/gi, `$1=${REDACTED}`],
];

/** `text` with every secret it may hold replaced by [redacted]. */
export function redact(text: string, secrets: readonly string[] = secretValues()): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** How much text `redactLines` scans at a time, at least. */
const BATCH_CHARS = 64 * 1024;

/**
 * `redact` over text given in lines (as `jsonLines` writes it), a batch at a time, with exactly
 * `redact(lines.join(''))`'s result (docs/decisions/0118). A batch ends only after a '\n' and
 * before a line whose first non-blank character is one of `"{}[]`: a match that crossed there would
 * hold that '\n', which only `\s` in the patterns can match, and every `\s` run in them is followed
 * by letters, digits or `+/=.~_-`, never by a blank or `"{}[]`. A secret value with a line break
 * could cross, so then the text is scanned whole. A new pattern must keep this true
 * (test/security/redact-lines.test.ts).
 */
export function* redactLines(lines: Iterable<string>, secrets: readonly string[] = secretValues(), batchChars = BATCH_CHARS): Generator<string> {
  const whole = secrets.some((s) => s.includes('\n'));
  let batch: string[] = [];
  let size = 0;
  let last = '';
  for (const line of lines) {
    if (!whole && size >= batchChars && last.endsWith('\n') && SAFE_START.test(line)) {
      yield redact(batch.join(''), secrets);
      batch = [];
      size = 0;
    }
    batch.push(line);
    size += line.length;
    last = line;
  }
  if (batch.length > 0) yield redact(batch.join(''), secrets);
}

const SAFE_START = /^ *["{}[\]]/;
