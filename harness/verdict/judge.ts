// judge(): the verdict core. A pure function of the catalog's tests, what each execution did, the events
// the back-end returned, the rule runs over those events and how to read events. Event references in
// the results index into `events`; buildEvidence() turns them into report evidence indexes.
import type { AtomicTest, Catalog, TestExpectation } from '../model/catalog.js';
import type { EventFetch, RuleRun } from '../model/backend.js';
import type { NormalizedEvent } from '../model/event.js';
import type { RunReport, SignalResult, TestResult } from '../model/report.js';
import { decideVerdict } from './decide.js';
import { evaluateDetection, type DetectionEval } from './rules.js';
import { matchSignal, type SignalMatch } from './signals.js';
import type { EventView, ExecutionInput, JudgeOptions, RuleCheck, SensorState, TestDefinition } from './types.js';

export interface JudgeInput {
  tests: Map<string, TestDefinition>;
  executions: ExecutionInput[];
  fetch: EventFetch;
  ruleRuns: Map<string, RuleRun>;
  ruleChecks?: Map<string, RuleCheck>;
  view: EventView;
  sensors?: SensorState[];
  options?: JudgeOptions;
}

/** A verdict plus the indexes (into the judged events) of every event tied to the execution. */
export interface Judged {
  result: TestResult;
  execEvents: number[];
}

/** The catalog's tests by GUID, each with its expectation (if any). */
export function testsByGuid(catalog: Catalog): Map<string, TestDefinition> {
  const exp = new Map<string, TestExpectation>();
  for (const f of catalog.expectations) for (const t of f.tests) exp.set(t.guid, t);
  const out = new Map<string, TestDefinition>();
  for (const f of catalog.atomics) for (const t of f.atomic_tests) out.set(t.auto_generated_guid, { test: t, expectation: exp.get(t.auto_generated_guid) });
  return out;
}

/** Judges every execution. */
export function judge(input: JudgeInput): Judged[] {
  return input.executions.map((exec) => judgeOne(input, exec));
}

function judgeOne(input: JudgeInput, exec: ExecutionInput): Judged {
  const def = input.tests.get(exec.guid);
  const result = skeleton(exec, def?.test);
  const done = (r: Partial<TestResult>): Judged => ({ result: { ...result, ...r }, execEvents: [] });
  if (!def) return done({ verdict: 'SKIPPED', reason: `atomic test ${exec.guid} is not in the catalog` });
  if (exec.skipped) return done({ verdict: 'SKIPPED', reason: exec.skipped });
  const failure = executionFailure(exec);
  if (failure) return done({ verdict: 'NOT_EXECUTED', reason: failure });
  if (!def.expectation) return done({ verdict: 'SKIPPED', reason: `no expectation for ${exec.guid}: nothing to verify (add it to expectations/${def.test.technique}.yaml)` });
  if (!input.fetch.ok) return done({ verdict: 'INCONCLUSIVE', reason: `back-end failure while fetching events: ${input.fetch.error} [${input.fetch.code}]` });
  const events = input.fetch.events;
  const matches: SignalMatch[] = def.expectation.signals.map((s) => matchSignal(s, exec, events, input.view, input.sensors, { windowSlackMs: input.options?.windowSlackMs, maxRefs: input.options?.maxRefsPerSignal }));
  const execEvents = [...new Set(matches.flatMap((m) => m.refs))].sort((a, b) => a - b);
  // Rows are tied through every matching event, not only those kept as evidence: on a busy host the
  // row of the 51st match is as much this execution's as the first.
  const tiedEvents = [...new Set(matches.flatMap((m) => m.tied))].sort((a, b) => a - b);
  const detections: DetectionEval[] = def.expectation.detections.map((d) =>
    evaluateDetection(d, input.ruleRuns.get(d.rule), input.ruleChecks?.get(d.rule), tiedEvents, events, input.view),
  );
  const decision = decideVerdict(matches, detections);
  return {
    result: {
      ...result,
      verdict: decision.verdict,
      ...(decision.knownGap ? { knownGap: decision.knownGap } : {}),
      ...(decision.reason ? { reason: decision.reason } : {}),
      signals: matches.map(toSignalResult),
      detections,
    },
    execEvents,
  };
}

function skeleton(exec: ExecutionInput, test: AtomicTest | undefined): TestResult {
  const extra = (test?.['x-harness']?.techniques ?? []).filter((t) => t !== test?.technique);
  return {
    technique: test?.technique ?? 'unknown',
    ...(extra.length ? { techniques: [test!.technique, ...extra] } : {}),
    guid: exec.guid,
    test: test?.name ?? exec.guid,
    target: exec.target.name,
    platform: exec.target.os,
    verdict: 'INCONCLUSIVE',
    marker: exec.marker,
    execution: exec.execution,
    signals: [],
    detections: [],
  };
}

/** Why an execution counts as not executed (failed prerequisite, non-zero exit, timeout), or null. */
export function executionFailure(exec: ExecutionInput): string | null {
  if (exec.notExecuted) return exec.notExecuted;
  const x = exec.execution;
  if (!x) return 'the behaviour did not run (no execution record)';
  if (x.timedOut) return `timed out${x.reason ? `: ${x.reason}` : ''}`;
  const failedPrereq = x.prerequisites?.find((p) => !p.ok);
  if (failedPrereq) return `prerequisite not met: ${failedPrereq.description}`;
  if (x.exitCode !== 0 && !exec.recording) return `exit code ${x.exitCode ?? 'none'}${x.reason ? `: ${x.reason}` : ''}${x.stderr ? `; stderr: ${x.stderr.trim().slice(0, 300)}` : ''}`;
  if (x.artefact && !x.artefact.ok) return `artefact check failed: ${x.artefact.detail}`;
  return null;
}

// 'recording' is a tie the shared SignalResult type does not list yet; it is carried as is.
function toSignalResult(m: SignalMatch): SignalResult {
  return { id: m.id, found: m.found, required: m.required, eventRefs: m.refs, latencyMs: m.latencyMs, ...(m.tie ? { tie: m.tie as SignalResult['tie'] } : {}), ...(m.reason ? { reason: m.reason } : {}) };
}

/** RESIDUE findings: what cleanup left behind (a leftover trusted root CA is a real hole on the target). */
export function residueFindings(executions: ExecutionInput[]): NonNullable<RunReport['findings']> {
  const out: NonNullable<RunReport['findings']> = [];
  for (const e of executions) {
    const c = e.execution?.cleanup;
    if (!c) continue;
    for (const r of c.residue) out.push({ kind: 'RESIDUE', target: e.target.name, guid: e.guid, message: `cleanup left ${r} on ${e.target.name} (marker ${e.marker})` });
  }
  return out;
}

export type { NormalizedEvent };
