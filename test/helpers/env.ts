// Shared test environment facts: where the datasets are, and whether this run may use root-only parts.
// A test that cannot run says why in its output; CI runs as root and must run them all.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { datasetsDir } from '../../harness/util/paths.js';

export const DATASETS = datasetsDir();
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
export const inCI = !!process.env.CI;

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Skips the current test (or suite, from a before hook) with a printed reason, unless in CI where it fails. */
export function requireOrSkip(ctx: Mocha.Context, ok: boolean, why: string): void {
  if (ok) return;
  if (inCI) throw new Error(`required in CI but unavailable: ${why}`);
  // eslint-disable-next-line no-console
  console.log(`      (skipped: ${why})`);
  ctx.skip();
}

export function datasetsPresent(): boolean {
  return existsSync(DATASETS);
}
