// Tuning verification (`harness tune`): re-evaluates a changed rule over the evidence stored with a
// report and says, per test, the verdict before and after; plus the false positives of the old and new
// rule on benign baselines. Each result is re-evaluated over its own tied events only, with relative
// time clauses anchored just after its latest event (as the rule would have run right then).
import type { RuleRun } from '../model/backend.js';
import type { NormalizedEvent } from '../model/event.js';
import type { RunReport, TestResult, Verdict } from '../model/report.js';
import { decideVerdict } from './decide.js';
import { statusOf } from './decide.js';
import { evaluateDetection } from './rules.js';
import type { EventView, RuleCheck, RuleEngine } from './types.js';

export interface TuneRule {
  id: string;
  text: string;
  path?: string;
}

export interface TuneInput {
  report: RunReport;
  evidence: NormalizedEvent[];
  /** The rule id as the report's detections name it (rules/x.aql). */
  replaces: string;
  newRule: TuneRule;
  /** The rule being replaced, when its text is known (for the baseline "before" counts). */
  oldRule?: TuneRule;
  engine: RuleEngine;
  view: EventView;
  /** Output assertions per test GUID for this rule (from the expectations), when available. */
  outputs?: Map<string, Record<string, string | number>>;
  baselines?: { file: string; events: NormalizedEvent[] }[];
}

export interface TuneRow {
  technique: string;
  guid: string;
  test: string;
  target: string;
  before: Verdict;
  after: Verdict;
  explanation?: string;
  /** --backend qradar: the verdict with the replaced rule re-run in QRadar now (should equal `before`). */
  recheck?: Verdict;
  recheckExplanation?: string;
}

export interface TuneOutcome {
  rows: TuneRow[];
  /** DETECTED before, not DETECTED after. */
  regressions: TuneRow[];
  improvements: TuneRow[];
  baselines: { file: string; before: number | null; after: number; rejected?: string }[];
  rejected?: string;
}

const SETTLED_BEFORE_RULES: Verdict[] = ['NOT_EXECUTED', 'SKIPPED', 'NO_TELEMETRY'];

/** Re-judges every result whose expectation names the replaced rule. */
export function tuneRule(t: TuneInput): TuneOutcome {
  const check = t.engine.check(t.newRule);
  const rows: TuneRow[] = [];
  for (const r of t.report.results) {
    const idx = r.detections.findIndex((d) => d.rule === t.replaces);
    if (idx < 0) continue;
    rows.push(rejudge(t, r, idx, check));
  }
  const baselines = baselineCounts(t, check.rejected);
  return outcomeOf(rows, baselines, check.rejected);
}

/** Rows sorted into regressions (DETECTED before, not after) and improvements. */
export function outcomeOf(rows: TuneRow[], baselines: TuneOutcome['baselines'], rejected?: string): TuneOutcome {
  const isDetected = (v: Verdict): boolean => v === 'DETECTED';
  return {
    rows,
    regressions: rows.filter((x) => isDetected(x.before) && !isDetected(x.after)),
    improvements: rows.filter((x) => !isDetected(x.before) && isDetected(x.after)),
    baselines,
    ...(rejected ? { rejected } : {}),
  };
}

/** False positives on the benign baselines (local event files, the embedded engine): old rule's rows vs new rule's. */
export function baselineCounts(t: Pick<TuneInput, 'baselines' | 'engine' | 'newRule' | 'oldRule'>, rejected?: string): TuneOutcome['baselines'] {
  return (t.baselines ?? []).map((b) => {
    const now = latest(b.events);
    const after = rejected ? 0 : rowCount(t.engine.run([t.newRule], b.events, now).get(t.newRule.id));
    const before = t.oldRule ? rowCount(t.engine.run([t.oldRule], b.events, now).get(t.oldRule.id)) : null;
    return { file: b.file, before, after, ...(rejected ? { rejected } : {}) };
  });
}

function rejudge(t: TuneInput, r: TestResult, idx: number, check: ReturnType<RuleEngine['check']>): TuneRow {
  const row = { technique: r.technique, guid: r.guid, test: r.test, target: r.target, before: r.verdict };
  const settled = settledAfter(r, idx);
  if (settled) return { ...row, ...settled };
  const refs = evidenceRefs(r).filter((i) => t.evidence[i] !== undefined);
  const events = refs.map((i) => t.evidence[i]);
  const now = latest(events);
  const run = check.rejected ? undefined : t.engine.run([t.newRule], events, now).get(t.newRule.id);
  const anchored = check.rejected ? check : t.engine.check(t.newRule, now);
  return { ...row, ...verdictWith(r, idx, { rule: t.replaces, location: t.newRule.path ?? t.newRule.id, output: t.outputs?.get(r.guid), run, check: anchored, mine: events.map((_, i) => i), events, view: t.view }) };
}

/** The unchanged outcome of a result no rule change can affect (did not run, no telemetry, not evaluated), else undefined. */
export function settledAfter(r: TestResult, idx: number): { after: Verdict; explanation?: string } | undefined {
  // Nothing about a rule can change a test that did not run or whose telemetry never arrived.
  if (SETTLED_BEFORE_RULES.includes(r.verdict) || r.signals.length === 0) return { after: r.verdict };
  const d = r.detections[idx] as { status?: string; explanation?: string };
  if (d.status === 'not-evaluated') return { after: r.verdict, ...(d.explanation ? { explanation: d.explanation } : {}) };
  return undefined;
}

/** The evidence indexes a result's signals were judged on (its own tied events), sorted. */
export function evidenceRefs(r: TestResult): number[] {
  return [...new Set(r.signals.flatMap((s) => s.eventRefs))].sort((a, b) => a - b);
}

export interface Rejudge {
  rule: string;
  /** Where the new rule's text is (named in a rejection). */
  location: string;
  output?: Record<string, string | number>;
  run: RuleRun | undefined;
  check: RuleCheck;
  /** This execution's events: indexes into `events`. */
  mine: number[];
  events: NormalizedEvent[];
  view: EventView;
}

/** The verdict of a result with detection `idx` re-evaluated from a rule run; signals and other detections keep their stored outcomes. */
export function verdictWith(r: TestResult, idx: number, o: Rejudge): { after: Verdict; explanation?: string } {
  const old = r.detections[idx];
  const det = evaluateDetection(
    { rule: o.rule, kind: 'aql', fires: old.fires, output: o.output, knownGap: old.knownGap, location: { file: o.location } },
    o.run, o.check, o.mine, o.events, o.view,
  );
  const detections = r.detections.map((d, i) => (i === idx ? det : { ...d, status: statusOf(d as typeof d & { status?: never }) }));
  const decision = decideVerdict(r.signals, detections);
  return { after: decision.verdict, ...(decision.reason ? { explanation: decision.reason } : {}) };
}

/** Rows of a successful rule run (0 when it failed). */
export function rowCount(run: RuleRun | undefined): number {
  return run && run.ok ? run.rows.length : 0;
}

/** Just after the latest event: relative time clauses then cover the events as when the rule ran. */
export function latest(events: NormalizedEvent[]): number {
  let t = 0;
  for (const e of events) t = Math.max(t, e.starttime, e.devicetime);
  return (t || Date.now()) + 1000;
}
