import { SCHEMAS, type SchemaName } from '../topology/schema.ts';
import { InputError } from '../errors.ts';
import { onePositional, parse } from './args.ts';

export async function runSchema(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { help: { type: 'boolean', short: 'h' } }, 'schema');
  if (values.help) {
    process.stdout.write('Usage: rc-policy schema [topology|policy|waivers]\n\nPrints a JSON Schema (2020-12) for editors: # yaml-language-server: $schema=<file>\n');
    return 0;
  }
  const name = onePositional(positionals, 'schema', 'schema name') ?? 'topology';
  if (!(name in SCHEMAS)) throw new InputError(`unknown schema '${name}' (topology, policy or waivers)`);
  process.stdout.write(`${JSON.stringify(SCHEMAS[name as SchemaName], null, 2)}\n`);
  return 0;
}
