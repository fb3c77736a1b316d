// What the CLI and other areas call to evaluate AQL over event files: read the query, the profile and the
// events (any format the telemetry parsers support, normalised JSONL included), run, and shape the result
// as an Ariel results body ({"events":[...]} or {"flows":[...]}).
import { readFileSync } from 'node:fs';
import type { NormalizedEvent } from '../model/event.js';
import type { PropertyProfile } from '../model/profile.js';
import type { AqlRow } from '../model/backend.js';
import type { ParseWarning } from '../model/event.js';
import { HarnessError } from '../errors.js';
import { loadProfile, readEventFiles } from '../telemetry/index.js';
import { compileAql } from './query.js';
import type { AqlEnv } from './env.js';

/** An Ariel results body. */
export type ArielBody = { events: AqlRow[] } | { flows: AqlRow[] };

// Evaluates AQL text over events and returns the Ariel results body.
export function evaluateAqlText(text: string, events: Iterable<NormalizedEvent>, env: AqlEnv, opts: { file?: string } = {}): ArielBody {
  const q = compileAql(text, env, opts);
  const rows = q.run(events);
  return q.table === 'flows' ? { flows: rows } : { events: rows };
}

// Reads a query file ('-' = stdin); a missing file is a located HarnessError.
export function readQueryFile(path: string): { text: string; file: string } {
  if (path === '-') return { text: readFileSync(0, 'utf8'), file: '<stdin>' };
  try {
    return { text: readFileSync(path, 'utf8'), file: path };
  } catch {
    throw new HarnessError('HARNESS_AQL_QUERY_NOT_FOUND', `cannot read query file ${path}`, { location: { file: path }, fix: 'check the path, or pass - to read the query from stdin', phase: 'io' });
  }
}

// The property profile by name or path (default: stock).
export function loadAqlProfile(name?: string): PropertyProfile {
  return loadProfile(name ?? 'stock');
}

// Reads and normalises every event of the files, in order; parser warnings go to onWarning.
export async function readEventsForAql(paths: string[], profile: PropertyProfile, onWarning?: (w: ParseWarning) => void): Promise<NormalizedEvent[]> {
  const out: NormalizedEvent[] = [];
  for await (const e of readEventFiles(paths, { profile, onWarning })) out.push(e);
  return out;
}

// `--now` as epoch ms: ISO 8601 text or epoch ms digits.
export function parseNow(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) throw new HarnessError('HARNESS_AQL_BAD_NOW', `--now '${value}' is not a time`, { fix: "give ISO 8601 (2026-11-22T06:00:00Z) or epoch milliseconds", phase: 'config' });
  return ms;
}
