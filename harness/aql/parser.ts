// The AQL parser: recursive descent over the lazy lexer, one parseX() per production (graphql-js style).
// This file holds the query and clause productions; expressions are in parse-expr.ts, token primitives in
// parser-base.ts.
import type * as A from './ast.js';
import { TokenKind, tokenDesc } from './lexer.js';
import { makeSource, syntaxError } from './source.js';
import { ExprParser, RESERVED, UNITS } from './parse-expr.js';

export { UNIT_MS } from './parse-expr.js';

// Parses AQL text into a Query; throws HARNESS_AQL_SYNTAX with line:column and a caret excerpt.
export function parse(text: string, opts: { file?: string; lineOffset?: number } = {}): A.Query {
  return new Parser(makeSource(text, opts)).parseQuery();
}

export class Parser extends ExprParser {
  /**
   * Query : SELECT SelectList FROM (events|flows) [WHERE Expr] [GROUP BY Expr,..] [HAVING Expr]
   *         [ORDER BY Order,..] [LIMIT int] [TimeClause]   (LIMIT after the time clause is accepted and flagged)
   */
  parseQuery(): A.Query {
    const start = this.tok.start;
    this.expectKeyword('SELECT');
    const select = this.parseSelectList();
    this.expectKeyword('FROM');
    const fromTok = this.tok;
    const from = fromTok.kind === TokenKind.NAME ? fromTok.value.toLowerCase() : '';
    if (from !== 'events' && from !== 'flows') throw syntaxError(this.source, fromTok.start, `Expected events or flows, found ${tokenDesc(fromTok)}.`, 'write FROM events (or FROM flows)');
    this.consume();
    const where = this.optionalKeyword('WHERE') ? this.parseExpr() : null;
    const groupBy: A.Expr[] = [];
    if (this.peekKeyword('GROUP')) {
      this.consume();
      this.expectKeyword('BY');
      do groupBy.push(this.parseAdditive());
      while (this.optionalPunct(','));
    }
    const having = this.optionalKeyword('HAVING') ? this.parseExpr() : null;
    const orderBy: A.OrderItem[] = [];
    if (this.peekKeyword('ORDER')) {
      this.consume();
      this.expectKeyword('BY');
      do {
        const s = this.tok.start;
        const expr = this.parseAdditive();
        let desc = false;
        if (this.optionalKeyword('DESC')) desc = true;
        else this.optionalKeyword('ASC');
        orderBy.push({ expr, desc, start: s, end: this.prevEnd });
      } while (this.optionalPunct(','));
    }
    let limit: A.Query['limit'] = null;
    let time: A.TimeClause | null = null;
    let limitAfterTime = false;
    for (;;) {
      if (!limit && this.peekKeyword('LIMIT')) {
        const s = this.tok.start;
        this.consume();
        const n = this.expectNumber();
        limit = { value: n.value, start: s, end: n.end };
        if (time) limitAfterTime = true;
        continue;
      }
      if (!time && (this.peekKeyword('LAST') || this.peekKeyword('START'))) {
        time = this.parseTimeClause();
        continue;
      }
      break;
    }
    if (this.tok.kind !== TokenKind.EOF) throw this.unexpected();
    return { kind: 'Query', select, from: from as 'events' | 'flows', where, groupBy, having, orderBy, limit, time, limitAfterTime, text: this.source.body, start, end: this.tok.start };
  }

  /** SelectList : '*' | SelectItem {',' SelectItem} ;  SelectItem : Expr [[AS] alias] */
  private parseSelectList(): A.SelectItem[] | null {
    if (this.tok.kind === TokenKind.PUNCT && this.tok.value === '*') {
      this.consume();
      return null;
    }
    const items: A.SelectItem[] = [];
    do {
      const s = this.tok.start;
      const expr = this.parseExpr();
      const text = this.source.body.slice(expr.start, expr.end);
      let alias: string | null = null;
      if (this.optionalKeyword('AS')) {
        const t = this.tok;
        if (t.kind === TokenKind.NAME || t.kind === TokenKind.STRING || t.kind === TokenKind.QUOTED) alias = t.value;
        else throw syntaxError(this.source, t.start, `Expected an alias, found ${tokenDesc(t)}.`);
        this.consume();
      } else if (this.tok.kind === TokenKind.NAME && !RESERVED.has(this.tok.value.toUpperCase())) {
        alias = this.tok.value;
        this.consume();
      }
      items.push({ expr, alias, text, start: s, end: this.prevEnd });
    } while (this.optionalPunct(','));
    return items;
  }

  /** TimeClause : LAST int (SECONDS|MINUTES|HOURS|DAYS) | START TimeValue [STOP TimeValue] */
  private parseTimeClause(): A.TimeClause {
    const s = this.tok.start;
    if (this.optionalKeyword('LAST')) {
      const n = this.expectNumber();
      const u = this.tok;
      const unit = u.kind === TokenKind.NAME ? UNITS[u.value.toUpperCase()] : undefined;
      if (!unit) throw syntaxError(this.source, u.start, `Expected MINUTES, HOURS or DAYS, found ${tokenDesc(u)}.`);
      this.consume();
      return { kind: 'last', amount: n.value, unit, start: s, end: u.end };
    }
    this.expectKeyword('START');
    const startV = this.parseTimeValue();
    const stop = this.optionalKeyword('STOP') ? this.parseTimeValue() : null;
    return { kind: 'range', from: startV, stop, start: s, end: this.prevEnd };
  }

  /** TimeValue : String | int | PARSEDATETIME '(' String ')' */
  private parseTimeValue(): A.TimeValue {
    const t = this.tok;
    if (t.kind === TokenKind.STRING) {
      this.consume();
      return { kind: 'string', value: t.value, start: t.start, end: t.end };
    }
    if (t.kind === TokenKind.NUMBER) {
      this.consume();
      return { kind: 'epoch', value: Number(t.value), start: t.start, end: t.end };
    }
    if (t.kind === TokenKind.NAME && t.value.toUpperCase() === 'PARSEDATETIME') {
      this.consume();
      this.expectPunct('(');
      const str = this.tok;
      if (str.kind !== TokenKind.STRING) throw syntaxError(this.source, str.start, `Expected String, found ${tokenDesc(str)}.`);
      this.consume();
      this.expectPunct(')');
      return { kind: 'relative', value: str.value, start: t.start, end: this.prevEnd };
    }
    throw syntaxError(this.source, t.start, `Expected a time ('yyyy-MM-dd HH:mm', epoch ms or PARSEDATETIME('...')), found ${tokenDesc(t)}.`);
  }

}
