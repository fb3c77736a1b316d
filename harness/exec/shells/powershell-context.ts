// A lexer of PowerShell quoting (about_Quoting_Rules, about_Comment_Based_Help): '...' and "..." with
// the typographic quote characters PowerShell also accepts, backtick escapes, $(...) subexpressions,
// ${...}, @"..."@ / @'...'@ here-strings, # and <# #> comments; and the encoding of a value for each:
// bare -> psQuote; '...' -> every single quote doubled; "..." and @"..."@ -> ` $ and every double quote
// backtick-escaped, line breaks as `r `n; @'...'@ and comments -> as is when that cannot end them.
import type { ContextLexer } from './context.js';
import { PLAIN, unquotableArg } from './context.js';
import { psQuote } from './powershell.js';

const SQ = new Set(["'", '\u2018', '\u2019', '\u201a', '\u201b']);
const DQ = new Set(['"', '\u201c', '\u201d', '\u201e']);
// Characters that, right after an unescaped `$`, make it a variable or subexpression.
const EXTENDS_DOLLAR = /^[A-Za-z0-9_?^:${('"\u2018-\u201e]/;

type Frame =
  | { k: 'code'; close: ')' | null; depth: number; tokenStart: boolean }
  | { k: 'sq' | 'dq' | 'brace' | 'comment' | 'block' }
  | { k: 'hdq' | 'hsq'; opening: boolean; lineStart: boolean; endQuote: boolean };

function code(close: ')' | null): Frame {
  return { k: 'code', close, depth: 0, tokenStart: true };
}

export class PowerShellLexer implements ContextLexer {
  private stack: Frame[] = [code(null)];
  private escape = false;
  private dollar = false;
  private quoteClose = false; // a quote inside '...' or "..." that is either the end or the first of a doubled pair
  private at = false;
  private lt = false;
  private hash = false;

  // A pending quote at the end of '...' or "..." counts as closing it (the next character decides, and
  // encode() refuses a value whose closing quote a quote in the atomic would turn into a doubled one).
  private settled(): Frame[] {
    return this.quoteClose ? this.stack.slice(0, -1) : this.stack;
  }
  depth(): number {
    return this.stack.length;
  }
  signature(): string {
    return this.settled().map((f) => f.k).join('/');
  }
  reopens(): boolean {
    return false;
  }
  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }
  /** The innermost open context (code, a string, a comment...). */
  topKind(): Frame['k'] {
    return this.top().k;
  }

  feed(ch: string): void {
    const f = this.top();
    if (f.k === 'sq' || f.k === 'dq') {
      const quotes = f.k === 'sq' ? SQ : DQ;
      if (this.quoteClose) {
        this.quoteClose = false;
        if (quotes.has(ch)) return; // doubled: a literal quote
        this.stack.pop();
        return this.feed(ch);
      }
      if (f.k === 'sq') {
        if (SQ.has(ch)) this.quoteClose = true;
        return;
      }
      if (this.expandable(ch)) return;
      if (DQ.has(ch)) this.quoteClose = true;
      return;
    }
    if (f.k === 'hdq' || f.k === 'hsq') return this.hereChar(f, ch);
    if (f.k === 'brace') {
      if (this.escape) this.escape = false;
      else if (ch === '`') this.escape = true;
      else if (ch === '}') this.stack.pop();
      return;
    }
    if (f.k === 'comment') {
      if (ch === '\n' || ch === '\r') {
        this.stack.pop();
        this.feed(ch);
      }
      return;
    }
    if (f.k === 'block') {
      if (this.hash && ch === '>') this.stack.pop();
      this.hash = ch === '#';
      return;
    }
    this.codeChar(f as Extract<Frame, { k: 'code' }>, ch);
  }

  // Backtick escapes and `$` in an expandable string; true when `ch` was consumed.
  private expandable(ch: string): boolean {
    if (this.escape) {
      this.escape = false;
      return true;
    }
    if (this.dollar) {
      this.dollar = false;
      if (ch === '(') return this.stack.push(code(')')), true;
      if (ch === '{') return this.stack.push({ k: 'brace' }), true;
    }
    if (ch === '`') return (this.escape = true);
    if (ch === '$') return (this.dollar = true);
    return false;
  }

  private hereChar(f: Extract<Frame, { k: 'hdq' | 'hsq' }>, ch: string): void {
    const brk = ch === '\n' || ch === '\r';
    if (f.opening) {
      if (brk) {
        f.opening = false;
        f.lineStart = true;
      }
      return;
    }
    if (f.endQuote) {
      f.endQuote = false;
      if (ch === '@') return void this.stack.pop();
    }
    if (f.k === 'hdq' && !brk && this.expandable(ch)) {
      f.lineStart = false;
      return;
    }
    if (f.lineStart && (f.k === 'hdq' ? DQ : SQ).has(ch)) f.endQuote = true;
    f.lineStart = brk;
  }

  private codeChar(f: Extract<Frame, { k: 'code' }>, ch: string): void {
    if (this.escape) {
      this.escape = false;
      f.tokenStart = false;
      return;
    }
    if (this.dollar) {
      this.dollar = false;
      if (ch === '(') return void this.stack.push(code(')'));
      if (ch === '{') return void this.stack.push({ k: 'brace' });
    }
    if (this.at) {
      this.at = false;
      if (DQ.has(ch)) return void this.stack.push({ k: 'hdq', opening: true, lineStart: false, endQuote: false });
      if (SQ.has(ch)) return void this.stack.push({ k: 'hsq', opening: true, lineStart: false, endQuote: false });
    }
    if (this.lt) {
      this.lt = false;
      if (ch === '#') return void this.stack.push({ k: 'block' });
    }
    if (SQ.has(ch)) return void (this.stack.push({ k: 'sq' }), (f.tokenStart = false));
    if (DQ.has(ch)) return void (this.stack.push({ k: 'dq' }), (f.tokenStart = false));
    switch (ch) {
      case '`': this.escape = true; return;
      case '$': this.dollar = true; f.tokenStart = false; return;
      case '@':
        // Only at the start of a token is @ splatting, @(...), @{...} or a here-string (user@host is a word).
        if (f.tokenStart) this.at = true;
        f.tokenStart = false;
        return;
      case '<': this.lt = true; f.tokenStart = true; return;
      case '#':
        if (f.tokenStart) this.stack.push({ k: 'comment' });
        return;
      case '(': f.depth++; f.tokenStart = true; return;
      case ')':
        if (f.close === ')' && f.depth === 0) this.stack.pop();
        else f.depth = Math.max(0, f.depth - 1);
        f.tokenStart = true;
        return;
      default:
        f.tokenStart = /[\s;{}|,=]/.test(ch);
    }
  }

  encode(name: string, value: string, next: string | undefined): string {
    const shell = 'PowerShell';
    if (value.includes('\0')) throw unquotableArg(shell, name, '', 'it contains a NUL byte', 'remove the NUL byte');
    if (this.escape) throw unquotableArg(shell, name, 'right after a backtick', 'the backtick would escape the first character of the value', 'remove the backtick before the placeholder in the atomic');
    // A quote right before the placeholder ended its string, unless the value starts with a quote (checked below).
    let afterQuote = false;
    const t = this.top();
    if (this.quoteClose && (t.k === 'sq' || t.k === 'dq')) {
      this.quoteClose = false;
      this.stack.pop();
      afterQuote = true;
    }
    const dollar = this.dollar || this.at;
    const f = this.top();
    let enc: string;
    switch (f.k) {
      case 'code':
        enc = psQuote(value);
        if (next !== undefined && (SQ.has(next) || DQ.has(next)) && (SQ.has(enc.at(-1)!) || DQ.has(enc.at(-1)!))) {
          throw unquotableArg(shell, name, 'right before a quote', 'the closing quote of the value and the quote after it would read as one literal quote', 'put a space between the placeholder and the quote in the atomic');
        }
        break;
      case 'dq':
      case 'hdq':
        if (f.k === 'hdq' && f.opening) throw unquotableArg(shell, name, 'on the opening line of a here-string', 'nothing may follow @" on its line', 'move the placeholder to the next line');
        enc = value.replace(/[`$"\u201c\u201d\u201e]/g, '`$&').replace(/\r/g, '`r').replace(/\n/g, '`n');
        break;
      case 'sq':
        if (/[\r\n]/.test(value)) throw unquotableArg(shell, name, "inside '...'", 'a line break cannot be written in a single-quoted string on one command line', 'write the placeholder bare or inside "..." in the atomic, where it is passed as `n');
        enc = value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q);
        break;
      case 'hsq': {
        const lines = value.split('\n');
        const starts = f.lineStart || f.opening ? lines : lines.slice(1);
        if (f.opening || value.includes('\r') || starts.some((l) => SQ.has(l[0] ?? ''))) {
          throw unquotableArg(shell, name, "inside @'...'@", "a line of the value starting with a quote could end the here-string (or a CR would be changed)", "remove the quote at the start of the line, or write the placeholder inside @\"...\"@");
        }
        enc = value;
        break;
      }
      case 'comment':
      case 'block':
        if (/[\r\n]/.test(value) || value.includes('#>') || (value.endsWith('#') && next === '>')) {
          throw unquotableArg(shell, name, 'inside a comment', 'a line break or #> would end the comment and run the rest', 'change the value');
        }
        enc = value;
        break;
      case 'brace':
        if (!PLAIN.test(value)) throw unquotableArg(shell, name, 'inside ${...}', 'the value would become part of a variable name', 'use a plain value, or remove ${} around the placeholder');
        enc = value;
        break;
    }
    if (dollar && EXTENDS_DOLLAR.test(enc)) {
      throw unquotableArg(shell, name, 'right after $ or @', 'PowerShell would read the value as a variable name or expression', 'change the value, or remove the $ / @ before the placeholder in the atomic');
    }
    if (afterQuote && (SQ.has(enc[0] ?? '') || DQ.has(enc[0] ?? ''))) {
      throw unquotableArg(shell, name, 'right after a closing quote', 'its opening quote would read as a doubled (literal) quote of the string before it', 'put a space or other text between the string and the placeholder in the atomic');
    }
    return enc;
  }
}

