// The back-end plug-in point: where verdicts get their events and rule results. `local` evaluates rules
// with the embedded AQL engine over events collected from the targets' own logs; `qradar` asks Ariel;
// `replay` uses recorded files. A back-end failure is reported (ok: false), never turned into a miss.
import type { NormalizedEvent } from './event.js';
import type { RuleFile } from './catalog.js';
import type { Target } from './config.js';
import type { TimeWindow } from '../telemetry/types.js';

export type AqlRow = Record<string, unknown>;

export interface RuleRowWithSource {
  row: AqlRow;
  /** Indexes into the `events` array of the same fetch that produced this row (empty if unknown). */
  sources: number[];
}

export type RuleRun =
  | { ok: true; rows: RuleRowWithSource[] }
  | { ok: false; code: string; error: string };

export type EventFetch =
  | { ok: true; events: NormalizedEvent[] }
  | { ok: false; code: string; error: string };

export interface BackendRequest {
  window: TimeWindow;
  targets: Target[];
}

export interface TelemetryBackend {
  readonly name: 'local' | 'qradar' | 'replay';
  /**
   * How long after an event happened the back-end may still hold it back (the local audit reader keeps
   * an event until it is complete): no result is final before its execution's end + holdMs.
   */
  readonly holdMs?: number;
  /** All events of the window from these targets, normalised with the active profile. */
  fetchEvents(req: BackendRequest): Promise<EventFetch>;
  /**
   * Evaluates each rule over the window. `events` is the array fetchEvents returned in the same poll
   * cycle; rows' `sources` index into it, so a row can be tied to one execution's events.
   */
  runRules(req: BackendRequest & { rules: RuleFile[]; events: NormalizedEvent[] }): Promise<Map<string, RuleRun>>;
  close?(): Promise<void>;
}
