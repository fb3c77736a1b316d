// Tuning verification (`harness tune`): re-evaluates a changed rule over the evidence stored with a
// report and says, per test, the verdict before and after; plus the false positives of the old and new
// rule on benign baselines. Each result is re-evaluated over its own tied events only, with relative
// time clauses anchored just after its latest event (as the rule would have run right then).
import type { NormalizedEvent } from '../model/event.js';
import type { RunReport, TestResult, Verdict } from '../model/report.js';
import { decideVerdict } from './decide.js';
import { statusOf } from './decide.js';
import { evaluateDetection } from './rules.js';
import type { EventView, RuleEngine } from './types.js';

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
  const isDetected = (v: Verdict): boolean => v === 'DETECTED';
  const baselines = (t.baselines ?? []).map((b) => {
    const now = latest(b.events);
    const after = check.rejected ? 0 : rowCount(t.engine.run([t.newRule], b.events, now).get(t.newRule.id));
    const before = t.oldRule ? rowCount(t.engine.run([t.oldRule], b.events, now).get(t.oldRule.id)) : null;
    return { file: b.file, before, after, ...(check.rejected ? { rejected: check.rejected } : {}) };
  });
  return {
    rows,
    regressions: rows.filter((x) => isDetected(x.before) && !isDetected(x.after)),
    improvements: rows.filter((x) => !isDetected(x.before) && isDetected(x.after)),
    baselines,
    ...(check.rejected ? { rejected: check.rejected } : {}),
  };
}

function rejudge(t: TuneInput, r: TestResult, idx: number, check: ReturnType<RuleEngine['check']>): TuneRow {
  const row = { technique: r.technique, guid: r.guid, test: r.test, target: r.target, before: r.verdict };
  // Nothing about a rule can change a test that did not run or whose telemetry never arrived.
  if (SETTLED_BEFORE_RULES.includes(r.verdict) || r.signals.length === 0) return { ...row, after: r.verdict };
  if ((r.detections[idx] as { status?: string }).status === 'not-evaluated') return { ...row, after: r.verdict, explanation: r.detections[idx].explanation };
  const refs = [...new Set(r.signals.flatMap((s) => s.eventRefs))].filter((i) => t.evidence[i] !== undefined).sort((a, b) => a - b);
  const events = refs.map((i) => t.evidence[i]);
  const now = latest(events);
  const run = check.rejected ? undefined : t.engine.run([t.newRule], events, now).get(t.newRule.id);
  const anchored = check.rejected ? check : t.engine.check(t.newRule, now);
  const old = r.detections[idx];
  const det = evaluateDetection(
    { rule: t.replaces, kind: 'aql', fires: old.fires, output: t.outputs?.get(r.guid), knownGap: old.knownGap, location: { file: t.newRule.path ?? t.newRule.id } },
    run, anchored, events.map((_, i) => i), events, t.view,
  );
  const detections = r.detections.map((d, i) => (i === idx ? det : { ...d, status: statusOf(d as typeof d & { status?: never }) }));
  const decision = decideVerdict(r.signals, detections);
  return { ...row, after: decision.verdict, ...(decision.reason ? { explanation: decision.reason } : {}) };
}

function rowCount(run: import('../model/backend.js').RuleRun | undefined): number {
  return run && run.ok ? run.rows.length : 0;
}

/** Just after the latest event: relative time clauses then cover the events as when the rule ran. */
export function latest(events: NormalizedEvent[]): number {
  let t = 0;
  for (const e of events) t = Math.max(t, e.starttime, e.devicetime);
  return (t || Date.now()) + 1000;
}
