// Rule evaluation tied to one execution: a rule fired for a test only if one of its rows came from one
// of that execution's events; output assertions are checked on such a row. A rule the engine (or QRadar)
// rejects did not fire: that is a rule defect, a MISSED with the rejection as explanation. A back-end
// failure is different: it proves nothing (INCONCLUSIVE).
import type { DetectionExpectation } from '../model/catalog.js';
import type { RuleRun } from '../model/backend.js';
import type { NormalizedEvent } from '../model/event.js';
import type { DetectionResult } from '../model/report.js';
import type { EventView, RuleCheck } from './types.js';

/** 'not-evaluated': a replay recording cannot show what the rule needs (listed, not judged). */
export type DetectionStatus = 'fired' | 'not-fired' | 'rejected' | 'backend-failed' | 'not-evaluated';

export interface DetectionEval extends DetectionResult {
  status: DetectionStatus;
}

/** Error codes that mean "the query itself is invalid" (rule defect) rather than "the back-end failed". */
export function isRuleRejection(code: string): boolean {
  return code.startsWith('HARNESS_AQL_') || /QUERY_INVALID|AQL_INVALID|REJECTED/.test(code);
}

/** Evaluates one expected detection for one execution. `execEvents` are indexes into `events`. */
export function evaluateDetection(d: DetectionExpectation, run: RuleRun | undefined, check: RuleCheck | undefined, execEvents: number[], events: NormalizedEvent[], view: EventView): DetectionEval {
  const base = { rule: d.rule, fires: d.fires, fired: false, rows: [] as Record<string, unknown>[], ...(d.knownGap ? { knownGap: d.knownGap } : {}) };
  if (check?.rejected) return { ...base, status: 'rejected', explanation: `rule rejected: ${check.rejected}` };
  if (!run) return { ...base, status: 'backend-failed', explanation: d.kind === 'cre' ? `CRE rule ${d.rule} cannot be evaluated by this back-end` : `rule ${d.rule} was not evaluated by the back-end` };
  if (!run.ok) {
    if (isRuleRejection(run.code)) return { ...base, status: 'rejected', explanation: `rule rejected: ${run.error} [${run.code}]` };
    return { ...base, status: 'backend-failed', explanation: `back-end failure: ${run.error} [${run.code}]` };
  }
  const mine = new Set(execEvents);
  const tied = run.rows.filter((r) => r.sources.some((s) => mine.has(s)));
  if (tied.length === 0) {
    return { ...base, status: 'not-fired', explanation: explainMiss(d.rule, check, execEvents, events, view) };
  }
  const rows = tied.map((r) => r.row);
  if (!d.output || Object.keys(d.output).length === 0) return { ...base, fired: true, rows, status: 'fired', outputOk: true };
  const good = rows.find((row) => outputMismatches(row, d.output!).length === 0);
  if (good) return { ...base, fired: true, rows: [good, ...rows.filter((r) => r !== good)], status: 'fired', outputOk: true };
  const why = outputMismatches(rows[0], d.output).join('; ');
  return { ...base, fired: true, rows, status: 'fired', outputOk: false, explanation: `rule fired on this execution's event but its output is wrong: ${why}` };
}

/** Differences between a row and the asserted output columns (exact string comparison). */
export function outputMismatches(row: Record<string, unknown>, output: Record<string, string | number>): string[] {
  const out: string[] = [];
  for (const [col, want] of Object.entries(output)) {
    if (!(col in row)) out.push(`column ${col} is not in the row (columns: ${Object.keys(row).join(', ')})`);
    else if (String(row[col]) !== String(want)) out.push(`${col} = ${JSON.stringify(row[col])}, expected ${JSON.stringify(String(want))}`);
  }
  return out;
}

/** Why no row came from this execution's events: the engine's first rejecting predicate per event. */
export function explainMiss(rule: string, check: RuleCheck | undefined, execEvents: number[], events: NormalizedEvent[], view: EventView): string {
  if (execEvents.length === 0) return `no event of this execution to evaluate ${rule} on`;
  if (!check?.explain) return `${rule} returned no row from this execution's ${execEvents.length} event(s)`;
  const seen = new Map<string, number[]>();
  for (const i of execEvents) {
    const x = check.explain(events[i]);
    const loc = x.location?.line !== undefined ? ` (line ${x.location.line}${x.location.column !== undefined ? `:${x.location.column}` : ''})` : '';
    const text = x.matched ? 'the WHERE clause accepts it, but no row came from it (time clause, LIMIT or GROUP BY)' : `${x.text}${loc}`;
    seen.set(text, [...(seen.get(text) ?? []), i]);
  }
  return [...seen.entries()].slice(0, 3).map(([text, is]) => `on ${describeEvent(events[is[0]], view)}${is.length > 1 ? ` (and ${is.length - 1} more like it)` : ''}: ${text}`).join('; ');
}

function describeEvent(e: NormalizedEvent, view: EventView): string {
  return `${view.sourceOf(e) ?? e.logsourcetypename} event${e.eventid !== null ? ` ${e.eventid}` : ''}${e.hostname ? ` from ${e.hostname}` : ''}`;
}
