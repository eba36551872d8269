// Types for the generated standalone validators (scripts/gen-validators.ts).
import type { ValidateFunction } from 'ajv';

export declare const topology: ValidateFunction;
export declare const policy: ValidateFunction;
export declare const waivers: ValidateFunction;
