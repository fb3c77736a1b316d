// The plan: every atomic test x every target, each with a sequence number (its marker) and, when it will
// not run, the reason (platform mismatch, manual executor, filtered by --only).
import type { AtomicFile, AtomicTest } from '../model/catalog.js';
import type { Target } from '../model/config.js';

export interface PlannedTest {
  seq: number;
  test: AtomicTest;
  target: Target;
  /** Why it will not run: platform mismatch, manual executor, filtered. */
  skip?: string;
}

// Plans test x target in catalog order; seq numbers every pair (skipped ones too, so markers stay stable).
export function planRun(opts: { atomics: AtomicFile[]; targets: Target[]; only?: string[] }): PlannedTest[] {
  const only = (opts.only ?? []).map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  const plan: PlannedTest[] = [];
  let seq = 0;
  for (const file of opts.atomics) {
    for (const test of file.atomic_tests) {
      for (const target of opts.targets) {
        seq += 1;
        const skip = skipReason(test, target, only);
        plan.push(skip ? { seq, test, target, skip } : { seq, test, target });
      }
    }
  }
  return plan;
}

// Whether `--only` selects the test: a GUID, a technique (also x-harness extras, and sub-techniques of a
// parent: T1588 selects T1588.004), or technique-number as ART names them (T1587.003-4).
export function selectedBy(test: AtomicTest, only: string[]): boolean {
  if (only.length === 0) return true;
  const techniques = [test.technique, ...(test['x-harness']?.techniques ?? [])].map((t) => t.toLowerCase());
  const guid = test.auto_generated_guid.toLowerCase();
  return only.some(
    (o) =>
      o === guid ||
      techniques.some((t) => t === o || t.startsWith(o + '.')) ||
      o === `${test.technique.toLowerCase()}-${test.number}`,
  );
}

function skipReason(test: AtomicTest, target: Target, only: string[]): string | undefined {
  if (!selectedBy(test, only)) return `filtered: not selected by --only ${only.join(' ')}`;
  const platforms = test.supported_platforms.map((p) => String(p).toLowerCase());
  if (!platforms.includes(target.os)) {
    return `platform mismatch: test supports ${platforms.join(', ')}, target ${target.name} is ${target.os}`;
  }
  if (test.executor.name === 'manual') return 'manual executor: the test has steps for a person, no command';
  if (!test.executor.command) return 'no command: the executor has no command to run';
  return undefined;
}
