// What an editor or another tool gets from `rc-policy schema <kind>` (and from the schema/ files the
// package ships): a schema that compiles in a fresh Ajv with no other schema loaded, and validates a
// real document of its kind. No $ref leaves the file; the $id is where the file is published.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli } from '../helpers/cli.ts';

const yaml = (file: string): unknown => parse(readFileSync(path.join(ROOT, file), 'utf8'));
const SAMPLES = {
  topology: { good: yaml('examples/rc-system/rc-topology.yaml'), bad: { apiVersion: 'rc-policy/v1', kind: 'Topology', metadata: { name: 'x' }, regions: [{ id: 'us', brokers: [{ id: 'b', fqdn: 'b.example.com', port: 'https' }] }] } },
  policy: { good: yaml('policies/lb-tls-offload.yaml'), bad: { apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: 'p' }, params: { minRsaBits: 'lots' } } },
  waivers: {
    good: { apiVersion: 'rc-policy/v1', kind: 'Waivers', waivers: [{ rule: 'broker/wildcard', target: 'broker-eu-1', reason: 'legacy wildcard until the 2027 rotation (CHG-1234)', expires: '2027-01-31' }] },
    bad: { apiVersion: 'rc-policy/v1', kind: 'Waivers', waivers: [{ rule: 'broker/wildcard', target: 'broker-eu-1' }] },
  },
} as const;

const refsOf = (node: unknown): string[] =>
  Array.isArray(node) ? node.flatMap(refsOf) : node && typeof node === 'object' ? Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsOf(v))) : [];

describe.each(Object.keys(SAMPLES) as (keyof typeof SAMPLES)[])('rc-policy schema %s', (kind) => {
  const printed = runCli(['schema', kind]);
  const schema = JSON.parse(printed.stdout) as Record<string, unknown>;

  it('validates a sample document with a fresh Ajv and this schema alone, and rejects a broken one', () => {
    expect(printed.code).toBe(0);
    // x-hint is rc-policy's own annotation (the message for a violation); everything else is strict JSON Schema 2020-12.
    const validate = new Ajv2020({ allErrors: true, strict: true, keywords: ['x-hint'] }).compile(schema);
    expect(validate(SAMPLES[kind].good), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(SAMPLES[kind].bad)).toBe(false);
  });

  it('is the file the package ships, with only local $refs and a published $id', () => {
    expect(schema).toEqual(JSON.parse(readFileSync(path.join(ROOT, `schema/${kind}.schema.json`), 'utf8')));
    expect(refsOf(schema).filter((r) => !r.startsWith('#'))).toEqual([]);
    expect(schema.$id).toBe(`https://raw.githubusercontent.com/rc-policy/rc-policy/v1/schema/${kind}.schema.json`);
  });
});

it('the topology embeds the policy params schema unchanged (policy.params in a topology = params in a pack)', () => {
  const defs = (kind: string) => (JSON.parse(readFileSync(path.join(ROOT, `schema/${kind}.schema.json`), 'utf8')) as { $defs: Record<string, unknown> }).$defs;
  expect(defs('topology').params).toEqual(defs('policy').params);
});
