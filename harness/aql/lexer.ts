// The AQL lexer: turns query text into tokens. Lazy (advance/lookahead) like graphql-js. Only `''` is
// special inside a '...' string: a backslash is an ordinary character (reference 2.3), so `'\\'` is two
// backslashes. `"..."` is an identifier (`""` escapes a double quote).
import { syntaxError, type Source } from './source.js';

export enum TokenKind {
  EOF = '<EOF>',
  NAME = 'Name',
  QUOTED = 'QuotedName',
  STRING = 'String',
  NUMBER = 'Number',
  PUNCT = 'Punctuator',
}

/** One token: `value` is the decoded value (string contents, name), `start`/`end` offsets into the body. */
export interface Token {
  kind: TokenKind;
  value: string;
  start: number;
  end: number;
}

const PUNCT2 = new Set(['!=', '<>', '<=', '>=']);
const PUNCT1 = new Set(['(', ')', ',', '*', '+', '-', '/', '%', '=', '<', '>']);

// A readable description of a token for messages: `Name "FROM"`, `String 'x'`, `"("`, `<EOF>`.
export function tokenDesc(t: Token): string {
  switch (t.kind) {
    case TokenKind.EOF:
      return '<EOF>';
    case TokenKind.PUNCT:
      return `"${t.value}"`;
    case TokenKind.STRING:
      return `String '${t.value.length > 30 ? t.value.slice(0, 30) + '...' : t.value}'`;
    case TokenKind.QUOTED:
      return `QuotedName "${t.value}"`;
    default:
      return `${t.kind} "${t.value}"`;
  }
}

/** Reads tokens from a Source on demand. */
export class Lexer {
  readonly source: Source;
  token: Token;
  private pos = 0;
  private peeked: Token | null = null;

  constructor(source: Source) {
    this.source = source;
    this.token = this.read();
  }

  // Moves to the next token and returns it.
  advance(): Token {
    this.token = this.peeked ?? this.read();
    this.peeked = null;
    return this.token;
  }

  // The token after the current one, without consuming it.
  lookahead(): Token {
    if (!this.peeked) this.peeked = this.read();
    return this.peeked;
  }

  private read(): Token {
    const body = this.source.body;
    let i = this.pos;
    while (i < body.length && /\s/.test(body[i])) i++;
    if (i >= body.length) return this.emit(TokenKind.EOF, '', i, i);
    const c = body[i];
    if (c === "'") {
      let out = '';
      let j = i + 1;
      for (;;) {
        if (j >= body.length) throw syntaxError(this.source, i, 'Unterminated string literal.', "close the string with ' (write '' for a quote inside it)");
        if (body[j] === "'") {
          if (body[j + 1] === "'") {
            out += "'";
            j += 2;
            continue;
          }
          break;
        }
        out += body[j++];
      }
      return this.emit(TokenKind.STRING, out, i, j + 1);
    }
    if (c === '"') {
      let out = '';
      let j = i + 1;
      for (;;) {
        if (j >= body.length) throw syntaxError(this.source, i, 'Unterminated quoted name.', 'close the name with "');
        if (body[j] === '"') {
          if (body[j + 1] === '"') {
            out += '"';
            j += 2;
            continue;
          }
          break;
        }
        out += body[j++];
      }
      if (out.length === 0) throw syntaxError(this.source, i, 'Empty quoted name.');
      return this.emit(TokenKind.QUOTED, out, i, j + 1);
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(body[i + 1] ?? ''))) {
      let j = i;
      while (j < body.length && /[0-9]/.test(body[j])) j++;
      if (body[j] === '.' && /[0-9]/.test(body[j + 1] ?? '')) {
        j++;
        while (j < body.length && /[0-9]/.test(body[j])) j++;
      }
      if (/[A-Za-z_]/.test(body[j] ?? '')) throw syntaxError(this.source, j, `Invalid number, unexpected character "${body[j]}".`);
      return this.emit(TokenKind.NUMBER, body.slice(i, j), i, j);
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < body.length && /[A-Za-z0-9_]/.test(body[j])) j++;
      return this.emit(TokenKind.NAME, body.slice(i, j), i, j);
    }
    const two = body.slice(i, i + 2);
    if (PUNCT2.has(two)) return this.emit(TokenKind.PUNCT, two, i, i + 2);
    if (PUNCT1.has(c)) return this.emit(TokenKind.PUNCT, c, i, i + 1);
    throw syntaxError(this.source, i, `Unexpected character "${c}".`);
  }

  private emit(kind: TokenKind, value: string, start: number, end: number): Token {
    this.pos = end;
    return { kind, value, start, end };
  }
}
