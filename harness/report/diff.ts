// Comparing runs: which results flipped between two reports (DETECTED -> MISSED is a regression), which
// tests are new or gone, whether a flip coincides with a rule change (sha256) or not (the environment),
// and which tests flip back and forth across the last N runs (flaky).
import type { RunReport, TestResult, Verdict } from '../model/report.js';
import { resultKey } from './summary.js';

export type FlipKind = 'regression' | 'improvement' | 'change';

export interface Flip {
  key: string;
  guid: string;
  target: string;
  test: string;
  technique: string;
  from: Verdict;
  to: Verdict;
  kind: FlipKind;
  /** 'rule' when a rule this test expects changed sha256 between the runs, else 'environment'. */
  blame: 'rule' | 'environment';
  rulesChanged: string[];
}

export interface ReportDiff {
  old: string;
  new: string;
  flips: Flip[];
  added: { key: string; verdict: Verdict }[];
  removed: { key: string; verdict: Verdict }[];
  regressions: Flip[];
}

// Coverage that was proven and no longer is. NOT_EXECUTED / INCONCLUSIVE / SKIPPED prove nothing
// either way, so a flip into them is a change to look at, not a regression.
const LOST: Verdict[] = ['MISSED', 'NO_TELEMETRY', 'UNEXPECTED_FIRE'];

export function classifyFlip(from: Verdict, to: Verdict, knownGapNow = false): FlipKind {
  if (from === 'DETECTED' && LOST.includes(to) && !knownGapNow) return 'regression';
  if (to === 'DETECTED' && LOST.includes(from)) return 'improvement';
  return 'change';
}

export function diffReports(oldR: RunReport, newR: RunReport): ReportDiff {
  const oldMap = new Map(oldR.results.map((r) => [resultKey(r), r]));
  const newMap = new Map(newR.results.map((r) => [resultKey(r), r]));
  const oldRules = new Map(oldR.rules.map((r) => [r.file, r.sha256]));
  const changedRules = new Set(newR.rules.filter((r) => oldRules.has(r.file) && oldRules.get(r.file) !== r.sha256).map((r) => r.file));
  const flips: Flip[] = [];
  for (const [key, n] of newMap) {
    const o = oldMap.get(key);
    if (!o || o.verdict === n.verdict) continue;
    const rulesChanged = expectedRules(n).filter((f) => changedRules.has(f) || [...changedRules].some((c) => c.endsWith(f) || f.endsWith(c)));
    flips.push({ key, guid: n.guid, target: n.target, test: n.test, technique: n.technique, from: o.verdict, to: n.verdict, kind: classifyFlip(o.verdict, n.verdict, !!n.knownGap), blame: rulesChanged.length ? 'rule' : 'environment', rulesChanged });
  }
  const added = [...newMap].filter(([k]) => !oldMap.has(k)).map(([key, r]) => ({ key, verdict: r.verdict }));
  const removed = [...oldMap].filter(([k]) => !newMap.has(k)).map(([key, r]) => ({ key, verdict: r.verdict }));
  return { old: oldR.runId, new: newR.runId, flips, added, removed, regressions: flips.filter((f) => f.kind === 'regression') };
}

function expectedRules(r: TestResult): string[] {
  return r.detections.map((d) => d.rule);
}

export interface FlakyTest {
  key: string;
  test: string;
  verdicts: Verdict[];
  changes: number;
}

/** Tests whose decisive verdict changed at least twice across the given runs (oldest first). */
export function findFlaky(runs: RunReport[], minChanges = 2): FlakyTest[] {
  const series = new Map<string, { test: string; verdicts: Verdict[] }>();
  for (const run of runs) {
    for (const r of run.results) {
      const s = series.get(resultKey(r)) ?? { test: `${r.technique} ${r.test} @ ${r.target}`, verdicts: [] };
      s.verdicts.push(r.verdict);
      series.set(resultKey(r), s);
    }
  }
  const out: FlakyTest[] = [];
  for (const [key, s] of series) {
    const decisive = s.verdicts.filter((v) => v === 'DETECTED' || LOST.includes(v));
    let changes = 0;
    for (let i = 1; i < decisive.length; i++) if (decisive[i] !== decisive[i - 1]) changes++;
    if (changes >= minChanges) out.push({ key, test: s.test, verdicts: s.verdicts, changes });
  }
  return out.sort((a, b) => b.changes - a.changes);
}
