// A model of PowerShell's expandable strings and here-strings, after about_Quoting_Rules and
// about_Special_Characters: in "..." (and @"..."@) a backtick escapes the next character (`0 `a `b `e
// `f `n `r `t `v are control characters, any other character stands for itself); `$` followed by a
// name character, `{`, `(` or another `$`/`?`/`^`/`:` starts an expansion; a double quote character
// (" or the typographic “ ” „) ends the string unless doubled. A here-string @"..."@ or @'...'@ starts
// after the line break following its opening and ends at a line starting with the quote and `@`.
// Not a real PowerShell: a faithful model of those documented rules, recording every expansion.

const DQ = '"\u201c\u201d\u201e';
const SQ = "'\u2018\u2019\u201a\u201b";
const isQuote = (set: string, c: string | undefined): boolean => c !== undefined && c !== '' && set.includes(c);
const ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

export interface PsString {
  value: string;
  /** Index just after the string. */
  end: number;
  /** Expansions ($name, $(...), ${...}) the string would perform: must be empty for data. */
  expansions: string[];
}

// Reads the body of an expandable string from s[i] until `stop(s, j)` says it ends.
function expandable(s: string, i: number, stop: (j: number) => number): PsString {
  let value = '';
  const expansions: string[] = [];
  let j = i;
  for (;;) {
    if (j >= s.length) throw new Error('unterminated expandable string');
    const n = stop(j);
    if (n > 0) return { value, end: j + n, expansions };
    const c = s[j]!;
    if (c === '`') {
      const e = s[j + 1];
      if (e === undefined) throw new Error('backtick at end');
      value += ESCAPES[e] ?? e;
      j += 2;
      continue;
    }
    if (c === '$' && /[A-Za-z0-9_{($?^:]/.test(s[j + 1] ?? '')) {
      expansions.push(s.slice(j, j + 12));
      value += c;
      j++;
      continue;
    }
    if (n < 0) {
      value += s[j + 1];
      j += 2; // a doubled quote
      continue;
    }
    value += c;
    j++;
  }
}

// Reads "..." starting at s[i] (a double quote character).
export function readDoubleQuoted(s: string, i: number): PsString {
  if (!isQuote(DQ, s[i])) throw new Error(`expected a double quote at ${i}`);
  // stop: 1 = the closing quote; -1 = a doubled quote (literal); 0 = go on.
  return expandable(s, i + 1, (j) => (isQuote(DQ, s[j]) ? (isQuote(DQ, s[j + 1]) ? -1 : 1) : 0));
}

// Reads a here-string @"..."@ or @'...'@ starting at s[i] (the @).
export function readHereString(s: string, i: number): PsString {
  const q = s[i + 1] ?? '';
  const literal = isQuote(SQ, q);
  if (s[i] !== '@' || (!literal && !isQuote(DQ, q))) throw new Error(`expected a here-string at ${i}`);
  const nl = s.indexOf('\n', i);
  if (nl < 0 || s.slice(i + 2, nl).trim() !== '') throw new Error('here-string opening must end its line');
  const quotes = literal ? SQ : DQ;
  // Ends at a line break followed by quote + @ (the line break before it is not part of the value).
  const stop = (j: number): number => (s[j] === '\n' && isQuote(quotes, s[j + 1]) && s[j + 2] === '@' ? 3 : 0);
  if (!literal) return expandable(s, nl + 1, stop);
  let j = nl + 1;
  for (;;) {
    if (j >= s.length) throw new Error('unterminated here-string');
    const n = stop(j);
    if (n) return { value: s.slice(nl + 1, j), end: j + n, expansions: [] };
    j++;
  }
}
