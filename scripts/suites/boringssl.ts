// BoringSSL's verify_certificate_chain_unittest cases (test/suites/boringssl-pki): the `.test` format
// as test_helpers.cc reads it, and the list of cases verify_certificate_chain_typed_unittest.h runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pemBlocks, type SuiteCase } from './case.ts';

export const BORINGSSL_DIR = path.resolve(import.meta.dirname, '../../test/suites/boringssl-pki');
const DATA = 'testdata/verify_certificate_chain_unittest';

/** The .test files BoringSSL runs: every RunTest("...") outside `#if 0` blocks, each once. */
export function listedTests(dir = BORINGSSL_DIR): string[] {
  let header = readFileSync(path.join(dir, 'verify_certificate_chain_typed_unittest.h'), 'utf8');
  header = header.replace(/#if 0[\s\S]*?#endif/g, '').replace(/"\s*\n\s*"/g, '');
  return [...new Set([...header.matchAll(/RunTest\(\s*"([^"]+)"/g)].map((m) => m[1]!))];
}

/** utc_time: YYMMDDhhmmssZ, DEFAULT = 211005120000Z (test_helpers.cc). */
function utcTime(v: string): Date {
  const s = v === 'DEFAULT' ? '211005120000Z' : v;
  const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
  if (!m) throw new Error(`bad utc_time ${v}`);
  const yy = Number(m[1]);
  return new Date(Date.UTC(yy < 50 ? 2000 + yy : 1900 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

const PURPOSES: Record<string, SuiteCase['purpose'] | null> = {
  ANY_EKU: undefined,
  SERVER_AUTH: 'serverAuth',
  SERVER_AUTH_STRICT: 'serverAuth',
  SERVER_AUTH_STRICT_LEAF: 'serverAuth',
  CLIENT_AUTH: 'clientAuth',
  CLIENT_AUTH_STRICT: 'clientAuth',
  CLIENT_AUTH_STRICT_LEAF: 'clientAuth',
  MLS_CLIENT_AUTH: null,
  C2PA_TIMESTAMPING: null,
  C2PA_MANIFEST: null,
};

/** Trust settings for the last certificate that have no rc-policy equivalent, with the reason. */
const UNMAPPED_TRUST: Record<string, string> = {
  TRUSTED_LEAF_REQUIRE_SELF_SIGNED: 'a trusted-leaf setting that also requires a self-signature; rc-policy has trust anchors only',
};

export function readTestFile(file: string, dir = BORINGSSL_DIR): SuiteCase {
  const full = path.join(dir, DATA, file);
  const text = readFileSync(full, 'utf8');
  const fields = new Map<string, string>();
  let expectedErrors = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line === 'expected_errors:') {
      expectedErrors = lines.slice(i + 1).join('\n');
      break;
    }
    const m = /^([a-z_]+): (.*)$/.exec(line);
    if (!m) throw new Error(`${file}: unknown line ${line}`);
    fields.set(m[1]!, m[2]!);
  }
  const chainFile = fields.get('chain');
  const trust = fields.get('last_cert_trust');
  const purposeName = fields.get('key_purpose') ?? 'ANY_EKU';
  if (!chainFile || !trust || !fields.has('utc_time')) throw new Error(`${file}: chain, last_cert_trust and utc_time are required`);
  const chain = pemBlocks(readFileSync(path.join(path.dirname(full), chainFile), 'utf8'));
  if (chain.length === 0) throw new Error(`${file}: ${chainFile} holds no certificate`);
  const purpose = PURPOSES[purposeName];
  if (purpose === null) {
    return base(file, chain, fields, expectedErrors, `key purpose ${purposeName} is not a TLS purpose (rc-policy validates for serverAuth or clientAuth)`);
  }
  if (!(purposeName in PURPOSES)) throw new Error(`${file}: unknown key_purpose ${purposeName}`);
  const skip = UNMAPPED_TRUST[trust];
  const last = chain[chain.length - 1]!;
  // The last certificate is the anchor under every TRUSTED_ANCHOR* setting. TRUSTED_LEAF trusts it
  // only as the target itself (a leaf that is an anchor, for rc-policy); DISTRUSTED and UNSPECIFIED
  // make it an untrusted certificate.
  const trusted = trust.startsWith('TRUSTED_ANCHOR') || (trust === 'TRUSTED_LEAF' && chain.length === 1);
  const [leaf, ...rest] = chain;
  const intermediates = trusted ? rest.slice(0, -1) : rest;
  const c = base(file, chain, fields, expectedErrors, skip);
  return { ...c, leaf: leaf!, intermediates, anchors: trusted ? [last] : [], ...(purpose && { purpose }) };
}

function base(file: string, chain: Uint8Array[], fields: Map<string, string>, expectedErrors: string, skip?: string): SuiteCase {
  return {
    suite: 'boringssl',
    id: file.replace(/\.test$/, ''),
    leaf: chain[0]!,
    intermediates: [],
    anchors: [],
    at: utcTime(fields.get('utc_time')!),
    // test_helpers.cc: the chain is expected to verify iff no ERROR line is expected.
    valid: !/^ERROR:/m.test(expectedErrors),
    ...(skip && { skip }),
  };
}

export function loadBoringSslCases(dir = BORINGSSL_DIR): SuiteCase[] {
  return listedTests(dir).map((f) => readTestFile(f, dir));
}
