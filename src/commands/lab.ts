import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { onePositional, parse } from './args.ts';

const HELP = `Usage: rc-policy lab [dir] [--force]

Starts a small live estate on this machine so that you can try rc-policy audit without one:
a freshly generated PKI, four brokers on 127.0.0.1 (healthy, drifted, no client authentication,
dead) behind a layer-4 relay, and a topology for them in dir (default: rc-lab; public
certificates only). Prints the audit command to run in another terminal. The one private key
written (the probe's client key) lives in a private temporary folder, deleted when the lab
stops: press Ctrl-C.
`;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function runLab(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'lab');
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dir = path.resolve(onePositional(positionals, 'lab', 'folder') ?? 'rc-lab');
  const topology = path.join(dir, 'rc-topology.yaml');
  if (existsSync(topology) && !values.force) throw new InputError(`${topology} already exists (use --force to overwrite it with a new lab)`);
  const { startLab, labAuditCommand } = await import('../lab/lab.ts');
  const lab = await startLab(dir);
  const stopped = new Promise<string>((resolve) => {
    for (const s of SIGNALS) process.once(s, () => resolve(s));
  });
  process.stdout.write(`rc-policy lab: four brokers and a load balancer on 127.0.0.1, from a PKI generated just now.
  broker-healthy   serves the certificate the repo declares and requires a client certificate
  broker-drifted   serves a certificate other than the one the repo declares
  broker-no-mtls   never asks for a client certificate
  broker-dead      nothing listens: connections are refused
  slb-lab          a layer-4 relay to broker-healthy (TLS passes through)
Topology (public certificates only): ${path.relative(process.cwd(), topology) || topology}
The probe's client key: ${lab.keyDir} (deleted when the lab stops)

In another terminal, run:

${labAuditCommand(lab)}

It finds the drifted certificate, the broker without client authentication and the dead broker
(exit 2: part of the estate could not be read). Press Ctrl-C to stop the lab.
`);
  const signal = await stopped;
  await lab.stop();
  process.stderr.write(`rc-policy lab: stopped (${signal}); the client key folder is deleted\n`);
  return 0;
}
