// Signal matching: which of the back-end's events are the ones an expectation signal describes, for one
// execution. Marker or thumbprint ties first (the value the event must carry is unique to the execution);
// otherwise host + the signal's own process matchers + the execution's time window, recorded as 'window'.
import type { Signal } from '../model/catalog.js';
import type { NormalizedEvent } from '../model/event.js';
import { referencedArgs, TYING_ARGS } from './args.js';
import { compileMatcher, describeMatcher, type ValueTest } from './matchers.js';
import type { EventView, ExecutionInput, SensorState, Tie } from './types.js';

export interface SignalMatch {
  id: string;
  required: boolean;
  found: boolean;
  /** Indexes into the events array given to matchSignal: the evidence (at most maxRefs). */
  refs: number[];
  /** Every matching event (a rule row from any of them is this execution's). */
  tied: number[];
  tie?: Tie;
  latencyMs: number | null;
  reason?: string;
}

const DEFAULT_SLACK_MS = 2_000;

/** How a signal ties events to this execution: by what its matchers carry, else by the time window. */
export function signalTie(signal: Signal, exec: ExecutionInput): Tie {
  if (exec.recording) return 'recording';
  let tie: Tie = 'window';
  for (const matchers of Object.values(signal.where)) {
    for (const m of matchers) {
      for (const v of Array.isArray(m.value) ? m.value : [m.value]) {
        for (const name of referencedArgs(String(v))) {
          if (!TYING_ARGS.has(name)) continue;
          const value = exec.args[name] ?? '';
          if (name === 'harness_cert_thumbprint' && value) return 'thumbprint';
          if (exec.marker && value.includes(exec.marker)) tie = 'marker';
        }
      }
    }
  }
  return tie;
}

/** Whether an event comes from the execution's target (unknown host information is not a mismatch). */
export function eventFromTarget(e: NormalizedEvent, exec: ExecutionInput): boolean {
  const names = (exec.target.hostnames ?? []).filter(Boolean).map(short);
  if (names.length === 0) return true;
  const seen = [e.hostname, e.sourceip].filter((x): x is string => !!x);
  if (seen.length === 0) return true;
  if (seen.some((s) => names.includes(short(s)))) return true;
  // QRadar names a host's log source "<host> @ <ip>" (or as the target's qradar.logSourceName says).
  const ls = (e.logsourcename ?? '').toLowerCase();
  return (exec.target.logSourceNames ?? []).some((n) => n.toLowerCase() === ls);
}

function short(h: string): string {
  const l = h.toLowerCase();
  return /^\d+\.\d+\.\d+\.\d+$/.test(l) ? l : l.split('.')[0];
}

/** Lab targets share one kernel audit log: their auditd events are told apart by the login uid. */
function sameAuditUser(e: NormalizedEvent, exec: ExecutionInput, view: EventView): boolean {
  const id = exec.target.identity;
  if (!id || (id.auid === undefined && id.uid === undefined) || view.sourceOf(e) !== 'auditd') return true;
  if (id.auid !== undefined) {
    const auid = view.field(e, 'auid');
    if (auid !== null && auid !== String(id.auid)) return false;
  }
  if (id.uid !== undefined && id.auid === undefined) {
    const uid = view.field(e, 'uid');
    if (uid !== null && uid !== String(id.uid)) return false;
  }
  return true;
}

/** The event's own time (log source time when known), for window ties. */
export function eventTime(e: NormalizedEvent): number {
  return e.devicetime > 0 ? e.devicetime : e.starttime;
}

/** Finds the events of one signal for one execution. */
export function matchSignal(signal: Signal, exec: ExecutionInput, events: NormalizedEvent[], view: EventView, sensors: SensorState[] = [], opts: { windowSlackMs?: number; maxRefs?: number } = {}): SignalMatch {
  const tie = signalTie(signal, exec);
  const slack = opts.windowSlackMs ?? DEFAULT_SLACK_MS;
  const tests: [string, ValueTest][] = [];
  for (const [field, matchers] of Object.entries(signal.where)) {
    for (const m of matchers) tests.push([field, compileMatcher(m, exec.args, !!exec.recording, exec.marker)]);
  }
  const refs: number[] = [];
  // Every matching event ties rule rows to the execution; only the first maxRefs are kept as evidence.
  const tied: number[] = [];
  const maxRefs = opts.maxRefs ?? 50;
  let candidates = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (view.sourceOf(e) !== signal.source) continue;
    if (signal.event_id !== undefined && e.eventid !== signal.event_id) continue;
    if (tie === 'window') {
      if (!eventFromTarget(e, exec) || !sameAuditUser(e, exec, view)) continue;
      const t = eventTime(e);
      if (t < exec.window.start - slack || t > exec.window.stop + slack) continue;
    }
    candidates++;
    if (tests.every(([field, test]) => test(view.field(e, field)))) {
      tied.push(i);
      if (refs.length < maxRefs) refs.push(i);
    }
  }
  const found = refs.length > 0;
  const first = found ? Math.min(...refs.map((i) => events[i].starttime)) : null;
  const latencyMs = first !== null && !exec.recording ? Math.max(0, first - exec.window.start) : null;
  const out: SignalMatch = { id: signal.id, required: signal.required, found, refs, tied, tie, latencyMs };
  if (!found) out.reason = missingReason(signal, exec, candidates, tie, sensors);
  return out;
}

function missingReason(signal: Signal, exec: ExecutionInput, candidates: number, tie: Tie, sensors: SensorState[]): string {
  const what = `${signal.source}${signal.event_id !== undefined ? ` event ${signal.event_id}` : ''}`;
  const conds = Object.entries(signal.where).flatMap(([f, ms]) => ms.map((m) => describeMatcher(f, m, exec.args)));
  const scope = tie === 'window' ? ` from ${exec.target.name} within the execution window` : tie === 'recording' ? ' in the recording' : '';
  let text = `signal ${signal.id}: no ${what}${scope}${conds.length ? ` with ${conds.join(' and ')}` : ''}`;
  text += candidates ? ` (${candidates} ${what} event(s) seen, none matched)` : ` (no ${what} event seen at all)`;
  const states = sensors.filter((s) => s.target === exec.target.name && s.source === signal.source);
  const sensor = states.find((s) => !s.ok) ?? states[0];
  if (sensor) text += `; sensor ${signal.source} on ${exec.target.name}: ${sensor.ok ? 'ok' : 'NOT OK'}: ${sensor.detail}${sensor.fix ? ` (fix: ${sensor.fix})` : ''}`;
  else if (!candidates) text += `; no preflight state for ${signal.source} on ${exec.target.name}`;
  return text;
}
