// Replay: verdicts from recorded event files, no hosts. Every event of an entry's files belongs to one
// execution of its test, so signals tie as 'recording' (a marker cannot exist in someone else's
// recording) and #{...} values match anything. Signals the map declares not recorded become optional,
// with the map's reason in the evidence: a replay never pretends a recording holds what it does not.
import type { NormalizedEvent } from '../model/event.js';
import type { ExecutionRecord, RunReport, TestResult } from '../model/report.js';
import { buildEvidence, type EvidenceGroup } from './evidence.js';
import { judge } from './judge.js';
import type { DetectionEval } from './rules.js';
import type { ReplayEntry } from './replay-map.js';
import { latest } from './tune.js';
import type { EventView, ExecutionInput, RuleEngine, TestDefinition } from './types.js';

export interface ReplayInput {
  entries: ReplayEntry[];
  tests: Map<string, TestDefinition>;
  rules: { id: string; text: string; path?: string }[];
  engine: RuleEngine;
  view: EventView;
  /** Reads one entry's files into normalised events. */
  read(files: string[]): Promise<NormalizedEvent[]>;
}

/** Judges every replay entry; results and evidence ready for the report model. */
export async function replayRecordings(p: ReplayInput): Promise<{ results: TestResult[]; evidence: NormalizedEvent[] }> {
  const groups: EvidenceGroup[] = [];
  const checks = new Map(p.rules.map((r) => [r.id, p.engine.check(r)]));
  for (const entry of p.entries) {
    const events = await p.read(entry.files);
    const def = p.tests.get(entry.guid);
    const tests = new Map(p.tests);
    if (def?.expectation) {
      const signals = def.expectation.signals.map((s) => {
        const a = entry.adapt[s.id];
        const adapted = a ? { ...s, ...(a.source ? { source: a.source } : {}), ...(a.event_id !== undefined ? { event_id: a.event_id } : {}), ...(a.where ? { where: a.where } : {}) } : s;
        return entry.notRecorded[s.id] ? { ...adapted, required: false } : adapted;
      });
      const detections = def.expectation.detections.filter((d) => !entry.rulesNotEvaluable[d.rule]);
      tests.set(entry.guid, { ...def, expectation: { ...def.expectation, signals, detections } });
    }
    const used = new Set(def?.expectation?.detections.map((d) => d.rule) ?? []);
    const rules = p.rules.filter((r) => used.has(r.id) && !checks.get(r.id)?.rejected);
    const now = latest(events);
    const ruleRuns = p.engine.run(rules, events, now);
    const anchored = new Map(p.rules.map((r) => [r.id, checks.get(r.id)?.rejected ? checks.get(r.id)! : p.engine.check(r, now)]));
    const [judged] = judge({ tests, executions: [executionOf(entry, events)], fetch: { ok: true, events }, ruleRuns, ruleChecks: anchored, view: p.view });
    const result = judged.result;
    result.signals = result.signals.map((s) => {
      if (!s.found && entry.notRecorded[s.id]) return { ...s, reason: `not in the recording: ${entry.notRecorded[s.id]}` };
      if (entry.adapt[s.id]) return { ...s, reason: `${s.reason ? `${s.reason}; ` : ''}matched as adapted for this recording: ${entry.adapt[s.id].because}` };
      return s;
    });
    // Rules the recording cannot show are listed, not judged; with none left to judge, nothing is proven.
    const skipped = (def?.expectation?.detections ?? []).filter((d) => entry.rulesNotEvaluable[d.rule]);
    for (const d of skipped) result.detections.push({ rule: d.rule, fires: d.fires, fired: false, rows: [], explanation: `not evaluated: ${entry.rulesNotEvaluable[d.rule]}`, status: 'not-evaluated' } as DetectionEval);
    if (skipped.length && skipped.length === def?.expectation?.detections.length && result.verdict === 'DETECTED') {
      result.verdict = 'INCONCLUSIVE';
      result.reason = `telemetry found, but no expected rule can be evaluated from this recording (${skipped.map((d) => d.rule).join(', ')})`;
    }
    if (entry.note) result.reason = result.reason ? `${result.reason}\n${entry.note}` : entry.note;
    groups.push({ results: [result], events });
  }
  return buildEvidence(groups);
}

function executionOf(entry: ReplayEntry, events: NormalizedEvent[]): ExecutionInput {
  const times = events.map((e) => e.devicetime || e.starttime);
  const start = times.length ? Math.min(...times) : 0;
  const stop = times.length ? Math.max(...times) : 0;
  const record: ExecutionRecord = {
    exitCode: null,
    timedOut: false,
    startedAt: new Date(start).toISOString(),
    finishedAt: new Date(stop).toISOString(),
    stdout: '',
    stderr: '',
    reason: `replayed from ${entry.files.length} recorded file(s): ${entry.files.map((f) => f.split('/').slice(-2).join('/')).join(', ')}`,
    cleanup: { ok: true, residue: [] },
  };
  return { guid: entry.guid, target: { name: entry.target, os: entry.os }, marker: '', args: {}, execution: record, window: { start, stop }, recording: true };
}

export type { RunReport };
