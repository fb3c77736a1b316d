// LIKE / ILIKE and MATCHES / IMATCHES, compiled once per pattern. LIKE: `%` any run, `_` one character,
// every other character literal (a backslash too: QRadar has no LIKE escape, reference 2.3). MATCHES: a
// Java-style regex handed over unchanged, a leading (?i) turned into the i flag, full match by default.

/** A compiled string test. */
export type StringTest = (s: string) => boolean;

// The anchored, case-sensitive JS regex equivalent of a LIKE pattern (ILIKE: lower-case pattern and value first).
export function likeToRegExp(pattern: string): RegExp {
  let src = '^';
  for (const ch of pattern) {
    if (ch === '%') src += '[\\s\\S]*';
    else if (ch === '_') src += '[\\s\\S]';
    else src += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(src + '$');
}

// A fast case-sensitive test for a LIKE pattern: plain string methods for the %x%, x%, %x and exact shapes.
export function compileLikeCS(pattern: string): StringTest {
  const inner = pattern.replace(/^%+/, '').replace(/%+$/, '');
  const lead = pattern.startsWith('%');
  const trail = inner.length < pattern.length && pattern.endsWith('%');
  if (!/[%_]/.test(inner)) {
    if (inner.length === 0) return pattern.length > 0 ? () => true : (s) => s.length === 0;
    if (lead && trail) return (s) => s.includes(inner);
    if (lead) return (s) => s.endsWith(inner);
    if (trail) return (s) => s.startsWith(inner);
    return (s) => s === inner;
  }
  const re = likeToRegExp(pattern);
  return (s) => re.test(s);
}

// A LIKE (or, with caseInsensitive, ILIKE) test. ILIKE lower-cases both sides (String.toLowerCase, the
// Unicode mapping Java's String.toLowerCase also uses; QRadar's exact folding is undocumented [U]).
export function compileLike(pattern: string, caseInsensitive: boolean): StringTest {
  if (!caseInsensitive) return compileLikeCS(pattern);
  const cs = compileLikeCS(pattern.toLowerCase());
  return (s) => cs(s.toLowerCase());
}

/** A regex that does not compile in JavaScript (or uses a Java-only construct). */
export class RegexError extends Error {}

// A MATCHES/IMATCHES test. `mode` full (QRadar default, documented [U]) anchors the whole value.
export function compileMatches(pattern: string, caseInsensitive: boolean, mode: 'full' | 'find'): StringTest {
  const re = matchesToRegExp(pattern, caseInsensitive, mode);
  return (s) => re.test(s);
}

// Java regex text to a JS RegExp: leading (?i) -> i flag, \A \z \Z -> ^ $, possessive quantifiers rejected.
export function matchesToRegExp(pattern: string, caseInsensitive: boolean, mode: 'full' | 'find'): RegExp {
  let p = pattern;
  let ci = caseInsensitive;
  const m = /^\(\?([imsux]+)\)/.exec(p);
  let flags = '';
  if (m) {
    if (m[1].includes('i')) ci = true;
    if (m[1].includes('s')) flags += 's';
    if (m[1].includes('m')) flags += 'm';
    p = p.slice(m[0].length);
  }
  if (/(?<!\\)[*+?}][+]/.test(p)) throw new RegexError('possessive quantifiers (*+, ++, ?+) are Java-only');
  p = p.replace(/\\A/g, '^').replace(/\\[zZ]/g, '$');
  const src = mode === 'full' ? `^(?:${p})$` : p;
  try {
    return new RegExp(src, flags + (ci ? 'i' : ''));
  } catch (e) {
    throw new RegexError((e as Error).message);
  }
}
