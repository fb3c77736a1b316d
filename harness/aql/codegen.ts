// The WHERE clause as one generated JavaScript function (new Function), so V8 sees one body it can inline
// instead of a tree of megamorphic closure calls: fields become direct property reads, LIKE/ILIKE with a
// constant pattern become includes/startsWith/endsWith, repeated LOWER(x) / ILIKE operands are computed
// once per event into a slot, AND/OR are straight-line short-circuit code. Every node it does not know
// (MATCHES, CASE, arithmetic, most functions) is the closure compile.ts makes, called from
// the generated code; every node it does know mirrors compile.ts / compile-speed.ts line for line (the
// same three-valued results, the same 2-part AND form, the same merged LIKE groups). No query text is
// ever pasted into the source as code: strings and names enter as JSON string literals, finite numbers as
// numbers, every other constant (tests, tables, regexes) through the K array.
import type * as A from './ast.js';
import { compileExpr, isConstant, patternTest, truthy, type CompileCtx } from './compile.js';
import { foldAnswers, likeGroupKey, lookupOf } from './compile-speed.js';
import { BUILTIN_FIELDS, resolveField } from './fields.js';
import { commonSubstring, likeShape, likeToRegExp, lowerPrefilter } from './patterns.js';
import { compareValues, equalsConstant, toNumber, toText, type Fn } from './values.js';

const DUMMY = { properties: {} } as unknown as Parameters<Fn>[0];
const UNSET = Object.freeze({});

interface FnScope { temps: number }

class Gen {
  readonly consts: unknown[] = [];
  readonly decls: string[] = [];
  private readonly memo = new Map<string, string>();
  private helpers = 0;
  private slotCount = 0;

  constructor(private readonly ctx: CompileCtx) {}

  /** A constant as source: numbers and strings literally, anything else through the constants array. */
  k(v: unknown): string {
    if (v === null) return 'null';
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0)) return `(${String(v)})`;
    if (typeof v === 'string') return JSON.stringify(v);
    this.consts.push(v);
    return `K[${this.consts.length - 1}]`;
  }

  temp(f: FnScope): string {
    return `t${f.temps++}`;
  }

  /** A node compiled by compile.ts, called from the generated code. */
  closure(n: A.Expr): string {
    return `${this.k(compileExpr(n, this.ctx))}(e, g)`;
  }

  /** A helper function declared once; `body` is built with its own temporaries. */
  helper(body: (f: FnScope) => string): string {
    const f: FnScope = { temps: 0 };
    const name = `H${this.helpers++}`;
    const code = body(f);
    this.decls.push(`function ${name}(e, g) {${f.temps ? ` let ${Array.from({ length: f.temps }, (_, i) => `t${i}`).join(', ')};` : ''} ${code} }`);
    return `${name}(e, g)`;
  }

  /** A per-event slot for an expression that occurs more than once (reset at every call of the WHERE function). */
  slot(key: string, make: (f: FnScope) => string): string {
    let call = this.memo.get(key);
    if (!call) {
      const m = `m${this.slotCount++}`;
      call = this.helper((f) => `if (${m} === U) ${m} = ${make(f)}; return ${m};`);
      this.memo.set(key, call);
      this.decls.push(`let ${m} = U;`);
    }
    return call;
  }

  slots(): string[] {
    return Array.from({ length: this.slotCount }, (_, i) => `m${i} = U;`);
  }

  expr(n: A.Expr, f: FnScope): string {
    if (n.kind !== 'Literal' && isConstant(n)) return this.k(compileExpr(n, this.ctx)(DUMMY));
    switch (n.kind) {
      case 'Literal': return this.k(n.value);
      case 'Field': return this.field(n, f);
      case 'IsNull': return `((${this.expr(n.arg, f)}) ${n.not ? '!=' : '=='} null)`;
      case 'Not': { const t = this.temp(f); return `((${t} = ${this.expr(n.arg, f)}) == null ? null : !truthy(${t}))`; }
      case 'Call': return this.call(n, f);
      case 'Compare': return this.compare(n, f);
      case 'In': return this.inList(n, f);
      case 'Like': return this.like(n, f);
      case 'Logical': return this.logical(n);
      default: return this.closure(n);
    }
  }

  private field(n: A.FieldRef, f: FnScope): string {
    if (this.ctx.aliasFirst && this.ctx.aliases.has(n.name)) return this.closure(n);
    const r = resolveField(n.name, n.quoted, this.ctx.profile);
    if (!r.ok) return this.closure(n);
    const t = this.temp(f);
    if (r.kind === 'builtin') return `((${t} = e[${JSON.stringify(BUILTIN_FIELDS[r.name])}]) === undefined ? null : ${t})`;
    return `((${t} = e.properties) == null ? null : (${t} = ${t}[${JSON.stringify(r.name)}]) === undefined ? null : ${t})`;
  }

  /** LOWER(x) and the ILIKE operand x share one slot: both are toText(x).toLowerCase(), NULL for NULL. */
  private lowered(arg: A.Expr): string {
    return this.slot(`lower:${keyOf(arg)}`, (f) => { const t = this.temp(f); return `(${t} = ${this.expr(arg, f)}) == null ? null : toText(${t}).toLowerCase()`; });
  }

  private call(n: A.Call, f: FnScope): string {
    const up = n.name.toUpperCase();
    if (up === 'LOWER' && n.args.length === 1) return this.lowered(n.args[0]);
    if (up === 'UPPER' && n.args.length === 1) {
      const arg = n.args[0];
      return this.slot(`upper:${keyOf(arg)}`, (g) => { const t = this.temp(g); return `(${t} = ${this.expr(arg, g)}) == null ? null : toText(${t}).toUpperCase()`; });
    }
    void f;
    return this.closure(n);
  }

  /** A predicate on LOGSOURCETYPENAME/QIDNAME/CATEGORYNAME(x) as its per-id answer table (foldLookup's rule). */
  private folded(left: A.Expr, test: (name: string) => boolean | null, f: FnScope): string {
    const lk = lookupOf(left, this.ctx)!;
    const answers = this.k(foldAnswers(lk.table, test));
    const t = this.temp(f);
    return `((${t} = ${this.expr((left as A.Call).args[0], f)}) == null ? null : (${t} = ${answers}.get(typeof ${t} === 'number' ? ${t} : toNumber(${t}))) === undefined ? null : ${t})`;
  }

  /** `v = c` for a non-null constant c, as equalsConstant(c) decides it (v is a non-null temporary). */
  private equals(v: string, c: unknown): string {
    const cn = toNumber(c);
    if (Number.isNaN(cn)) return `(typeof ${v} === 'string' ? ${v} === ${this.k(toText(c))} : toText(${v}) === ${this.k(toText(c))})`;
    return `(typeof ${v} === 'number' ? ${v} === ${this.k(cn)} : ${this.k(equalsConstant(c))}(${v}))`;
  }

  private compare(n: A.Compare, f: FnScope): string {
    const op = n.op;
    const eqOp = op === '=' || op === '!=' || op === '<>';
    if (!isConstant(n.right)) return this.closure(n);
    const c = compileExpr(n.right, this.ctx)(DUMMY);
    if (lookupOf(n.left, this.ctx)) {
      if (!eqOp || c == null) return this.closure(n);
      const eq = equalsConstant(c);
      return this.folded(n.left, (name) => (op === '=' ? eq(name) : !eq(name)), f);
    }
    const t = this.temp(f);
    if (eqOp) {
      if (c == null) return 'null';
      return `((${t} = ${this.expr(n.left, f)}) == null ? null : ${op === '=' ? '' : '!'}${this.equals(t, c)})`;
    }
    if (typeof c !== 'number') return this.closure(n);
    const general = (v: unknown) => { const r = compareValues(v, c); return op === '<' ? r < 0 : op === '<=' ? r <= 0 : op === '>' ? r > 0 : r >= 0; };
    return `((${t} = ${this.expr(n.left, f)}) == null ? null : typeof ${t} === 'number' ? ${t} ${op} ${this.k(c)} : ${this.k(general)}(${t}))`;
  }

  private inList(n: A.InList, f: FnScope): string {
    if (!n.list.every(isConstant)) return this.closure(n);
    const values = n.list.map((x) => compileExpr(x, this.ctx)(DUMMY));
    const hasNull = values.some((v) => v == null);
    if (lookupOf(n.left, this.ctx)) {
      const eqs = values.filter((v) => v != null).map(equalsConstant);
      return this.folded(n.left, (name) => (eqs.some((q) => q(name)) ? !n.not : hasNull ? null : n.not), f);
    }
    const t = this.temp(f);
    const tests = values.filter((v) => v != null).map((v) => this.equals(t, v));
    const miss = hasNull ? 'null' : String(n.not);
    return `((${t} = ${this.expr(n.left, f)}) == null ? null : ${tests.length ? `(${tests.join(' || ')}) ? ${String(!n.not)} : ` : ''}${miss})`;
  }

  /** The case-sensitive test of a LIKE pattern on the string s (mirrors compileLikeCS). */
  private test(s: string, pattern: string): string {
    const sh = likeShape(pattern);
    switch (sh.kind) {
      case 'any': return 'true';
      case 'empty': return `(${s}.length === 0)`;
      case 'includes': case 'startsWith': case 'endsWith': return `${s}.${sh.kind}(${this.k(sh.text)})`;
      case 'equals': return `(${s} === ${this.k(sh.text)})`;
      case 'regex': return `${this.k(likeToRegExp(pattern))}.test(${s})`;
    }
  }

  /** Several tests on one string, OR-ed; when all are substring tests, a substring they all share is tried first. */
  private anyTest(s: string, patterns: string[]): string {
    const tests = patterns.map((p) => this.test(s, p));
    const shapes = patterns.map(likeShape);
    if (patterns.length > 1 && shapes.every((x) => x.kind === 'includes')) {
      const common = commonSubstring(shapes.map((x) => x.text));
      // Sound: every alternative contains `common`, so a value without it matches none of them.
      if (common.length >= 4) return `(${s}.includes(${this.k(common)}) && (${tests.join(' || ')}))`;
    }
    return `(${tests.join(' || ')})`;
  }

  /**
   * `tests` on the lower-cased value of field x (or null when x is NULL), behind a prefilter on x itself
   * when one applies; `lowered` is the slot holding lower(x). Returns null when no prefilter applies.
   */
  private prefiltered(x: A.FieldRef | null, needles: string[], f: FnScope, tests: (s: string) => string): string | null {
    if (!x || needles.some((p) => !['includes', 'startsWith', 'endsWith', 'equals'].includes(likeShape(p).kind))) return null;
    const re = lowerPrefilter(needles.map((p) => likeShape(p).text));
    if (!re) return null;
    const r = this.temp(f), t = this.temp(f);
    return `((${r} = ${this.expr(x, f)}) == null ? null : ${this.k(re)}.test(typeof ${r} === 'string' ? ${r} : toText(${r})) && (${t} = ${this.lowered(x)}, ${tests(t)}))`;
  }

  private like(n: A.Like, f: FnScope): string {
    if (!isConstant(n.pattern)) return this.closure(n);
    const p = compileExpr(n.pattern, this.ctx)(DUMMY);
    if (p == null) return 'null';
    if (lookupOf(n.left, this.ctx)) {
      const t0 = patternTest(n.op, toText(p), this.ctx.matches);
      return this.folded(n.left, (name) => (n.not ? !t0(name) : t0(name)), f);
    }
    if (n.op !== 'LIKE' && n.op !== 'ILIKE') return this.closure(n);
    const t = this.temp(f);
    const neg = n.not ? '!' : '';
    const needle = n.op === 'ILIKE' ? toText(p).toLowerCase() : toText(p);
    const pre = this.prefiltered(rawField(n.left, n.op), [needle], f, (s) => this.test(s, needle));
    if (pre) { const v = this.temp(f); return `((${v} = ${pre}) == null ? null : ${neg}${v})`; }
    if (n.op === 'ILIKE') return `((${t} = ${this.lowered(n.left)}) == null ? null : ${neg}${this.test(t, toText(p).toLowerCase())})`;
    const s = this.temp(f);
    return `((${t} = ${this.expr(n.left, f)}) == null ? null : (${s} = typeof ${t} === 'string' ? ${t} : toText(${t}), ${neg}${this.test(s, toText(p))}))`;
  }

  /** The parts of an AND/OR exactly as mergeLikes groups them (the part count decides the AND form). */
  private parts(args: A.Expr[], negated: boolean, f: FnScope): string[] {
    const out: string[] = [];
    for (let i = 0; i < args.length; ) {
      const key = likeGroupKey(args[i], this.ctx, negated);
      let j = i + 1;
      while (key && j < args.length && likeGroupKey(args[j], this.ctx, negated) === key) j++;
      if (!key || j - i < 2) {
        out.push(this.expr(args[i], f));
        i++;
        continue;
      }
      const group = args.slice(i, j) as A.Like[];
      const ci = group[0].op === 'ILIKE';
      const t = this.temp(f);
      const operand = ci ? this.lowered(group[0].left) : this.expr(group[0].left, f);
      const s = ci ? t : this.temp(f);
      const text = ci ? '' : `${s} = typeof ${t} === 'string' ? ${t} : toText(${t}), `;
      const patterns = group.map((x) => { const v = String((x.pattern as A.Literal).value); return ci ? v.toLowerCase() : v; });
      const pre = this.prefiltered(rawField(group[0].left, group[0].op), patterns, f, (v) => `(${patterns.map((p) => this.test(v, p)).join(' || ')})`);
      if (pre) {
        out.push(`((${t} = ${pre}) == null ? null : ${t} ? ${String(!negated)} : ${String(negated)})`);
        i = j;
        continue;
      }
      out.push(`((${t} = ${operand}) == null ? null : (${text}${this.anyTest(s, patterns)}) ? ${String(!negated)} : ${String(negated)})`);
      i = j;
    }
    return out;
  }

  private logical(n: A.Logical): string {
    const and = n.op === 'AND';
    return this.helper((f) => {
      const parts = this.parts(n.args, and, f);
      if (parts.length === 1) return `return ${parts[0]};`;
      if (and && parts.length === 2) {
        return `const x = ${parts[0]}; if (x === false) return false; const y = ${parts[1]}; if (y === false) return false; return x === true && y === true ? true : x == null || y == null ? null : truthy(x) && truthy(y);`;
      }
      const steps = parts.map((p) => and
        ? `v = ${p}; if (v !== true) { if (v == null) u = true; else if (!truthy(v)) return false; }`
        : `v = ${p}; if (v === true) return true; if (v == null) u = true; else if (truthy(v)) return true;`);
      return `let u = false, v; ${steps.join(' ')} return u ? null : ${String(and)};`;
    });
  }
}

// The field a lower-cased LIKE operand reads: x for `x ILIKE` and for `LOWER(x) LIKE` (else null).
function rawField(left: A.Expr, op: A.Like['op']): A.FieldRef | null {
  if (op === 'ILIKE') return left.kind === 'Field' ? left : null;
  if (left.kind === 'Call' && left.name.toUpperCase() === 'LOWER' && left.args.length === 1 && left.args[0].kind === 'Field') return left.args[0];
  return null;
}

// The structural identity of an expression (positions left out), for sharing per-event slots.
function keyOf(n: A.Expr): string {
  return JSON.stringify(n, (k, v) => (k === 'start' || k === 'end' || k === 'nameLoc' ? undefined : v));
}

// The WHERE expression as one generated function with compile.ts's semantics, or null when generation is
// not possible here (the caller then keeps the closure). The closure compile must already have succeeded,
// so every error and every unknown name has been reported by it; generation reports nothing.
export function generateWhere(n: A.Expr, ctx: CompileCtx): Fn | null {
  try {
    const quiet: CompileCtx = { ...ctx, unknowns: [], memo: new Map() };
    const g = new Gen(quiet);
    const main: FnScope = { temps: 0 };
    const body = g.expr(n, main);
    const temps = main.temps ? `let ${Array.from({ length: main.temps }, (_, i) => `t${i}`).join(', ')};` : '';
    const src = `'use strict';\n${g.decls.join('\n')}\nreturn function where(e, g) { ${g.slots().join(' ')} ${temps} return ${body}; };`;
    return new Function('K', 'U', 'truthy', 'toText', 'toNumber', src)(g.consts, UNSET, truthy, toText, toNumber) as Fn;
  } catch {
    return null;
  }
}
