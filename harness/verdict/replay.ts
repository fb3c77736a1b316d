// Replay: verdicts from recorded event files, no hosts. Every event of an entry's files belongs to one
// execution of its test, so signals tie as 'recording' (a marker cannot exist in someone else's
// recording) and #{...} values match anything. Signals the map declares not recorded become optional,
// with the map's reason in the evidence: a replay never pretends a recording holds what it does not.
import type { EventFetch, RuleRun, TelemetryBackend } from '../model/backend.js';
import type { Target } from '../model/config.js';
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
  /**
   * Ask this back-end instead of the embedded engine (e.g. QRadarBackend over a console where the
   * recordings were ingested): per entry one fetch and one search per rule over the recording's window,
   * restricted to its log sources. The back-end decides what it rejects; the engine only explains.
   */
  backend?: TelemetryBackend;
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
    const now = latest(events);
    const anchored = new Map(p.rules.map((r) => [r.id, checks.get(r.id)?.rejected ? (p.backend ? {} : checks.get(r.id)!) : p.engine.check(r, now)]));
    const exec = executionOf(entry, events);
    let fetch: EventFetch = { ok: true, events };
    let ruleRuns: Map<string, RuleRun>;
    if (p.backend) {
      ({ fetch, ruleRuns } = await askBackend(p.backend, entry, events, exec.window, p.rules.filter((r) => used.has(r.id))));
    } else {
      ruleRuns = p.engine.run(p.rules.filter((r) => used.has(r.id) && !checks.get(r.id)?.rejected), events, now);
    }
    const [judged] = judge({ tests, executions: [exec], fetch, ruleRuns, ruleChecks: anchored, view: p.view });
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
    groups.push({ results: [result], events: fetch.ok ? fetch.events : [] });
  }
  return buildEvidence(groups);
}

// One fetch and one search per rule on a back-end, over the recording's window and its log sources (the
// targets a user's targets.yaml would name for these hosts). A failed fetch is kept: INCONCLUSIVE, never a gap.
async function askBackend(backend: TelemetryBackend, entry: ReplayEntry, events: NormalizedEvent[], window: { start: number; stop: number }, rules: { id: string; text: string; path?: string }[]): Promise<{ fetch: EventFetch; ruleRuns: Map<string, RuleRun> }> {
  const sources = [...new Set(events.map((e) => e.logsourcename).filter((n): n is string => !!n))];
  const targets: Target[] = sources.map((ls, i) => ({ name: sources.length > 1 ? `${entry.target}#${i + 1}` : entry.target, os: entry.os, transport: 'ssh', port: 22, sudo: false, qradar: { logSourceName: ls } }));
  if (targets.length === 0) return { fetch: { ok: true, events: [] }, ruleRuns: new Map() };
  const req = { window, targets };
  const fetch = await backend.fetchEvents(req);
  if (!fetch.ok) return { fetch, ruleRuns: new Map() };
  const ruleRuns = await backend.runRules({ ...req, rules: rules.map((r) => ({ sha256: '', path: r.path ?? r.id, ...r })), events: fetch.events });
  return { fetch, ruleRuns };
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
