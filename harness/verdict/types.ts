// The inputs of the verdict core. judge() is a pure function of these: the catalog, what each execution
// did, the events the back-end returned, the rule runs over those events, and how to read an event's
// raw fields. Nothing here talks to a host, a clock or a file.
import type { AtomicTest, SignalSource, TestExpectation } from '../model/catalog.js';
import type { NormalizedEvent } from '../model/event.js';
import type { ExecutionRecord, SignalResult } from '../model/report.js';
import type { TimeWindow } from '../telemetry/types.js';

/** How an event was tied to an execution. 'recording' = replayed file, no marker can exist. */
export type Tie = NonNullable<SignalResult['tie']> | 'recording';

/** One execution of one atomic test on one target, as the orchestrator (or a replay map) reports it. */
export interface ExecutionInput {
  guid: string;
  target: { name: string; os: string; hostnames?: string[]; logSourceNames?: string[]; identity?: { uid?: number; auid?: number } };
  marker: string;
  /** Every argument the command ran with, built-ins included (harness_marker, harness_cert_thumbprint...). */
  args: Record<string, string>;
  /** Did not run on purpose (platform mismatch, filtered): the reason. */
  skipped?: string;
  /** Should have run but did not or failed (prerequisite, lost connection, non-zero exit): the reason. */
  notExecuted?: string;
  execution: ExecutionRecord | null;
  thumbprint?: string;
  /** When the behaviour ran (harness clock), for window ties and latency. */
  window: TimeWindow;
  /** Events come from a recording of exactly this execution: every event belongs to it, no marker exists. */
  recording?: boolean;
}

/** What preflight found about a sensor on a target (NO_TELEMETRY names it). */
export interface SensorState {
  target: string;
  source: SignalSource;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** The engine's explanation of why a rule's WHERE did or did not accept one event. */
export interface RuleExplanation {
  matched: boolean;
  text: string;
  predicate?: string;
  location?: { line?: number; column?: number };
  left?: unknown;
  right?: unknown;
}

/** Per rule: whether it compiled (a rejected rule is a rule defect, not a back-end failure) and its explainer. */
export interface RuleCheck {
  rejected?: string;
  explain?(event: NormalizedEvent): RuleExplanation;
}

/** How to read events: which telemetry source an event is, and a raw source field's value. */
export interface EventView {
  sourceOf(e: NormalizedEvent): SignalSource | null;
  field(e: NormalizedEvent, rawField: string): string | null;
}

export interface TestDefinition {
  test: AtomicTest;
  expectation?: TestExpectation;
}

export interface JudgeOptions {
  /** Extra ms around the execution window for window ties (clock skew, process start before the marker). */
  windowSlackMs?: number;
  /** Most events kept as references per signal. */
  maxRefsPerSignal?: number;
}

/** Evaluates rules over a set of events (the embedded AQL engine, through harness/verdict/engine.ts). */
export interface RuleEngine {
  /** Compiles a rule: rejected (with the engine's message) or an explainer. */
  /** `now` anchors relative time clauses for explanations (default: the current time). */
  check(rule: { id: string; text: string; path?: string }, now?: number): RuleCheck;
  /** Runs rules over events; `now` anchors relative time clauses (LAST n HOURS). Rows' sources index into events. */
  run(rules: { id: string; text: string; path?: string }[], events: NormalizedEvent[], now: number): Map<string, import('../model/backend.js').RuleRun>;
}
