// Durations as people write them in YAML (`10m`, `90s`, `1h`, `500ms`) turned into milliseconds.
import type { SourceLocation } from '../errors.js';
import { HarnessError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_RE = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

/** Parses `10m` / `90s` / `1h` / `500ms` / `1d` (or a bare number of ms) to ms; undefined when it is not a duration. */
export function tryParseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const m = DURATION_RE.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
}

/** Parses a duration or throws HARNESS_DURATION_INVALID naming the value and where it was written. */
export function parseDuration(value: unknown, location?: SourceLocation): number {
  const ms = tryParseDuration(value);
  if (ms === undefined) {
    throw new HarnessError('HARNESS_DURATION_INVALID', `not a duration: ${JSON.stringify(value)}`, {
      location,
      fix: 'write a number with a unit: 500ms, 90s, 10m, 1h or 1d',
    });
  }
  return ms;
}
