// Field matchers of expectation signals (DESIGN section 5): equals, contains, contains_all, startswith,
// endswith, regex, in, exists. Case-insensitive unless `case: sensitive`. Values may hold #{args}.
import type { FieldMatcher } from '../model/catalog.js';
import { literalParts, resolveArgs, hasArgs } from './args.js';

export type ValueTest = (actual: string | null) => boolean;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Turns one matcher into a test of a field value. With `recording`, each #{...} becomes a wildcard
 * (a recording ran with unknown arguments); otherwise it is replaced by the execution's value.
 * `marker` is the execution's marker (ath-<run8>-<seq>): markers are not self-delimiting (ath-x-1 is a
 * prefix of ath-x-10 .. ath-x-19, another execution), so where a resolved value ends with it, the
 * character after it in the field must not be a digit.
 */
export function compileMatcher(m: FieldMatcher, args: Record<string, string>, recording = false, marker?: string): ValueTest {
  const flags = m.caseSensitive ? 's' : 'is';
  if (m.op === 'exists') {
    const want = m.value !== false;
    return (a) => (a !== null && a !== undefined) === want;
  }
  const values = (Array.isArray(m.value) ? m.value : [m.value]).map((v) => String(v));
  if (m.op === 'regex') {
    const res = values.map((v) => {
      const src = recording ? v.replace(/#\{[A-Za-z0-9_]+\}/g, '.*') : v.replace(/#\{([A-Za-z0-9_]+)\}/g, (w, n: string) => (n in args ? escapeRe(args[n]) + (endsWithMarker(args[n], marker, false) ? '(?![0-9])' : '') : w));
      return new RegExp(src, flags.replace('s', '') || undefined);
    });
    return (a) => a !== null && res.every((r) => r.test(a));
  }
  // equals/contains/startswith/endswith/in/contains_all become anchored patterns when a recording
  // relaxes #{...} to a wildcard; otherwise plain string comparisons on resolved values.
  const one = (v: string, anchorStart: boolean, anchorEnd: boolean): ValueTest => {
    if (recording && hasArgs(v)) {
      const re = new RegExp((anchorStart ? '^' : '') + literalParts(v).map(escapeRe).join('.*') + (anchorEnd ? '$' : ''), flags);
      return (a) => a !== null && re.test(a);
    }
    const want = fold(resolveArgs(v, args), m.caseSensitive);
    const guard = endsWithMarker(want, marker, !m.caseSensitive);
    // With the guard, a match is one not followed by a digit (anchored ends need no guard).
    const ok = (got: string, at: number): boolean => !guard || !/[0-9]/.test(got[at + want.length] ?? '');
    return (a) => {
      if (a === null) return false;
      const got = fold(a, m.caseSensitive);
      if (anchorStart && anchorEnd) return got === want;
      if (anchorStart) return got.startsWith(want) && ok(got, 0);
      if (anchorEnd) return got.endsWith(want);
      for (let at = got.indexOf(want); at >= 0; at = got.indexOf(want, at + 1)) if (ok(got, at)) return true;
      return false;
    };
  };
  switch (m.op) {
    case 'equals': return one(values[0], true, true);
    case 'startswith': return one(values[0], true, false);
    case 'endswith': return one(values[0], false, true);
    case 'contains': return one(values[0], false, false);
    case 'contains_all': { const ts = values.map((v) => one(v, false, false)); return (a) => ts.every((t) => t(a)); }
    case 'in': { const ts = values.map((v) => one(v, true, true)); return (a) => ts.some((t) => t(a)); }
    default: {
      const never: never = m.op;
      throw new Error(`unknown matcher ${String(never)}`);
    }
  }
}

function endsWithMarker(value: string, marker: string | undefined, folded: boolean): boolean {
  return !!marker && (folded ? value.endsWith(marker.toLowerCase()) : value.endsWith(marker));
}

function fold(s: string, caseSensitive: boolean): string {
  return caseSensitive ? s : s.toLowerCase();
}

/** The matcher as the user wrote it, resolved for this execution, for evidence and reasons. */
export function describeMatcher(field: string, m: FieldMatcher, args: Record<string, string>): string {
  const v = Array.isArray(m.value) ? `[${m.value.map((x) => resolveArgs(String(x), args)).join(', ')}]` : resolveArgs(String(m.value), args);
  return `${field} ${m.op} ${v}${m.caseSensitive ? ' (case-sensitive)' : ''}`;
}
