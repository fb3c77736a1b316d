// What every command shares: the exit-code contract (0 success, 1 findings or failures, 2 usage or
// configuration error) and the rule that an error is printed as a located message with its fix, never a stack.
import { isHarnessError } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** Wraps a command body: its return value is the exit code; a HarnessError prints `where: what [CODE]\n  fix: how`. */
export function action<A extends unknown[]>(body: (...args: A) => Promise<number | void> | number | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    let code: number;
    try {
      code = (await body(...args)) ?? EXIT_OK;
    } catch (e) {
      code = reportError(e);
    }
    process.exitCode = code;
  };
}

export function reportError(e: unknown): number {
  if (isHarnessError(e)) {
    process.stderr.write(`harness: ${e.format()}\n`);
    return EXIT_USAGE;
  }
  const err = e as Error;
  process.stderr.write(`harness: internal error: ${err?.message ?? String(e)}\n  this is a bug in atomic-harness; rerun with HARNESS_DEBUG=1 for the stack and report it\n`);
  if (process.env.HARNESS_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
  return EXIT_USAGE;
}

/** Writes JSON to stdout (stable key order as given, 2-space indent unless compact). */
export function printJson(value: unknown, compact = false): void {
  process.stdout.write(JSON.stringify(value, null, compact ? 0 : 2) + '\n');
}
