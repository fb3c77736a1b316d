// Benign baselines (config.baselines: event files of normal activity). Any rule row on them is a false
// positive: one UNEXPECTED_FIRE result per (baseline file x rule) that fired, with the rows and events.
import { basename } from 'node:path';
import type { RuleRun } from '../model/backend.js';
import type { NormalizedEvent } from '../model/event.js';
import type { TestResult } from '../model/report.js';
import { isRuleRejection } from './rules.js';

export interface BaselineSet {
  file: string;
  events: NormalizedEvent[];
  runs: Map<string, RuleRun>;
}

/** Results for rules that fired (or could not be evaluated) on a baseline; refs index into set.events. */
export function baselineResults(set: BaselineSet, techniqueOfRule: Map<string, string>): TestResult[] {
  const out: TestResult[] = [];
  for (const [rule, run] of set.runs) {
    const common = {
      technique: techniqueOfRule.get(rule) ?? 'baseline',
      guid: `baseline:${basename(set.file)}`,
      test: `benign baseline ${basename(set.file)}`,
      target: 'baseline',
      platform: 'baseline',
      marker: '',
      execution: null,
    };
    if (!run.ok) {
      if (isRuleRejection(run.code)) continue; // a rejected rule fires on nothing; its tests say so
      out.push({ ...common, verdict: 'INCONCLUSIVE', reason: `back-end failure evaluating ${rule} on ${set.file}: ${run.error} [${run.code}]`, signals: [], detections: [{ rule, fires: false, fired: false, rows: [], explanation: `back-end failure: ${run.error}` }] });
      continue;
    }
    if (run.rows.length === 0) continue;
    const refs = [...new Set(run.rows.flatMap((r) => r.sources))].sort((a, b) => a - b);
    out.push({
      ...common,
      verdict: 'UNEXPECTED_FIRE',
      reason: `${rule} returned ${run.rows.length} row(s) on benign baseline ${set.file}: false positives`,
      signals: [{ id: 'baseline-events', found: true, required: false, eventRefs: refs.slice(0, 50), latencyMs: null }],
      detections: [{ rule, fires: false, fired: true, rows: run.rows.slice(0, 50).map((r) => r.row) }],
    });
  }
  return out;
}
