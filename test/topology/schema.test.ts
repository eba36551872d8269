// Schema violations read as sentences a person can act on, one per violation, at the right line.
import { describe, expect, it } from 'vitest';
import { parseSourceDocument } from '../../src/topology/document.ts';
import { validateDocument } from '../../src/topology/schema.ts';

const HEAD = 'apiVersion: rc-policy/v1\nkind: Topology\nmetadata: {name: t}\n';
const violations = (yaml: string) => validateDocument(parseSourceDocument(Buffer.from(HEAD + yaml), 't.yaml'), 'topology');

describe('topology schema messages', () => {
  it.each([
    ['a string port', 'regions:\n  - id: us\n    brokers:\n      - {id: b, fqdn: b.x.com, port: "443"}\n', 'regions[0].brokers[0].port must be an integer', 7],
    ['a typo in a property name', 'regions:\n  - id: us\n    brokers:\n      - id: b\n        fdqn: b.x.com\n', "regions[0].brokers[0] is missing the required property 'fqdn'", 7],
    ['an unknown listener protocol', 'globalLoadBalancers:\n  - id: g\n    listeners: [{port: 443, protocol: quic}]\n', 'globalLoadBalancers[0].listeners[0].protocol must be one of tcp, udp, tls, http, https', 6],
    ['a port out of range', 'globalLoadBalancers:\n  - id: g\n    listeners: [{port: 70000, protocol: tcp}]\n', 'globalLoadBalancers[0].listeners[0].port must be <= 65535', 6],
    ['an FQDN with a scheme', 'regions:\n  - id: us\n    brokers:\n      - {id: b, fqdn: "https://b.x.com"}\n', 'regions[0].brokers[0].fqdn must be a DNS name', 7],
    ['an empty cert source', 'cas:\n  - {id: r, cert: {}}\n', 'cas[0].cert must not be empty', 5],
    ['a bad rollover phase', 'cas: []\nrollover: {from: a, to: b, phase: swap}\n', 'rollover.phase must be one of trust-both, issue-new, retire-old', 5],
  ])('%s', (_, yaml, message, line) => {
    const v = violations(yaml);
    expect(v.map((x) => x.message).join('\n')).toContain(message);
    expect(v.find((x) => x.message.startsWith(message))!.location.line).toBe(line);
  });

  it('suggests the closest known property and points at the key', () => {
    const v = violations('regions:\n  - id: us\n    brokers:\n      - id: b\n        fqdn: b.x.com\n        adress: 10.0.0.1\n');
    expect(v).toEqual([expect.objectContaining({ message: "regions[0].brokers[0].adress is not a known property (did you mean 'address'?)", location: { file: 't.yaml', line: 9, column: 9 } })]);
  });

  it('reports one finding per violation, not ajv noise', () => {
    const v = violations('regions:\n  - id: us\n    brokers:\n      - {id: b1, fqdn: b1.x.com, port: x}\n      - {id: b2, fqdn: b2.x.com, port: y}\n');
    expect(v.map((x) => x.message)).toEqual(['regions[0].brokers[0].port must be an integer', 'regions[0].brokers[1].port must be an integer']);
  });

  it('needs apiVersion, kind and metadata.name', () => {
    const v = validateDocument(parseSourceDocument(Buffer.from('kind: Topology\n'), 't.yaml'), 'topology');
    expect(v.map((x) => x.message)).toEqual(["(document) is missing the required property 'apiVersion'", "(document) is missing the required property 'metadata'"]);
  });
});
