// Moved to the shell library (src/shell/outputs.ts, ADR 0081); kept for old imports.
export * from '../shell/outputs.ts';
