// The TelemetrySource plug-in point: where events come from (local log files, live logs over an executor,
// QRadar). Sources yield normalised events; parsers never throw on a bad record (they warn and go on).
import type { NormalizedEvent, ParseWarning } from '../model/event.js';

export interface TimeWindow {
  start: number; // epoch ms, inclusive
  stop: number; // epoch ms, exclusive
}

export interface TelemetrySource {
  readonly name: string;
  /** Events within the window (best effort: sources without time filtering yield all). */
  events(window?: TimeWindow): AsyncIterable<NormalizedEvent>;
  /** Warnings collected so far (skipped records). */
  warnings(): ParseWarning[];
}
