import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { onePositional, parse } from './args.ts';

const HELP = `Usage: rc-policy init [dir] [--force]

Writes a working example (the RC system, docs/architectures/rc-system.md) into dir (default: .): rc-topology.yaml and a
throwaway dev PKI: public certificates only, private keys are generated in memory and discarded.
\`rc-policy check\` in that folder exits 0.
`;

export async function runInit(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'init');
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dir = path.resolve(onePositional(positionals, 'init', 'folder') ?? '.');
  if (existsSync(path.join(dir, 'rc-topology.yaml')) && !values.force) {
    throw new InputError(`${path.join(dir, 'rc-topology.yaml')} already exists (use --force to overwrite)`);
  }
  const { writeRcSystem } = await import('../init/rc-system.ts');
  const now = new Date();
  const files = await writeRcSystem(dir, {
    notBefore: new Date(now.getTime() - 86_400_000),
    leafDays: 90,
    caDays: 3 * 365,
    rootDays: 10 * 365,
    header: `# Written by rc-policy init on ${now.toISOString().slice(0, 10)}: a dev PKI, not for production.\n`,
  });
  process.stdout.write(`Wrote ${files.length} files to ${dir} (public certificates only; the keys were discarded).\nNext: cd ${path.relative(process.cwd(), dir) || '.'} && npx rc-policy check\n`);
  return 0;
}
