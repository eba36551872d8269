// RFC 5280 6.1 certificate-policy processing, with the default inputs (initial-policy-set anyPolicy,
// no initial explicit-policy, mapping or anyPolicy inhibition: verifyChain takes no policy inputs).
// With those inputs only a policyConstraints requireExplicitPolicy on the path can make a path fail,
// so a path without one is decided at once; otherwise the valid_policy_tree is built in full.
// The trust anchor's own policy extensions, when it has any, are enforced like the rest of its
// constraints (RFC 5937 3: the anchor is processed as the first certificate of the path).
import type { Certificate } from './cert.ts';
import { DerError } from './der.ts';
import { OID } from './extensions.ts';
import { ANY_POLICY, decodeCertificatePolicies, decodeInhibitAnyPolicy, decodePolicyConstraints, decodePolicyMappings } from './extension-syntax.ts';

interface PolicyNode {
  readonly policy: string;
  expected: Set<string>;
  readonly parent?: PolicyNode;
  children: PolicyNode[];
}

interface Policies {
  readonly policies?: string[];
  readonly mappings?: [string, string][];
  readonly requireExplicitPolicy?: number;
  readonly inhibitPolicyMapping?: number;
  readonly inhibitAnyPolicy?: number;
}

const cache = new WeakMap<Certificate, Policies>();

/** The policy extensions of a certificate; a malformed one is reported by the profile checks, and reads as absent here. */
function policiesOf(cert: Certificate): Policies {
  let p = cache.get(cert);
  if (p) return p;
  const out: { -readonly [K in keyof Policies]: Policies[K] } = {};
  for (const e of cert.extensions) {
    try {
      if (e.oid === OID.certificatePolicies) out.policies = decodeCertificatePolicies(e.value);
      else if (e.oid === OID.policyMappings) out.mappings = decodePolicyMappings(e.value);
      else if (e.oid === OID.inhibitAnyPolicy) out.inhibitAnyPolicy = decodeInhibitAnyPolicy(e.value);
      else if (e.oid === OID.policyConstraints) {
        const c = decodePolicyConstraints(e.value);
        if (c.requireExplicitPolicy !== undefined) out.requireExplicitPolicy = c.requireExplicitPolicy;
        if (c.inhibitPolicyMapping !== undefined) out.inhibitPolicyMapping = c.inhibitPolicyMapping;
      }
    } catch (err) {
      if (!(err instanceof DerError)) throw err;
    }
  }
  p = out;
  cache.set(cert, p);
  return p;
}

/**
 * Why the path (leaf first, then `anchor`) fails policy processing, or undefined when
 * explicit_policy stays above zero or the valid_policy_tree is not empty.
 */
export function policyProblem(path: readonly Certificate[], anchor: Certificate): string | undefined {
  const all = [...path, anchor];
  if (!all.some((c) => c.extensions.some((e) => e.oid === OID.policyConstraints))) return undefined;
  const anchorPolicies = policiesOf(anchor);
  const constrains = anchorPolicies.policies || anchorPolicies.mappings || anchorPolicies.requireExplicitPolicy !== undefined || anchorPolicies.inhibitPolicyMapping !== undefined || anchorPolicies.inhibitAnyPolicy !== undefined;
  // certificate 1 (the anchor, when it constrains policies, else the certificate it issued) .. certificate n (the leaf)
  const certs = (constrains ? all : [...path]).reverse();
  const n = certs.length;
  let explicitPolicy = n + 1;
  let inhibitAny = n + 1;
  let policyMapping = n + 1;
  let tree: PolicyNode | undefined = { policy: ANY_POLICY, expected: new Set([ANY_POLICY]), children: [] };
  let level: PolicyNode[] = [tree];
  for (let i = 1; i <= n; i++) {
    const cert = certs[i - 1]!;
    const own = policiesOf(cert);
    // An anchor constrains with what it says: without certificatePolicies it restricts no policy.
    const p = constrains && i === 1 && !own.policies ? { ...own, policies: [ANY_POLICY] } : own;
    const selfIssued = cert.isSelfIssued;
    if (p.policies && tree) {
      const next: PolicyNode[] = [];
      const child = (parent: PolicyNode, policy: string) => {
        const node: PolicyNode = { policy, expected: new Set([policy]), parent, children: [] };
        parent.children.push(node);
        next.push(node);
      };
      for (const policy of p.policies) {
        if (policy === ANY_POLICY) continue;
        const matches = level.filter((node) => node.expected.has(policy));
        if (matches.length > 0) for (const node of matches) child(node, policy);
        else for (const node of level.filter((x) => x.policy === ANY_POLICY)) child(node, policy);
      }
      if (p.policies.includes(ANY_POLICY) && (inhibitAny > 0 || (i < n && selfIssued))) {
        for (const node of level) {
          const present = new Set(node.children.map((c) => c.policy));
          for (const policy of node.expected) if (!present.has(policy)) child(node, policy);
        }
      }
      tree = prune(tree, i);
      level = tree ? next.filter((node) => attached(node, tree!)) : [];
    } else {
      tree = undefined;
      level = [];
    }
    if (i === n) break;
    if (p.mappings && tree) {
      const byIssuer = new Map<string, Set<string>>();
      for (const [from, to] of p.mappings) byIssuer.set(from, (byIssuer.get(from) ?? new Set()).add(to));
      if (policyMapping > 0) {
        for (const [from, to] of byIssuer) {
          const nodes = level.filter((node) => node.policy === from);
          if (nodes.length > 0) for (const node of nodes) node.expected = new Set(to);
          else {
            const any = level.find((node) => node.policy === ANY_POLICY);
            if (any?.parent) {
              const node: PolicyNode = { policy: from, expected: new Set(to), parent: any.parent, children: [] };
              any.parent.children.push(node);
              level.push(node);
            }
          }
        }
      } else {
        for (const node of level.filter((x) => byIssuer.has(x.policy))) node.parent!.children = node.parent!.children.filter((c) => c !== node);
        level = level.filter((x) => !byIssuer.has(x.policy));
        tree = prune(tree, i);
        if (!tree) level = [];
      }
    }
    if (!selfIssued) {
      if (explicitPolicy > 0) explicitPolicy--;
      if (policyMapping > 0) policyMapping--;
      if (inhibitAny > 0) inhibitAny--;
    }
    if (p.requireExplicitPolicy !== undefined) explicitPolicy = Math.min(explicitPolicy, p.requireExplicitPolicy);
    if (p.inhibitPolicyMapping !== undefined) policyMapping = Math.min(policyMapping, p.inhibitPolicyMapping);
    if (p.inhibitAnyPolicy !== undefined) inhibitAny = Math.min(inhibitAny, p.inhibitAnyPolicy);
  }
  if (explicitPolicy > 0) explicitPolicy--;
  if (policiesOf(certs[n - 1]!).requireExplicitPolicy === 0) explicitPolicy = 0;
  if (explicitPolicy > 0 || tree) return undefined;
  return 'an explicit certificate policy is required (policyConstraints requireExplicitPolicy) but no policy is valid for the whole path (RFC 5280 6.1)';
}

/** Removes nodes above `depth` that have no children; returns the root, or undefined when it goes too. */
function prune(root: PolicyNode, depth: number): PolicyNode | undefined {
  const walk = (node: PolicyNode, d: number): boolean => {
    if (d === depth) return true;
    node.children = node.children.filter((c) => walk(c, d + 1));
    return node.children.length > 0;
  };
  return walk(root, 0) ? root : undefined;
}

function attached(node: PolicyNode, root: PolicyNode): boolean {
  let p: PolicyNode | undefined = node;
  while (p?.parent) {
    if (!p.parent.children.includes(p)) return false;
    p = p.parent;
  }
  return p === root;
}
