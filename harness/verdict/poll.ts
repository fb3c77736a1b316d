// Polling the back-end: fetch + runRules per cycle (one search per rule and cycle, never one per
// expectation) until every execution is settled or its deadline (execution end + the test's deadline)
// has passed. Telemetry that arrives late is the norm with a SIEM; giving up early reports false gaps.
import type { RuleFile } from '../model/catalog.js';
import type { EventFetch, RuleRun, TelemetryBackend } from '../model/backend.js';
import type { Target } from '../model/config.js';
import type { TimeWindow } from '../telemetry/types.js';
import { statusOf } from './decide.js';
import { judge, type Judged } from './judge.js';
import type { EventView, ExecutionInput, RuleCheck, SensorState, TestDefinition } from './types.js';

export interface PollInput {
  backend: TelemetryBackend;
  targets: Target[];
  tests: Map<string, TestDefinition>;
  executions: ExecutionInput[];
  rules: RuleFile[];
  ruleChecks: Map<string, RuleCheck>;
  view: EventView;
  sensors?: SensorState[];
  /** Time between cycles (ms). */
  intervalMs: number;
  /** Extra time before the first execution and after the last, for the fetch window. The one place of the
   *  QRadar ingestion slack is QRadarBackend's search window (qradar.windowSlack): the pipeline passes 0 here
   *  for QRadar, so the slack is never applied twice. */
  slackMs?: number;
  /** Injected for tests; defaults to Date.now / setTimeout. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  onCycle?: (info: { cycle: number; pending: number; events: number }) => void;
}

export interface PollOutcome {
  judged: Judged[];
  fetch: EventFetch;
  ruleRuns: Map<string, RuleRun>;
  cycles: number;
  window: TimeWindow;
}

/** Whether a result may still change if we wait (and its sensor can deliver at all). */
export function isPending(j: Judged, exec: ExecutionInput, backendName: string, sensors: SensorState[]): boolean {
  const v = j.result.verdict;
  if (v === 'NO_TELEMETRY') {
    // A sensor preflight found down will not deliver by waiting: settle now, the reason says why.
    const dead = j.result.signals.some((s) => s.required && !s.found && sensors.some((x) => x.target === exec.target.name && !x.ok && s.reason?.includes(`sensor ${x.source} on`)));
    return !dead;
  }
  if (v === 'INCONCLUSIVE') return true;
  // QRadar may index custom properties after the raw event is searchable; locally a miss is final.
  return v === 'MISSED' && backendName === 'qradar' && j.result.detections.some(mayChange);
}

// Whether waiting can turn this detection from a miss into a hit: an intended rule (fires: true, or a
// known gap) that returned no tied row yet, or a row with the wrong output, may once QRadar has indexed
// more. A rule QRadar rejected (422/2000) is settled at once: the same query is rejected again. A
// `fires: false` rule that stayed silent is not waited on, as with a DETECTED result.
function mayChange(d: Judged['result']['detections'][number]): boolean {
  if (!d.fires && !d.knownGap) return false;
  const s = statusOf(d as Parameters<typeof statusOf>[0]);
  return s === 'not-fired' || (s === 'fired' && d.outputOk === false);
}

/** Deadline of an execution: its end plus the expectation's deadline. */
export function deadlineOf(exec: ExecutionInput, tests: Map<string, TestDefinition>): number {
  return exec.window.stop + (tests.get(exec.guid)?.expectation?.deadlineMs ?? 0);
}

/** Polls until everything is settled or past its deadline, then returns the last judgement. */
export async function pollAndJudge(p: PollInput): Promise<PollOutcome> {
  const now = p.now ?? Date.now;
  const sleep = p.sleep ?? defaultSleep;
  const ran = p.executions.filter((e) => !e.skipped && !e.notExecuted);
  const slack = p.slackMs ?? 60_000;
  const start = ran.length ? Math.min(...ran.map((e) => e.window.start)) - slack : now();
  let cycle = 0;
  for (;;) {
    cycle++;
    const window = { start, stop: now() + slack };
    const { fetch, failed } = await fetchLocalized(p, window);
    const rules = p.rules.filter((r) => !p.ruleChecks.get(r.id)?.rejected);
    const ruleRuns = fetch.ok ? await p.backend.runRules({ window, targets: p.targets, rules, events: fetch.events }) : new Map<string, RuleRun>();
    const sensors = [...sensorFailures(p, failed), ...(p.sensors ?? [])];
    const judged = p.executions.map((exec) => {
      const f = failed.get(exec.target.name);
      // A target whose logs could not be read: NO_TELEMETRY when preflight already found its sensor
      // down (the read error is part of the reason), otherwise a back-end failure (INCONCLUSIVE).
      const own: EventFetch = f && !sensorDown(p, exec.target.name) ? { ok: false, code: f.code, error: f.error } : fetch;
      return judge({ tests: p.tests, executions: [exec], fetch: own, ruleRuns, ruleChecks: p.ruleChecks, view: p.view, sensors })[0];
    });
    const t = now();
    const pendingIdx = judged.map((j, i) => i).filter((i) => isPending(judged[i], p.executions[i], p.backend.name, sensors) && t < deadlineOf(p.executions[i], p.tests));
    p.onCycle?.({ cycle, pending: pendingIdx.length, events: fetch.ok ? fetch.events.length : 0 });
    if (pendingIdx.length === 0) return { judged, fetch, ruleRuns, cycles: cycle, window };
    if (p.signal?.aborted) {
      // Interrupted before these could settle: what they show so far is not a verdict yet.
      for (const i of pendingIdx) {
        const r = judged[i].result;
        judged[i] = { ...judged[i], result: { ...r, verdict: 'INCONCLUSIVE', reason: `interrupted before the deadline; so far: ${r.verdict}${r.reason ? `: ${r.reason}` : ''}` } };
      }
      return { judged, fetch, ruleRuns, cycles: cycle, window };
    }
    const next = Math.min(p.intervalMs, Math.max(0, Math.min(...pendingIdx.map((i) => deadlineOf(p.executions[i], p.tests))) - t));
    await sleep(Math.max(next, 10), p.signal);
  }
}

type Failure = { code: string; error: string };

// One fetch for all targets (one search per cycle); only when it fails and there are several targets,
// one fetch per target, so one unreadable host does not blind the verdicts of the others.
async function fetchLocalized(p: PollInput, window: TimeWindow): Promise<{ fetch: EventFetch; failed: Map<string, Failure> }> {
  const failed = new Map<string, Failure>();
  const all = await p.backend.fetchEvents({ window, targets: p.targets });
  if (all.ok || p.targets.length <= 1) {
    if (!all.ok) for (const t of p.targets) failed.set(t.name, all);
    return { fetch: all.ok || p.targets.length === 0 ? all : sensorDown(p, p.targets[0].name) ? { ok: true, events: [] } : all, failed };
  }
  const events = [];
  for (const t of p.targets) {
    const f = await p.backend.fetchEvents({ window, targets: [t] });
    if (f.ok) events.push(...f.events);
    else failed.set(t.name, f);
  }
  return { fetch: { ok: true, events }, failed };
}

function sensorDown(p: PollInput, target: string): boolean {
  return (p.sensors ?? []).some((s) => s.target === target && !s.ok);
}

// The read error of a target whose sensor is down, as a sensor state (so NO_TELEMETRY names it).
function sensorFailures(p: PollInput, failed: Map<string, Failure>): SensorState[] {
  const out: SensorState[] = [];
  for (const [target, f] of failed) {
    if (!sensorDown(p, target)) continue;
    for (const s of (p.sensors ?? []).filter((x) => x.target === target && !x.ok)) out.push({ ...s, detail: `${s.detail}; reading its log failed: ${f.error}` });
  }
  return out;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
