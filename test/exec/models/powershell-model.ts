// A model of the PowerShell language rules our quoting relies on (about_Quoting_Rules, about_Parsing):
// a single-quoted string is verbatim except that a quote character (' or the typographic ‘ ’ ‚ ‛)
// must be doubled; in argument mode a bare word of plain characters is a string; a parenthesised
// expression `( 'a' + [char]10 + 'b' )` is evaluated to one value. Also PowerShell 5.1's legacy
// passing of an argument to a native program: wrapped in "..." when it contains whitespace, inner
// quotes not escaped. Not a real PowerShell: a faithful model of those documented rules.

const QUOTES = "'\u2018\u2019\u201a\u201b";

// Reads a single-quoted string starting at s[i]; returns its value and the index after it.
export function readSingleQuoted(s: string, i: number): { value: string; end: number } {
  if (!QUOTES.includes(s[i])) throw new Error(`expected a single quote at ${i}`);
  let value = '';
  let j = i + 1;
  for (;;) {
    if (j >= s.length) throw new Error('unterminated single-quoted string');
    const c = s[j];
    if (QUOTES.includes(c)) {
      if (j + 1 < s.length && QUOTES.includes(s[j + 1])) { value += s[j + 1]; j += 2; continue; }
      return { value, end: j + 1 };
    }
    value += c;
    j++;
  }
}

// Evaluates one argument as produced by psQuote (bare word, '...', or ('..'+[char]N+..)); throws on anything else.
export function evalPsArgument(arg: string): string {
  if (/^[A-Za-z][A-Za-z0-9_.:\\/-]*$/.test(arg)) return arg;
  if (QUOTES.includes(arg[0])) {
    const r = readSingleQuoted(arg, 0);
    if (r.end !== arg.length) throw new Error(`trailing text after string: ${arg.slice(r.end)}`);
    return r.value;
  }
  if (arg.startsWith('(') && arg.endsWith(')')) {
    let i = 1;
    let out = '';
    const body = arg.slice(0, -1);
    for (;;) {
      if (QUOTES.includes(body[i])) {
        const r = readSingleQuoted(body, i);
        out += r.value;
        i = r.end;
      } else {
        const m = /^\[char\](\d+)/.exec(body.slice(i));
        if (!m) throw new Error(`unexpected expression text at ${i}: ${body.slice(i)}`);
        out += String.fromCharCode(Number(m[1]));
        i += m[0].length;
      }
      if (i === body.length) return out;
      if (body[i] !== '+') throw new Error(`expected + at ${i}`);
      i++;
    }
  }
  throw new Error(`not a quoted PowerShell argument: ${arg}`);
}

// PowerShell 5.1 (legacy) native argument passing of one string argument.
export function legacyNativeArg(value: string): string {
  return /\s/.test(value) || value === '' ? `"${value}"` : value;
}
