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

/** The shape of a LIKE pattern: which plain string method decides it (`text` is the fixed part). */
export type LikeShape =
  | { kind: 'any' | 'empty'; text: '' }
  | { kind: 'includes' | 'startsWith' | 'endsWith' | 'equals'; text: string }
  | { kind: 'regex'; text: string };

// Classifies a LIKE pattern (shared by compileLikeCS and the code generator, so both decide alike).
export function likeShape(pattern: string): LikeShape {
  const inner = pattern.replace(/^%+/, '').replace(/%+$/, '');
  const lead = pattern.startsWith('%');
  const trail = inner.length < pattern.length && pattern.endsWith('%');
  if (/[%_]/.test(inner)) return { kind: 'regex', text: pattern };
  if (inner.length === 0) return pattern.length > 0 ? { kind: 'any', text: '' } : { kind: 'empty', text: '' };
  if (lead && trail) return { kind: 'includes', text: inner };
  if (lead) return { kind: 'endsWith', text: inner };
  if (trail) return { kind: 'startsWith', text: inner };
  return { kind: 'equals', text: inner };
}

// A fast case-sensitive test for a LIKE pattern: plain string methods for the %x%, x%, %x and exact shapes.
export function compileLikeCS(pattern: string): StringTest {
  const sh = likeShape(pattern);
  const inner = sh.text;
  switch (sh.kind) {
    case 'any': return () => true;
    case 'empty': return (s) => s.length === 0;
    case 'includes': return (s) => s.includes(inner);
    case 'endsWith': return (s) => s.endsWith(inner);
    case 'startsWith': return (s) => s.startsWith(inner);
    case 'equals': return (s) => s === inner;
    case 'regex': { const re = likeToRegExp(pattern); return (s) => re.test(s); }
  }
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

// A regex that every value whose lower-case form contains one of the needles matches, tested on the value
// itself so that the 98% of events that match none are rejected without allocating their lower-case copy.
// Sound because String.toLowerCase maps only A-Z, U+0130 (to "i" + U+0307) and U+212A (to "k") onto ASCII
// (checked over every code point), so an ASCII needle in lower(s) comes from [xX] per letter (plus U+0130
// for i, U+212A for k) and from itself for every other character. null when a needle is not plain
// lower-case ASCII (no prefilter then).
export function lowerPrefilter(needles: string[]): RegExp | null {
  const alts: string[] = [];
  for (const n of needles) {
    if (n.length === 0 || !/^[\x00-\x7f]*$/.test(n) || /[A-Z]/.test(n)) return null;
    let src = '';
    for (const ch of n) {
      if (ch >= 'a' && ch <= 'z') src += `[${ch}${ch.toUpperCase()}${ch === 'i' ? '\u0130' : ch === 'k' ? '\u212a' : ''}]`;
      else src += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
    alts.push(src);
  }
  return alts.length ? new RegExp(alts.length === 1 ? alts[0] : `(?:${alts.join('|')})`) : null;
}

// The longest string contained in every one of texts ('' when they share nothing).
export function commonSubstring(texts: string[]): string {
  const [first, ...rest] = [...texts].sort((a, b) => a.length - b.length);
  if (first.length > 256) return '';
  for (let len = first.length; len > 0; len--) {
    for (let i = 0; i + len <= first.length; i++) {
      const cand = first.slice(i, i + len);
      if (rest.every((t) => t.includes(cand))) return cand;
    }
  }
  return '';
}
