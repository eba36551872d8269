// The public API (SPEC §6). The CLI and the GitHub Action are thin shells over these.
export { check, type CheckOptions } from './check.ts';
export { audit, type AuditOptions } from './audit.ts';
export type { Report, Finding, Summary, Waiver } from './report/types.ts';
export type { RuleRun, WaiverOutcome, BaselineSummary, Estate, EstateNode, EstateEdge, EstateCertificate, MatrixPair, MatrixSummary, MatrixListing, NotEvaluated } from './report/types.ts';
export type { Severity } from './rules/rule.ts';
export { verifyChain, type VerifyChainOptions, type VerifyChainResult, type CertificateInput } from './verify.ts';
