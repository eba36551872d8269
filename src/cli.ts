// The command-line shell: argv -> library -> stdout/stderr and an exit code. No logic of its own.
import { InputError } from './errors.ts';
import { VERSION } from './package.ts';
import { didYouMean } from './suggest.ts';
import { describeFailure } from './commands/failure.ts';

const HELP = `Usage: rc-policy <command> [options]

Commands:
  check  [topology]     offline: schema, certificate files and policy rules
  audit  [topology]     live: check plus TLS probes and Key Vault (drift, pass-through, mTLS)
  verify --trusted <roots.pem> <leaf.pem>
                        validate one certificate chain (like openssl verify)
  merge  <report.json>...
                        combine shard reports (--region runs) into one report
  rules                 list every rule with its default severity
  explain <rule-id>     why a rule exists and how to fix its findings
  schema [name]         print the JSON Schema of topology, policy or waivers files
  init   [dir]          write a working example topology with a throwaway dev PKI
  lab    [dir]          start a live estate on 127.0.0.1 to try audit on (Ctrl-C stops it)

Run rc-policy <command> --help for its options.
Exit codes: 0 pass, 1 findings at or above --fail-on, 2 could not evaluate.
`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./commands/check.ts')).runCheck,
  audit: async () => (await import('./commands/audit.ts')).runAudit,
  verify: async () => (await import('./commands/verify.ts')).runVerify,
  merge: async () => (await import('./commands/merge.ts')).runMerge,
  rules: async () => (await import('./commands/rules.ts')).runRules,
  explain: async () => (await import('./commands/rules.ts')).runExplain,
  schema: async () => (await import('./commands/schema.ts')).runSchema,
  init: async () => (await import('./commands/init.ts')).runInit,
  lab: async () => (await import('./commands/lab.ts')).runLab,
};

/**
 * A reader that stops early (`rc-policy check | head`) closes the pipe: stop writing and keep the
 * exit code, instead of dying on an unhandled EPIPE with a stack trace.
 */
function guardStdout(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`rc-policy: cannot write to stdout: ${err.code ?? err.message}\n`);
    process.exit(2);
  });
}

export async function main(argv: string[]): Promise<number> {
  guardStdout();
  const [command, ...rest] = argv;
  const debug = argv.includes('--debug');
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-V') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const load = COMMANDS[command];
    if (!load) throw new InputError(`unknown command '${command}'${didYouMean(command, Object.keys(COMMANDS))} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return await (await load())(rest);
  } catch (err) {
    process.stderr.write(describeFailure(err, debug));
    return 2;
  }
}
