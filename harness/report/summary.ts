// Verdict counts for report.json's `summary`, overall and per technique.
import type { RunReport, TestResult, Verdict } from '../model/report.js';

export function summarize(results: TestResult[]): RunReport['summary'] {
  const byVerdict: Partial<Record<Verdict, number>> = {};
  const byTechnique: Record<string, Partial<Record<Verdict, number>>> = {};
  for (const r of results) {
    byVerdict[r.verdict] = (byVerdict[r.verdict] ?? 0) + 1;
    const t = (byTechnique[r.technique] ??= {});
    t[r.verdict] = (t[r.verdict] ?? 0) + 1;
  }
  return { byVerdict, byTechnique };
}

/** Residue the cleanup left behind for one result (empty when clean or never executed). */
export function residueOf(r: TestResult): string[] {
  return r.execution?.cleanup?.residue ?? [];
}

/** A verdict that is a real gap: MISSED/NO_TELEMETRY that is not a documented known gap. */
export function isGap(r: TestResult): boolean {
  return (r.verdict === 'MISSED' || r.verdict === 'NO_TELEMETRY') && !r.knownGap;
}

/** A stable key for one test on one target, used to compare runs. */
export function resultKey(r: Pick<TestResult, 'guid' | 'target'>): string {
  return `${r.guid}@${r.target}`;
}
