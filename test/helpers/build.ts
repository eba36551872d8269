// Tests that run the real binary need lib/ current: build it once before the run (esbuild, ~0.2 s).
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
