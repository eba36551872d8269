// NIST PKITS 1.0.1 as BoringSSL runs it (test/suites/boringssl-pki): the cases of
// testdata/nist-pkits/pkits_testcases-inl.h (certificates from trust anchor to target, PKITS's own
// expected result), at the time nist_pkits_unittest.h sets, for any purpose.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BORINGSSL_DIR } from './boringssl.ts';
import type { SuiteCase } from './case.ts';

/** nist_pkits_unittest.h: "the time when PKITS was published". */
const PKITS_TIME = new Date(Date.UTC(2011, 3, 15));

/** Sections rc-policy leaves out, with the reason (counted apart in docs/suites.md). */
const OUT_OF_SCOPE: [RegExp, string][] = [
  [/^4\.4\./, 'revocation (CRLs): rc-policy checks no revocation'],
  [/^4\.1[45]\./, 'revocation (distribution points, delta CRLs): rc-policy checks no revocation'],
  [/^4\.(8|9|10|11|12)\./, 'certificate policies (4.8-4.12): rc-policy takes no policy inputs and does not build the valid policy tree'],
];
/** Cases in the sections run whose expected failure rests on a CRL alone (PKITS 1.0.1 descriptions). */
const REVOKED: Record<string, string> = {
  '4.5.2': 'fails in PKITS only because the end entity is revoked (CRL): rc-policy checks no revocation',
  '4.5.5': 'fails in PKITS only because the end entity is revoked (CRL): rc-policy checks no revocation',
  '4.5.7': 'fails in PKITS only because the end entity is revoked (CRL): rc-policy checks no revocation',
  '4.7.4': 'fails in PKITS only because the CRL issuer lacks cRLSign (revocation undetermined): rc-policy checks no revocation',
  '4.7.5': 'fails in PKITS only because the CRL issuer lacks cRLSign (revocation undetermined): rc-policy checks no revocation',
};

/**
 * nist_pkits_unittest.h changes two expectations for BoringSSL's profile, which rc-policy shares:
 * DSA is not accepted (CA/B BR 6.1.5 allows RSA and ECDSA keys only). Its other change (4.13.34 and
 * 4.13.36 fail because BoringSSL lacks URI name constraints) is a missing feature, not a profile, and
 * is not taken over: rc-policy evaluates URI constraints, so PKITS's own expectation stands.
 */
const PROFILE_EXPECTATIONS: Record<string, boolean> = { '4.1.4': false, '4.1.5': false };

export function loadPkitsCases(dir = BORINGSSL_DIR): SuiteCase[] {
  const source = readFileSync(path.join(dir, 'testdata/nist-pkits/pkits_testcases-inl.h'), 'utf8');
  const out: SuiteCase[] = [];
  for (const m of source.matchAll(/WRAPPED_TYPED_TEST_P\([^)]*\)\s*\{([\s\S]*?)\n\}/g)) {
    const body = m[1]!;
    const certs = /certs\[\] = \{([\s\S]*?)\};/.exec(body)?.[1];
    const number = /info\.test_number = "([^"]+)"/.exec(body)?.[1];
    const valid = /info\.should_validate = (true|false)/.exec(body)?.[1];
    if (!certs || !number || !valid) throw new Error(`pkits: cannot read a case: ${body.slice(0, 120)}`);
    const names = [...certs.matchAll(/"([^"]+)"/g)].map((n) => n[1]!);
    const der = names.map((n) => new Uint8Array(readFileSync(path.join(dir, 'testdata/nist-pkits/certs', `${n}.crt`))));
    // Policy settings other than the defaults make a case depend on inputs rc-policy does not take.
    const policyInputs = /info\.SetInitial/.test(body);
    const skip = REVOKED[number] ?? OUT_OF_SCOPE.find(([re]) => re.test(number))?.[1] ?? (policyInputs ? 'initial policy settings: rc-policy takes no policy inputs' : undefined);
    out.push({
      suite: 'pkits',
      id: number,
      leaf: der[der.length - 1]!,
      intermediates: der.slice(1, -1).reverse(),
      anchors: [der[0]!],
      at: PKITS_TIME,
      valid: PROFILE_EXPECTATIONS[number] ?? valid === 'true',
      ...(skip && { skip }),
    });
  }
  return out;
}
