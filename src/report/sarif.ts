// SARIF 2.1.0 for GitHub code scanning (docs/decisions/0030). Every rule is described once in
// tool.driver.rules; each finding is a result at the topology line of its object, with a
// fingerprint of rule + target so an alert follows the object across commits, not the line.
import { createHash } from 'node:crypto';
import { ALL_RULES } from '../rules/index.ts';
import { REPOSITORY_URL, ruleHelpUri } from '../package.ts';
import type { RuleDescriptor } from '../domain/rule.ts';
import type { Severity } from '../domain/finding.ts';
import type { RenderContext } from './formats.ts';
import type { Finding } from '../domain/finding.ts';
import type { Report } from '../domain/report.ts';
import { describeGap, openGaps } from './incomplete.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The partialFingerprints key; bump the version if the identity of a finding ever changes. */
export const FINGERPRINT_KEY = 'rcPolicyFinding/v1';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** GitHub ranks alerts by this (0-10): >= 7 high, >= 4 medium, else low. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '2.0' };

/** PascalCase of the id, which SARIF viewers show as the rule's name: broker/name-mismatch -> BrokerNameMismatch. */
const ruleName = (id: string): string =>
  id
    .split(/[/-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

function describeRule(m: RuleDescriptor) {
  const helpUri = m.helpUri ?? ruleHelpUri(m.id);
  const help = `${m.rationale}\n\nRemedy: ${m.remedy}\n\nSource: ${m.source}`;
  return {
    id: m.id,
    name: ruleName(m.id),
    shortDescription: { text: m.title },
    fullDescription: { text: m.rationale },
    help: {
      text: help,
      markdown: `**Why.** ${m.rationale}\n\n**Remedy.** ${m.remedy}\n\n**Source.** ${m.source}\n\n[Documentation](${helpUri})`,
    },
    helpUri,
    defaultConfiguration: { level: LEVEL[m.severity] },
    properties: {
      tags: ['security', 'mtls', m.id.split('/')[0]!],
      precision: 'very-high',
      'problem.severity': m.severity === 'info' ? 'recommendation' : m.severity,
      'security-severity': SECURITY_SEVERITY[m.severity],
    },
  };
}

/** A report path as a SARIF URI: relative paths stay relative (to the repository root in CI). */
export function artifactUri(file: string): string {
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  if (file.startsWith('/')) return `file://${encode(file)}`;
  return encode(file);
}

export const fingerprint = (f: Pick<Finding, 'rule' | 'target'>, occurrence = 0): string =>
  createHash('sha256')
    .update(`${f.rule}\0${f.target}${occurrence ? `\0${occurrence}` : ''}`)
    .digest('hex')
    .slice(0, 32);

function suppression(f: Finding) {
  const w = f.waiver;
  if (!f.waived || !w) return undefined;
  const who = [w.owner && `owner ${w.owner}`, w.ticket && `ticket ${w.ticket}`].filter(Boolean).join(', ');
  return [{ kind: 'external', status: 'accepted', justification: `${w.reason} (waived until ${w.expires}${who ? `; ${who}` : ''})` }];
}

/**
 * An audit that could not evaluate everything did not execute successfully (SARIF §3.20.14): each
 * gap is a tool execution notification at the object's line, an error unless a waiver accepts it.
 */
function invocation(report: Report) {
  const gaps = report.incomplete ?? [];
  if (gaps.length === 0) return { executionSuccessful: true };
  return {
    executionSuccessful: openGaps(report).length === 0,
    toolExecutionNotifications: gaps.map((g) => ({
      level: g.waived ? 'note' : 'error',
      message: { text: `could not evaluate ${describeGap(g)}${g.waived ? ' (waived)' : ''}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(g.location.file) },
            region: { startLine: Math.max(1, g.location.line), startColumn: Math.max(1, g.location.column) },
          },
          logicalLocations: [{ name: g.target, kind: 'resource' }],
        },
      ],
      associatedRule: { id: 'live/unreachable' },
    })),
  };
}

export function renderSarif(report: Report, _ctx?: RenderContext): string {
  // The run's rule set (custom rules included) travels in the report; older callers get the built-ins.
  const rules = report.descriptors ?? ALL_RULES.map((r) => r.meta);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  // Two findings with the same rule and target (rare: one rule, two problems on one object) get
  // distinct fingerprints by order of occurrence, which the sorted findings keep stable.
  const seen = new Map<string, number>();
  const results = report.findings.map((f) => {
    const key = `${f.rule}\0${f.target}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const suppressions = suppression(f);
    return {
      ruleId: f.rule,
      ...(index.has(f.rule) && { ruleIndex: index.get(f.rule) }),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(f.location.file) },
            region: { startLine: Math.max(1, f.location.line), startColumn: Math.max(1, f.location.column) },
          },
          logicalLocations: [{ name: f.target, kind: 'resource' }],
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f, n) },
      ...(report.baseline && { baselineState: f.baseline ? 'unchanged' : 'new' }),
      ...(suppressions && { suppressions }),
      properties: { target: f.target, severity: f.severity, ...(f.baseline && { baseline: true }) },
    };
  });
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rc-policy',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: REPOSITORY_URL,
            rules: rules.map(describeRule),
          },
        },
        // The category GitHub keeps alerts under: one per mode and topology file, so several
        // topologies in one repository do not close each other's alerts.
        automationDetails: { id: `rc-policy/${report.mode}/${report.topology}/` },
        invocations: [invocation(report)],
        results,
        properties: { topology: report.topology, policy: report.policy.pack, evaluatedAt: report.evaluatedAt },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
