// The AQL expression parser: one precedence ladder for boolean and value expressions,
// OR < AND < NOT < predicate < + - < * / % < unary, each level one parseX() with its production.
import type * as A from './ast.js';
import { TokenKind } from './lexer.js';
import { TokenReader } from './parser-base.js';

export const UNITS: Record<string, A.TimeUnit> = { SECOND: 'SECONDS', SECONDS: 'SECONDS', MINUTE: 'MINUTES', MINUTES: 'MINUTES', HOUR: 'HOURS', HOURS: 'HOURS', DAY: 'DAYS', DAYS: 'DAYS' };
export const UNIT_MS: Record<A.TimeUnit, number> = { SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 };

/** Words that end an expression or start a clause; they cannot be bare aliases or field names. */
export const RESERVED = new Set([
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'HAVING', 'ORDER', 'LIMIT', 'LAST', 'START', 'STOP', 'AS', 'AND', 'OR', 'NOT',
  'LIKE', 'ILIKE', 'MATCHES', 'IMATCHES', 'IN', 'IS', 'NULL', 'BETWEEN', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'IF', 'ASC', 'DESC',
]);

export class ExprParser extends TokenReader {
  /** Expr : AndExpr {OR AndExpr} */
  parseExpr(): A.Expr {
    const s = this.tok.start;
    const args = [this.parseAnd()];
    while (this.optionalKeyword('OR')) args.push(this.parseAnd());
    return args.length === 1 ? args[0] : { kind: 'Logical', op: 'OR', args, start: s, end: this.prevEnd };
  }

  /** AndExpr : NotExpr {AND NotExpr} */
  protected parseAnd(): A.Expr {
    const s = this.tok.start;
    const args = [this.parseNot()];
    while (this.optionalKeyword('AND')) args.push(this.parseNot());
    return args.length === 1 ? args[0] : { kind: 'Logical', op: 'AND', args, start: s, end: this.prevEnd };
  }

  /** NotExpr : NOT NotExpr | Predicate */
  protected parseNot(): A.Expr {
    const s = this.tok.start;
    if (this.optionalKeyword('NOT')) {
      const arg = this.parseNot();
      return { kind: 'Not', arg, start: s, end: arg.end };
    }
    return this.parsePredicate();
  }

  /** Predicate : Additive [cmp Additive | [NOT] (LIKE|ILIKE|MATCHES|IMATCHES) Additive | [NOT] IN '(' list ')' | IS [NOT] NULL | [NOT] BETWEEN Additive AND Additive] */
  protected parsePredicate(): A.Expr {
    const left = this.parseAdditive();
    const s = left.start;
    const t = this.tok;
    if (t.kind === TokenKind.PUNCT && ['=', '!=', '<>', '<', '<=', '>', '>='].includes(t.value)) {
      this.consume();
      const right = this.parseAdditive();
      return { kind: 'Compare', op: t.value as A.Compare['op'], left, right, start: s, end: right.end };
    }
    if (this.optionalKeyword('IS')) {
      const not = this.optionalKeyword('NOT');
      this.expectKeyword('NULL');
      return { kind: 'IsNull', not, arg: left, start: s, end: this.prevEnd };
    }
    let not = false;
    if (this.peekKeyword('NOT')) {
      const next = this.lexer.lookahead();
      if (next.kind === TokenKind.NAME && ['LIKE', 'ILIKE', 'MATCHES', 'IMATCHES', 'IN', 'BETWEEN'].includes(next.value.toUpperCase())) {
        this.consume();
        not = true;
      }
    }
    const kw = this.tok.kind === TokenKind.NAME ? this.tok.value.toUpperCase() : '';
    if (kw === 'LIKE' || kw === 'ILIKE' || kw === 'MATCHES' || kw === 'IMATCHES') {
      this.consume();
      const pattern = this.parseAdditive();
      return { kind: 'Like', op: kw, not, left, pattern, start: s, end: pattern.end };
    }
    if (kw === 'IN') {
      this.consume();
      this.expectPunct('(');
      const list: A.Expr[] = [];
      do list.push(this.parseAdditive());
      while (this.optionalPunct(','));
      this.expectPunct(')');
      return { kind: 'In', not, left, list, start: s, end: this.prevEnd };
    }
    if (kw === 'BETWEEN') {
      this.consume();
      const low = this.parseAdditive();
      this.expectKeyword('AND');
      const high = this.parseAdditive();
      return { kind: 'Between', not, arg: left, low, high, start: s, end: high.end };
    }
    return left;
  }

  /** Additive : Multiplicative {('+'|'-') Multiplicative} */
  protected parseAdditive(): A.Expr {
    let left = this.parseMultiplicative();
    while (this.tok.kind === TokenKind.PUNCT && (this.tok.value === '+' || this.tok.value === '-')) {
      const op = this.tok.value as '+' | '-';
      this.consume();
      const right = this.parseMultiplicative();
      left = { kind: 'Arith', op, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  /** Multiplicative : Unary {('*'|'/'|'%') Unary} */
  protected parseMultiplicative(): A.Expr {
    let left = this.parseUnary();
    while (this.tok.kind === TokenKind.PUNCT && (this.tok.value === '*' || this.tok.value === '/' || this.tok.value === '%')) {
      const op = this.tok.value as '*' | '/' | '%';
      this.consume();
      const right = this.parseUnary();
      left = { kind: 'Arith', op, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  /** Unary : '-' Unary | Primary */
  protected parseUnary(): A.Expr {
    if (this.tok.kind === TokenKind.PUNCT && this.tok.value === '-') {
      const s = this.tok.start;
      this.consume();
      const arg = this.parseUnary();
      if (arg.kind === 'Literal' && typeof arg.value === 'number') return { kind: 'Literal', value: -arg.value, start: s, end: arg.end };
      return { kind: 'Negate', arg, start: s, end: arg.end };
    }
    return this.parsePrimary();
  }

  /** Primary : Number [unit] | String | QuotedName | NULL | '(' Expr ')' | CASE.. | IF.. | Name '(' args ')' | Name */
  protected parsePrimary(): A.Expr {
    const t = this.tok;
    switch (t.kind) {
      case TokenKind.NUMBER: {
        this.consume();
        const value = Number(t.value);
        const u = this.tok;
        const unit = u.kind === TokenKind.NAME ? UNITS[u.value.toUpperCase()] : undefined;
        if (unit) {
          this.consume();
          return { kind: 'Interval', amount: value, unit, ms: value * UNIT_MS[unit], start: t.start, end: u.end };
        }
        return { kind: 'Literal', value, start: t.start, end: t.end };
      }
      case TokenKind.STRING:
        this.consume();
        return { kind: 'Literal', value: t.value, start: t.start, end: t.end };
      case TokenKind.QUOTED:
        this.consume();
        return { kind: 'Field', name: t.value, quoted: true, start: t.start, end: t.end };
      case TokenKind.PUNCT:
        if (t.value === '(') {
          this.consume();
          const inner = this.parseExpr();
          this.expectPunct(')');
          // Keep the parentheses in the node's span so result keys and explanations quote them as written.
          return { ...inner, start: t.start, end: this.prevEnd };
        }
        throw this.unexpected();
      case TokenKind.NAME: {
        const up = t.value.toUpperCase();
        if (up === 'NULL') {
          this.consume();
          return { kind: 'Literal', value: null, start: t.start, end: t.end };
        }
        if (up === 'CASE') return this.parseCase();
        if (up === 'IF') return this.parseIf();
        if (RESERVED.has(up)) throw this.unexpected();
        this.consume();
        if (this.tok.kind === TokenKind.PUNCT && this.tok.value === '(') {
          this.consume();
          const args: A.Expr[] = [];
          if (!this.isPunct(')')) {
            do {
              if (this.isPunct('*')) {
                args.push({ kind: 'Star', start: this.tok.start, end: this.tok.end });
                this.consume();
              } else args.push(this.parseExpr());
            } while (this.optionalPunct(','));
          }
          this.expectPunct(')');
          return { kind: 'Call', name: t.value, nameLoc: { start: t.start, end: t.end }, args, start: t.start, end: this.prevEnd };
        }
        return { kind: 'Field', name: t.value, quoted: false, start: t.start, end: t.end };
      }
      default:
        throw this.unexpected();
    }
  }

  /** Case : CASE [Expr] WHEN Expr THEN Expr {WHEN Expr THEN Expr} [ELSE Expr] END */
  protected parseCase(): A.Case {
    const s = this.tok.start;
    this.expectKeyword('CASE');
    const operand = this.peekKeyword('WHEN') ? null : this.parseExpr();
    const whens: A.Case['whens'] = [];
    do {
      this.expectKeyword('WHEN');
      const when = this.parseExpr();
      this.expectKeyword('THEN');
      whens.push({ when, then: this.parseExpr() });
    } while (this.peekKeyword('WHEN'));
    const elseE = this.optionalKeyword('ELSE') ? this.parseExpr() : null;
    this.expectKeyword('END');
    return { kind: 'Case', operand, whens, else: elseE, start: s, end: this.prevEnd };
  }

  /** If : IF Expr THEN Expr ELSE Expr   (no END, as documented) */
  protected parseIf(): A.IfExpr {
    const s = this.tok.start;
    this.expectKeyword('IF');
    const cond = this.parseExpr();
    this.expectKeyword('THEN');
    const then = this.parseExpr();
    this.expectKeyword('ELSE');
    const elseE = this.parseExpr();
    return { kind: 'If', cond, then, else: elseE, start: s, end: elseE.end };
  }

}
