// Polling the back-end: fetch + runRules per cycle (one search per rule and cycle, never one per
// expectation) until every execution is settled or its deadline (execution end + the test's deadline)
// has passed. Telemetry that arrives late is the norm with a SIEM; giving up early reports false gaps.
import type { RuleFile, SignalSource } from '../model/catalog.js';
import type { EventFetch, RuleRun, TelemetryBackend } from '../model/backend.js';
import type { Target } from '../model/config.js';
import type { NormalizedEvent } from '../model/event.js';
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
  /** The events every result's references index into: the last cycle's fetch plus the evidence of results
   *  settled on earlier cycles. Not ok only when no cycle's events are referenced and the last fetch failed. */
  fetch: EventFetch;
  /** The last cycle's rule runs (row sources index into the start of `fetch.events`). */
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

/** Polls until everything is settled or past its deadline. A result, once settled, is frozen with the
 *  events it references: later cycles judge only the pending ones, so a transient failure (or a truncated
 *  search) on a later cycle cannot undo a verdict already reached. */
export async function pollAndJudge(p: PollInput): Promise<PollOutcome> {
  const now = p.now ?? Date.now;
  const sleep = p.sleep ?? defaultSleep;
  const ran = p.executions.filter((e) => !e.skipped && !e.notExecuted);
  const slack = p.slackMs ?? 60_000;
  const start = ran.length ? Math.min(...ran.map((e) => e.window.start)) - slack : now();
  const settled: (Frozen | undefined)[] = p.executions.map(() => undefined);
  let cycle = 0;
  for (;;) {
    cycle++;
    const window = { start, stop: now() + slack };
    const { fetch, failed } = await fetchLocalized(p, window);
    const rules = p.rules.filter((r) => !p.ruleChecks.get(r.id)?.rejected);
    const ruleRuns = fetch.ok ? await p.backend.runRules({ window, targets: p.targets, rules, events: fetch.events }) : new Map<string, RuleRun>();
    const sensors = [...sensorFailures(p, failed), ...(p.sensors ?? [])];
    const open = p.executions.map((_, i) => i).filter((i) => !settled[i]);
    const judged = new Map(open.map((i) => {
      const exec = p.executions[i];
      const f = failed.get(exec.target.name);
      const j = f ? judgeUnreadable(p, exec, f, sensors) : judge({ tests: p.tests, executions: [exec], fetch, ruleRuns, ruleChecks: p.ruleChecks, view: p.view, sensors })[0];
      return [i, j] as const;
    }));
    const t = now();
    const held = (e: ExecutionInput): boolean => !!p.backend.holdMs && !e.skipped && !e.notExecuted && t < e.window.stop + p.backend.holdMs;
    const pendingIdx = open.filter((i) => (isPending(judged.get(i)!, p.executions[i], p.backend.name, sensors) || held(p.executions[i])) && t < deadlineOf(p.executions[i], p.tests));
    const pending = new Set(pendingIdx);
    const cycleEvents = fetch.ok ? fetch.events : [];
    for (const i of open) if (!pending.has(i)) settled[i] = freeze(judged.get(i)!, cycleEvents);
    p.onCycle?.({ cycle, pending: pendingIdx.length, events: cycleEvents.length });
    if (pendingIdx.length === 0) return { ...merge(settled as Frozen[], fetch), ruleRuns, cycles: cycle, window };
    if (p.signal?.aborted) {
      // Interrupted before these could settle: what they show so far is not a verdict yet.
      for (const i of pendingIdx) {
        const j = judged.get(i)!;
        const r = j.result;
        settled[i] = freeze({ ...j, result: { ...r, verdict: 'INCONCLUSIVE', reason: `interrupted before the deadline; so far: ${r.verdict}${r.reason ? `: ${r.reason}` : ''}` } }, cycleEvents);
      }
      return { ...merge(settled as Frozen[], fetch), ruleRuns, cycles: cycle, window };
    }
    const next = Math.min(p.intervalMs, Math.max(0, Math.min(...pendingIdx.map((i) => deadlineOf(p.executions[i], p.tests))) - t));
    await sleep(Math.max(next, 10), p.signal);
  }
}

/** A settled result with only the events its references point to (refs index into `events`). */
interface Frozen { judged: Judged; events: NormalizedEvent[] }

function remap(j: Judged, to: (i: number) => number): Judged {
  const signals = j.result.signals.map((s) => ({ ...s, eventRefs: s.eventRefs.map(to) }));
  return { result: { ...j.result, signals }, execEvents: [...new Set(j.execEvents.map(to))].sort((a, b) => a - b) };
}

// Keeps only the referenced events, so a result frozen early does not hold its cycle's whole fetch.
function freeze(j: Judged, from: NormalizedEvent[]): Frozen {
  const events: NormalizedEvent[] = [];
  const index = new Map<number, number>();
  const to = (i: number): number => {
    let k = index.get(i);
    if (k === undefined) { k = events.length; events.push(from[i]); index.set(i, k); }
    return k;
  };
  return { judged: remap(j, to), events };
}

// The results of every cycle on one event list: the last fetch's events first (the last rule runs' row
// sources index into them), then the evidence of results settled earlier that it no longer holds (same
// starttime, log source and payload = same event). `fetch` is that list, so the evidence of a DETECTED
// settled on cycle 2 survives a failed fetch on cycle 7.
function merge(frozen: Frozen[], last: EventFetch): { judged: Judged[]; fetch: EventFetch } {
  const events = last.ok ? [...last.events] : [];
  const at = new Map<string, number>();
  events.forEach((e, i) => { if (!at.has(keyOf(e))) at.set(keyOf(e), i); });
  const judged = frozen.map((f) => remap(f.judged, (i) => {
    const e = f.events[i];
    let k = at.get(keyOf(e));
    if (k === undefined) { k = events.length; events.push(e); at.set(keyOf(e), k); }
    return k;
  }));
  return { judged, fetch: last.ok || events.length ? { ok: true, events } : last };
}

// An event's identity across fetches: the join key QRadar's rule rows carry (qradar/rows.ts eventKey).
function keyOf(e: NormalizedEvent): string {
  return `${e.starttime}|${e.logsourceid}|${e.payload}`;
}

type Failure = { code: string; error: string };

// One fetch for all targets (one search per cycle); only when it fails and there are several targets,
// one fetch per target, so one unreadable host does not blind the verdicts of the others. `failed` names
// every target whose log could not be read this cycle.
async function fetchLocalized(p: PollInput, window: TimeWindow): Promise<{ fetch: EventFetch; failed: Map<string, Failure> }> {
  const failed = new Map<string, Failure>();
  const all = await p.backend.fetchEvents({ window, targets: p.targets });
  if (all.ok || p.targets.length <= 1) {
    if (!all.ok) for (const t of p.targets) failed.set(t.name, all);
    return { fetch: all, failed };
  }
  const events = [];
  for (const t of p.targets) {
    const f = await p.backend.fetchEvents({ window, targets: [t] });
    if (f.ok) events.push(...f.events);
    else failed.set(t.name, f);
  }
  return { fetch: { ok: true, events }, failed };
}

// An execution on a target whose log could not be read. Nothing was seen, so nothing is proven:
// INCONCLUSIVE naming the read error. Except when a required signal's own sensor was found down by
// preflight: that signal cannot arrive whatever the back-end does, so NO_TELEMETRY naming that sensor
// (its detail carries the read error). A down sensor the signals do not need (script block logging for a
// Sysmon signal) changes nothing.
function judgeUnreadable(p: PollInput, exec: ExecutionInput, f: Failure, sensors: SensorState[]): Judged {
  const base = { tests: p.tests, executions: [exec], ruleRuns: new Map<string, RuleRun>(), ruleChecks: p.ruleChecks, view: p.view, sensors };
  const dead = new Set((p.tests.get(exec.guid)?.expectation?.signals ?? []).filter((s) => s.required && sensorDown(p, exec.target.name, s.source)).map((s) => s.id));
  if (dead.size === 0) return judge({ ...base, fetch: { ok: false, code: f.code, error: f.error } })[0];
  const j = judge({ ...base, fetch: { ok: true, events: [] } })[0];
  if (j.result.verdict !== 'NO_TELEMETRY') return j; // SKIPPED / NOT_EXECUTED come first
  const unread = `not evaluated: the log of ${exec.target.name} could not be read: ${f.error} [${f.code}]`;
  const signals = j.result.signals.map((s) => (dead.has(s.id) ? s : { ...s, reason: unread }));
  const reason = signals.filter((s) => dead.has(s.id)).map((s) => s.reason ?? `signal ${s.id} not found`).join('\n');
  return { ...j, result: { ...j.result, signals, reason } };
}

function sensorDown(p: PollInput, target: string, source?: SignalSource): boolean {
  return (p.sensors ?? []).some((s) => s.target === target && !s.ok && (source === undefined || s.source === source));
}

// The read error of a target whose sensor is down, as a sensor state (so NO_TELEMETRY names it).
function sensorFailures(p: PollInput, failed: Map<string, Failure>): SensorState[] {
  const out: SensorState[] = [];
  for (const [target, f] of failed) {
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
