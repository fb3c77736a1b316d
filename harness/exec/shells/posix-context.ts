// A lexer of POSIX sh/bash quoting (enough to place a placeholder): '...', "...", $'...', backslash,
// comments, $(...), `...`, ${...}, $((...)) and heredocs; and the encoding of a value for each place:
// bare -> one single-quoted word; "..." -> \ " $ ` backslash-escaped; '...' -> '\'' for each quote;
// $'...' (bash) -> \ and ' escaped. Where the harness does not model the rules precisely (inside `...`,
// ${...}, $((...)), an unquoted heredoc, a $(...) holding `case`), only plain values are accepted.
import type { ContextLexer } from './context.js';
import { PLAIN, unquotableArg } from './context.js';
import { posixQuote } from './posix.js';

type Frame =
  | { k: 'code'; close: ')' | '`' | '}' | null; depth: number; plainOnly: boolean; wordStart: boolean; word: string }
  | { k: 'dq' | 'sq' | 'ansi' | 'comment' }
  | { k: 'heredoc'; delim: string; quoted: boolean; strip: boolean; line: string };

interface PendingHeredoc { delim: string; quoted: boolean; strip: boolean }

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', 'function', 'select', 'time']);
// Characters that, right after an unescaped `$`, make it an expansion instead of a literal `$`.
const EXTENDS_DOLLAR = /^[A-Za-z0-9_{(@*#?$!'"[-]/;

function code(close: ')' | '`' | '}' | null, plainOnly = false): Frame {
  return { k: 'code', close, depth: 0, plainOnly, wordStart: true, word: '' };
}

export class PosixLexer implements ContextLexer {
  private stack: Frame[] = [code(null)];
  private escape = false;
  private dollar = false;
  private lt = 0;
  private hd: { raw: string; strip: boolean } | null = null;
  private pending: PendingHeredoc[] = [];
  private unmodelled = false;
  private openParen = false;

  constructor(private readonly shell: 'sh' | 'bash') {}

  depth(): number {
    return this.stack.length;
  }
  signature(): string {
    return this.stack.map((f) => f.k).join('/');
  }
  reopens(): boolean {
    return this.top().k === 'sq';
  }
  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  feed(ch: string): void {
    const f = this.top();
    if (f.k === 'heredoc') return this.heredocChar(f, ch);
    if (this.escape) {
      this.escape = false;
      if (f.k === 'code') f.wordStart = false;
      return;
    }
    if (this.dollar) {
      this.dollar = false;
      if (f.k === 'code' || f.k === 'dq') {
        if (ch === '(') {
          this.stack.push(code(')'));
          this.openParen = true;
          return;
        }
        if (ch === '{') return void this.stack.push(code('}', true));
        if (f.k === 'code' && ch === "'") return void this.stack.push({ k: 'ansi' });
      }
    }
    switch (f.k) {
      case 'sq':
        if (ch === "'") this.stack.pop();
        return;
      case 'ansi':
        if (ch === '\\') this.escape = true;
        else if (ch === "'") this.stack.pop();
        return;
      case 'dq':
        if (ch === '\\') this.escape = true;
        else if (ch === '"') this.stack.pop();
        else if (ch === '`') this.stack.push(code('`', true));
        else if (ch === '$') this.dollar = true;
        return;
      case 'comment':
        if (ch === '\n') {
          this.stack.pop();
          this.feed(ch);
        }
        return;
      case 'code':
        return this.codeChar(f, ch);
    }
  }

  private codeChar(f: Extract<Frame, { k: 'code' }>, ch: string): void {
    // `$((` is arithmetic: the frame opened by `$(` becomes plain-only and counts the second paren.
    if (this.openParen) {
      this.openParen = false;
      if (ch === '(') {
        f.plainOnly = true;
        f.depth++;
        return;
      }
    }
    if (this.hd) {
      if (!this.hdChar(ch)) return;
    }
    if (ch === '<') {
      this.lt++;
      if (this.lt === 2) this.hd = { raw: '', strip: false };
      f.wordStart = true;
      this.endWord(f);
      return;
    }
    this.lt = 0;
    switch (ch) {
      case '\\': this.escape = true; f.wordStart = false; return;
      case "'": this.stack.push({ k: 'sq' }); f.wordStart = false; return;
      case '"': this.stack.push({ k: 'dq' }); f.wordStart = false; return;
      case '`':
        if (f.close === '`') this.stack.pop();
        else this.stack.push(code('`', true));
        return;
      case '$': this.dollar = true; f.wordStart = false; return;
      case '#':
        if (f.wordStart) this.stack.push({ k: 'comment' });
        else f.word += ch;
        return;
      case '(': f.depth++; this.endWord(f); f.wordStart = true; return;
      case ')':
        this.endWord(f);
        if (f.close === ')' && f.depth === 0) this.stack.pop();
        else f.depth = Math.max(0, f.depth - 1);
        f.wordStart = true;
        return;
      case '{': if (f.close === '}') f.depth++; f.wordStart = false; f.word += ch; return;
      case '}':
        if (f.close === '}' && f.depth === 0) return void this.stack.pop();
        if (f.close === '}') f.depth--;
        f.wordStart = false;
        return;
      case '\n':
        this.endWord(f);
        f.wordStart = true;
        while (this.pending.length) {
          const h = this.pending.pop()!; // pushed last-first, so the first heredoc of the line is read first
          this.stack.push({ k: 'heredoc', ...h, line: '' });
        }
        return;
      case ' ': case '\t': case ';': case '&': case '|': case '>':
        this.endWord(f);
        f.wordStart = true;
        return;
      default:
        f.wordStart = false;
        f.word += ch;
    }
  }

  private endWord(f: Extract<Frame, { k: 'code' }>): void {
    // `case pat)` inside $(...) would close the substitution early in this lexer: stop trusting it.
    if (f.word === 'case' && this.stack.some((x) => x.k === 'code' && x.close !== null)) this.unmodelled = true;
    f.word = '';
  }

  // Reads a heredoc delimiter after `<<`; returns true when the character must still be lexed normally.
  private hdChar(ch: string): boolean {
    const hd = this.hd!;
    if (hd.raw === '' && ch === '<' && !hd.strip) {
      this.hd = null; // `<<<` is a here-string, not a heredoc
      this.lt = 0;
      return false;
    }
    if (hd.raw === '' && ch === '-' && !hd.strip) {
      hd.strip = true;
      return false;
    }
    if (/[\s;&|<>()]/.test(ch)) {
      if (hd.raw === '' && (ch === ' ' || ch === '\t')) return false;
      const delim = hd.raw.replace(/['"\\]/g, '');
      this.pending.push({ delim, quoted: /['"\\]/.test(hd.raw), strip: hd.strip });
      this.hd = null;
      this.lt = 0;
      return true;
    }
    hd.raw += ch;
    return false;
  }

  private heredocChar(f: Extract<Frame, { k: 'heredoc' }>, ch: string): void {
    if (ch !== '\n') {
      f.line += ch;
      return;
    }
    const line = f.strip ? f.line.replace(/^\t+/, '') : f.line;
    if (line === f.delim) this.stack.pop();
    else f.line = '';
  }

  encode(name: string, value: string, next: string | undefined): string {
    const shell = this.shell;
    if (value.includes('\0')) throw unquotableArg(shell, name, '', 'it contains a NUL byte, which no process argument can hold', 'remove the NUL byte');
    if (this.hd) throw unquotableArg(shell, name, 'as a heredoc delimiter', 'the value would decide where the heredoc ends', 'write the delimiter in the atomic');
    const f = this.top();
    const inPlainOnly = this.unmodelled || this.stack.some((x) => x.k === 'code' && x.plainOnly) || (f.k === 'heredoc' && !f.quoted);
    if (inPlainOnly) {
      if (!PLAIN.test(value)) {
        throw unquotableArg(shell, name, 'inside `...`, ${...}, $((...)) or an unquoted heredoc', 'the harness does not model quoting there, so only plain values (letters, digits, _@+:,./-) are accepted', 'use a plain value, or move the placeholder out of that construct in the atomic');
      }
      return value;
    }
    let head = '';
    let rest = value;
    if (this.escape) {
      // The atomic's own backslash escapes the value's first character: fine if that is a plain one.
      if (!/^[A-Za-z0-9_@+:,./-]/.test(value)) {
        throw unquotableArg(shell, name, 'right after a backslash', 'the backslash would escape the first character of the value', 'remove the backslash before the placeholder in the atomic');
      }
      head = value[0]!;
      rest = value.slice(1);
    }
    let enc: string;
    switch (f.k) {
      case 'code':
        if (head !== '' && rest === '') enc = '';
        else if (f.wordStart && head === '' && (RESERVED.has(value) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(value))) enc = `'${value}'`; // a keyword or assignment, not data
        else if (f.word.includes('{') && rest.includes(',')) enc = `'${rest}'`; // {a,b} would be brace-expanded by bash
        else enc = posixQuote(rest);
        break;
      case 'dq':
        enc = rest.replace(/[\\"$`]/g, '\\$&');
        break;
      case 'sq':
        enc = rest.replace(/'/g, `'\\''`);
        break;
      case 'ansi':
        if (shell === 'sh' && /[\\']/.test(rest)) {
          throw unquotableArg(shell, name, "inside $'...'", "sh may be a shell without $'...' quoting, where a backslash or quote would end the string", 'use the bash executor or a value without \\ and \'');
        }
        enc = rest.replace(/[\\']/g, '\\$&');
        break;
      case 'comment':
        if (rest.includes('\n')) throw unquotableArg(shell, name, 'inside a # comment', 'a line break would end the comment and run the rest', 'remove the line break');
        enc = rest;
        break;
      case 'heredoc':
        if (rest.includes('\n') || (f.delim !== '' && rest.includes(f.delim))) {
          throw unquotableArg(shell, name, 'inside a quoted heredoc', `a line break or the delimiter '${f.delim}' could end the heredoc`, 'remove the line break');
        }
        enc = rest;
        break;
    }
    enc = head + enc;
    if (this.dollar && EXTENDS_DOLLAR.test(enc)) {
      throw unquotableArg(shell, name, 'right after a $', 'the shell would read $ and the value together as an expansion', 'change the value, or remove the $ before the placeholder in the atomic');
    }
    void next;
    return enc;
  }
}
