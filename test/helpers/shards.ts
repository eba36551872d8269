// What `rc-policy merge` must give back: the sections of one run's JSON report that the merged
// shards of that run reproduce exactly (ADR 0115, 0123).
export const MERGED_SECTIONS = ['summary', 'findings', 'notEvaluated', 'matrix', 'matrixSummary', 'observations', 'incomplete', 'rules', 'waivers', 'baseline', 'estate'] as const;
