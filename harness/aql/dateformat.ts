// DATEFORMAT with Java SimpleDateFormat semantics (Locale.US): letters G y Y M L w W D d F E u a H k K h
// m s S z Z X, text in '...' literal and '' for one quote. YYYY is the *week-year* (weeks start on Sunday,
// week 1 is the week holding January 1, as Java's default US calendar), which differs from yyyy in the
// last days of December: the reason `YYYY` is a lint finding.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const LETTERS = 'GyYMLwWDdFEuaHkKhmsSzZX';

/** One piece of a pattern: literal text or a letter run. */
type Part = { lit: string } | { letter: string; count: number };

/** A pattern that Java would reject (IllegalArgumentException). */
export class DatePatternError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

// Splits a SimpleDateFormat pattern into parts; throws DatePatternError on an unknown letter or open quote.
export function parseDatePattern(pattern: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        parts.push({ lit: "'" });
        i += 2;
        continue;
      }
      let j = i + 1;
      let lit = '';
      for (;;) {
        if (j >= pattern.length) throw new DatePatternError('Unterminated quote', i);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            lit += "'";
            j += 2;
            continue;
          }
          break;
        }
        lit += pattern[j++];
      }
      parts.push({ lit });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.includes(c)) throw new DatePatternError(`Illegal pattern character '${c}'`, i);
      let j = i;
      while (pattern[j] === c) j++;
      parts.push({ letter: c, count: j - i });
      i = j;
      continue;
    }
    parts.push({ lit: c });
    i++;
  }
  return parts;
}

const offsetCache = new Map<string, Intl.DateTimeFormat>();

// Offset of `zone` from UTC at instant `ms`, in minutes (UTC and fixed zones without Intl lookups).
export function zoneOffsetMinutes(ms: number, zone: string): number {
  if (zone === 'UTC' || zone === 'Etc/UTC' || zone === 'GMT') return 0;
  let f = offsetCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetCache.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(new Date(ms))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

function zoneShortName(ms: number, zone: string): string {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date(ms)).find((x) => x.type === 'timeZoneName');
  return part?.value ?? zone;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

// Java week-year and week-of-year for a UTC-fields date (firstDayOfWeek Sunday, minimalDays 1).
export function weekYear(y: number, m: number, d: number): { weekYear: number; week: number } {
  const t = Date.UTC(y, m, d);
  const dow = new Date(t).getUTCDay();
  const saturday = new Date(t + (6 - dow) * 86_400_000);
  const wy = saturday.getUTCFullYear();
  const jan1 = Date.UTC(wy, 0, 1);
  const week1Start = jan1 - new Date(jan1).getUTCDay() * 86_400_000;
  return { weekYear: wy, week: Math.floor((t - week1Start) / (7 * 86_400_000)) + 1 };
}

// Formats epoch ms with parsed pattern parts in an IANA time zone.
export function formatDate(ms: number, parts: Part[], zone: string): string {
  const off = zoneOffsetMinutes(ms, zone);
  const d = new Date(ms + off * 60_000);
  const Y = d.getUTCFullYear(), M = d.getUTCMonth(), D = d.getUTCDate(), dow = d.getUTCDay();
  const H = d.getUTCHours(), mi = d.getUTCMinutes(), s = d.getUTCSeconds(), S = d.getUTCMilliseconds();
  let out = '';
  for (const p of parts) {
    if ('lit' in p) {
      out += p.lit;
      continue;
    }
    const n = p.count;
    switch (p.letter) {
      case 'G': out += Y > 0 ? 'AD' : 'BC'; break;
      case 'y': out += n === 2 ? pad(Y % 100, 2) : pad(Y, n); break;
      case 'Y': { const wy = weekYear(Y, M, D).weekYear; out += n === 2 ? pad(wy % 100, 2) : pad(wy, n); break; }
      case 'M': case 'L': out += n >= 4 ? MONTHS[M] : n === 3 ? MONTHS[M].slice(0, 3) : pad(M + 1, n); break;
      case 'w': out += pad(weekYear(Y, M, D).week, n); break;
      case 'W': { const first = new Date(Date.UTC(Y, M, 1)).getUTCDay(); out += pad(Math.floor((D - 1 + first) / 7) + 1, n); break; }
      case 'D': out += pad(Math.floor((Date.UTC(Y, M, D) - Date.UTC(Y, 0, 1)) / 86_400_000) + 1, n); break;
      case 'd': out += pad(D, n); break;
      case 'F': out += pad(Math.floor((D - 1) / 7) + 1, n); break;
      case 'E': out += n >= 4 ? DAYS[dow] : DAYS[dow].slice(0, 3); break;
      case 'u': out += pad(dow === 0 ? 7 : dow, n); break;
      case 'a': out += H < 12 ? 'AM' : 'PM'; break;
      case 'H': out += pad(H, n); break;
      case 'k': out += pad(H === 0 ? 24 : H, n); break;
      case 'K': out += pad(H % 12, n); break;
      case 'h': out += pad(H % 12 === 0 ? 12 : H % 12, n); break;
      case 'm': out += pad(mi, n); break;
      case 's': out += pad(s, n); break;
      case 'S': out += pad(S, n); break;
      case 'z': out += zoneShortName(ms, zone); break;
      case 'Z': { const a = Math.abs(off); out += `${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60), 2)}${pad(a % 60, 2)}`; break; }
      case 'X': {
        if (off === 0) { out += 'Z'; break; }
        const a = Math.abs(off), sign = off < 0 ? '-' : '+';
        out += n === 1 ? `${sign}${pad(Math.floor(a / 60), 2)}` : n === 2 ? `${sign}${pad(Math.floor(a / 60), 2)}${pad(a % 60, 2)}` : `${sign}${pad(Math.floor(a / 60), 2)}:${pad(a % 60, 2)}`;
        break;
      }
    }
  }
  return out;
}
