// The time clause resolved to a [start, stop) window in epoch ms, with the minute granularity the AQL
// guide documents (reference 2.8): START is floored to the minute; a STOP written without seconds is
// exclusive, a STOP with seconds includes that whole minute (epoch-ms values count as "with seconds"
// unless they fall exactly on a minute). LAST n UNITS is [now - n units, now).
import type { TimeClause, TimeValue } from './ast.js';
import { UNIT_MS } from './parser.js';
import { zoneOffsetMinutes } from './dateformat.js';

export interface TimeWindowMs {
  start: number;
  stop: number;
}

const MINUTE = 60_000;
const DATE_RE = /^(\d{4})[-/:](\d{1,2})[-/:](\d{1,2})[ T-](\d{1,2}):(\d{2})(?::(\d{2}))?(Z)?$/;

/** A time value that cannot be read (message says which formats are accepted). */
export class TimeValueError extends Error {
  constructor(message: string, readonly pos?: number) {
    super(message);
  }
}

// Wall-clock fields in `zone` to epoch ms (two passes settle DST transitions).
export function zonedToEpoch(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  let t = guess - zoneOffsetMinutes(guess, zone) * MINUTE;
  t = guess - zoneOffsetMinutes(t, zone) * MINUTE;
  return t;
}

// Reads PARSEDATETIME's relative forms: 'now', 'N unit(s) ago' (second..year).
export function parseRelative(text: string, now: number): number {
  const t = text.trim().toLowerCase();
  if (t === 'now') return now;
  const m = /^(\d+)\s*(second|minute|hour|day|week|month|year)s?\s+ago$/.exec(t);
  if (!m) throw new TimeValueError(`PARSEDATETIME('${text}') is not a relative time; use 'N minutes ago', 'N hours ago', 'N days ago' or 'now'`);
  const n = Number(m[1]);
  const unit = m[2];
  if (unit === 'month' || unit === 'year') {
    const d = new Date(now);
    if (unit === 'month') d.setUTCMonth(d.getUTCMonth() - n);
    else d.setUTCFullYear(d.getUTCFullYear() - n);
    return d.getTime();
  }
  const ms = { second: 1000, minute: MINUTE, hour: 3_600_000, day: 86_400_000, week: 604_800_000 }[unit]!;
  return now - n * ms;
}

// One START/STOP value as epoch ms plus whether it carried seconds.
function timeValue(v: TimeValue, now: number, zone: string): { ms: number; withSeconds: boolean } {
  if (v.kind === 'epoch') return { ms: v.value, withSeconds: v.value % MINUTE !== 0 };
  if (v.kind === 'relative') {
    let ms: number;
    try {
      ms = parseRelative(v.value, now);
    } catch (e) {
      throw new TimeValueError((e as Error).message, v.start);
    }
    return { ms, withSeconds: ms % MINUTE !== 0 };
  }
  const m = DATE_RE.exec(v.value.trim());
  if (!m) throw new TimeValueError(`'${v.value}' is not a time AQL accepts; use 'yyyy-MM-dd HH:mm', 'yyyy-MM-dd HH:mm:ss' (also with / or : separators) or epoch ms`, v.start);
  const [, y, mo, d, h, mi, s, z] = m;
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0)] as const;
  const ms = z ? Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]) : zonedToEpoch(...fields, zone);
  return { ms, withSeconds: s !== undefined };
}

// The window of a time clause, or null when the query has none.
export function resolveWindow(tc: TimeClause | null, now: number, zone: string): TimeWindowMs | null {
  if (!tc) return null;
  if (tc.kind === 'last') return { start: now - tc.amount * UNIT_MS[tc.unit], stop: now };
  const a = timeValue(tc.from, now, zone);
  const start = Math.floor(a.ms / MINUTE) * MINUTE;
  if (!tc.stop) return { start, stop: now };
  const b = timeValue(tc.stop, now, zone);
  const stopMinute = Math.floor(b.ms / MINUTE) * MINUTE;
  return { start, stop: b.withSeconds ? stopMinute + MINUTE : stopMinute };
}
