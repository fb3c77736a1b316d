// Token primitives shared by the AQL parsers (graphql-js style): peek/expect/optional for keywords and
// punctuators, and uniform syntax messages ("Expected X, found Y.", "Unexpected Y.").
import { Lexer, TokenKind, tokenDesc, type Token } from './lexer.js';
import { syntaxError, type Source } from './source.js';

export class TokenReader {
  protected readonly lexer: Lexer;
  readonly source: Source;

  constructor(source: Source) {
    this.source = source;
    this.lexer = new Lexer(source);
  }

  protected get tok(): Token {
    return this.lexer.token;
  }

  private prevEndValue = 0;
  protected get prevEnd(): number {
    return this.prevEndValue;
  }

  protected consume(): Token {
    const t = this.tok;
    this.prevEndValue = t.end;
    this.lexer.advance();
    return t;
  }

  protected isPunct(p: string): boolean {
    return this.tok.kind === TokenKind.PUNCT && this.tok.value === p;
  }

  protected peekKeyword(word: string): boolean {
    return this.tok.kind === TokenKind.NAME && this.tok.value.toUpperCase() === word;
  }

  protected optionalKeyword(word: string): boolean {
    if (!this.peekKeyword(word)) return false;
    this.consume();
    return true;
  }

  protected expectKeyword(word: string): void {
    if (!this.optionalKeyword(word)) throw syntaxError(this.source, this.tok.start, `Expected ${word}, found ${tokenDesc(this.tok)}.`);
  }

  protected optionalPunct(p: string): boolean {
    if (this.tok.kind !== TokenKind.PUNCT || this.tok.value !== p) return false;
    this.consume();
    return true;
  }

  protected expectPunct(p: string): void {
    if (!this.optionalPunct(p)) throw syntaxError(this.source, this.tok.start, `Expected "${p}", found ${tokenDesc(this.tok)}.`);
  }

  protected expectNumber(): { value: number; end: number } {
    const t = this.tok;
    if (t.kind !== TokenKind.NUMBER || !/^\d+$/.test(t.value)) throw syntaxError(this.source, t.start, `Expected an integer, found ${tokenDesc(t)}.`);
    this.consume();
    return { value: Number(t.value), end: t.end };
  }

  protected unexpected(): Error {
    return syntaxError(this.source, this.tok.start, `Unexpected ${tokenDesc(this.tok)}.`);
  }
}
