// Compiles expression nodes to closures once per query: patterns precompiled, constant sub-expressions
// folded, AND/OR short-circuited. Three-valued logic: a predicate returns true, false or null (unknown);
// WHERE keeps a row only on true, so an unknown comparison excludes the row also under NOT.
import type * as A from './ast.js';
import type { NormalizedEvent } from '../model/event.js';
import type { PropertyProfile } from '../model/profile.js';
import { FUNCTIONS } from './functions.js';
import { resolveField } from './fields.js';
import { compileLike, compileLikeCS, compileMatches, RegexError, type StringTest } from './patterns.js';
import { didYouMean, queryError, type Source } from './source.js';
import { compareValues, equalsConstant, equalsValue, toNumber, toText, type Fn } from './values.js';
import { foldLookup, lookupOf, memoized, mergeLikes, MEMO_FNS } from './compile-speed.js';

/** A field or function the query names that the catalog does not know (collected in relaxed mode). */
export interface UnknownName {
  kind: 'field' | 'function';
  name: string;
  start: number;
  message: string;
}

/** One aggregate call of a grouped query: its accumulator slot. */
export interface AggSpec {
  fn: 'COUNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG';
  arg: Fn | null; // null for COUNT(*)
  text: string;
}

export interface CompileCtx {
  source: Source;
  profile: PropertyProfile;
  now: number;
  timeZone: string;
  matches: 'full' | 'find';
  unknownFields: 'error' | 'null';
  /** alias -> SELECT expression, for references to aliases. */
  aliases: Map<string, A.Expr>;
  /** In GROUP BY / ORDER BY / HAVING an alias wins over a field of the same name. */
  aliasFirst: boolean;
  /** Where aggregate calls register (null: aggregates are not allowed here, e.g. WHERE). */
  aggregates: AggSpec[] | null;
  unknowns: UnknownName[];
  /** Per-query memo of repeated sub-expressions (LOWER("Process Path") written 20 times is computed once per event). */
  memo?: Map<string, Fn>;
}

const DUMMY = { properties: {} } as unknown as NormalizedEvent;

// True when the node's value is the same for every event (no fields, aggregates or per-event lookups).
export function isConstant(n: A.Expr): boolean {
  switch (n.kind) {
    case 'Literal': case 'Interval': return true;
    case 'Field': case 'Star': return false;
    case 'Call': { const s = FUNCTIONS[n.name.toUpperCase()]; return !!s && s.pure && !s.aggregate && n.args.every(isConstant); }
    case 'Negate': case 'Not': return isConstant(n.arg);
    case 'IsNull': return isConstant(n.arg);
    case 'Arith': case 'Compare': return isConstant(n.left) && isConstant(n.right);
    case 'Like': return isConstant(n.left) && isConstant(n.pattern);
    case 'In': return isConstant(n.left) && n.list.every(isConstant);
    case 'Between': return isConstant(n.arg) && isConstant(n.low) && isConstant(n.high);
    case 'Logical': return n.args.every(isConstant);
    case 'Case': return (n.operand === null || isConstant(n.operand)) && n.whens.every((w) => isConstant(w.when) && isConstant(w.then)) && (n.else === null || isConstant(n.else));
    case 'If': return isConstant(n.cond) && isConstant(n.then) && isConstant(n.else);
  }
}

// Compiles an expression node to a closure (folding it to a constant when it is one).
export function compileExpr(n: A.Expr, ctx: CompileCtx): Fn {
  const fn = compileNode(n, ctx);
  if (n.kind !== 'Literal' && isConstant(n)) {
    const v = fn(DUMMY);
    return () => v;
  }
  return fn;
}

function compileNode(n: A.Expr, ctx: CompileCtx): Fn {
  switch (n.kind) {
    case 'Literal': { const v = n.value; return () => v; }
    case 'Interval': { const v = n.ms; return () => v; }
    case 'Star': throw queryError(ctx.source, 'HARNESS_AQL_SYNTAX', n.start, 'Syntax Error: "*" is only allowed as SELECT * or COUNT(*).');
    case 'Field': return compileField(n, ctx);
    case 'Call': return MEMO_FNS.has(n.name.toUpperCase()) ? memoized(n, ctx, 'call', () => compileCall(n, ctx)) : compileCall(n, ctx);
    case 'Negate': { const a = compileExpr(n.arg, ctx); return (e, g) => { const v = toNumber(a(e, g)); return Number.isNaN(v) ? null : -v; }; }
    case 'Arith': return compileArith(n, ctx);
    case 'Compare': return compileCompare(n, ctx);
    case 'Like': return compileLikeNode(n, ctx);
    case 'In': return compileIn(n, ctx);
    case 'IsNull': { const a = compileExpr(n.arg, ctx); return n.not ? (e, g) => a(e, g) != null : (e, g) => a(e, g) == null; }
    case 'Between': {
      const a = compileExpr(n.arg, ctx), lo = compileExpr(n.low, ctx), hi = compileExpr(n.high, ctx);
      return (e, g) => {
        const v = a(e, g), l = lo(e, g), h = hi(e, g);
        if (v == null || l == null || h == null) return null;
        const r = compareValues(v, l) >= 0 && compareValues(v, h) <= 0;
        return n.not ? !r : r;
      };
    }
    case 'Not': { const a = compileExpr(n.arg, ctx); return (e, g) => { const v = a(e, g); return v == null ? null : !truthy(v); }; }
    case 'Logical': return compileLogical(n, ctx);
    case 'Case': return compileCase(n, ctx);
    case 'If': { const c = compileExpr(n.cond, ctx), t = compileExpr(n.then, ctx), f = compileExpr(n.else, ctx); return (e, g) => (c(e, g) === true ? t(e, g) : f(e, g)); }
  }
}

// AQL truth of a non-null value (true, a non-zero number, or the text true).
export function truthy(v: unknown): boolean {
  return v === true || (typeof v === 'number' && v !== 0) || v === 'true';
}

function compileField(n: A.FieldRef, ctx: CompileCtx): Fn {
  const alias = ctx.aliases.get(n.name);
  if (alias && ctx.aliasFirst) return compileExpr(alias, { ...ctx, aliases: withoutAlias(ctx.aliases, n.name) });
  const r = resolveField(n.name, n.quoted, ctx.profile);
  if (r.ok) return r.get;
  if (alias) return compileExpr(alias, { ...ctx, aliases: withoutAlias(ctx.aliases, n.name) });
  const shown = n.quoted ? `"${n.name}"` : n.name;
  const message = `Unknown field ${shown}.${r.suggestion}`;
  if (ctx.unknownFields === 'null') {
    ctx.unknowns.push({ kind: 'field', name: n.name, start: n.start, message });
    return () => null;
  }
  throw queryError(ctx.source, 'HARNESS_AQL_UNKNOWN_FIELD', n.start, message, 'use a built-in event field or a custom property the profile defines (QRadar rejects unknown names)');
}

function withoutAlias(m: Map<string, A.Expr>, name: string): Map<string, A.Expr> {
  const c = new Map(m);
  c.delete(name);
  return c;
}

function compileCall(n: A.Call, ctx: CompileCtx): Fn {
  const up = n.name.toUpperCase();
  const spec = FUNCTIONS[up];
  if (!spec) {
    const message = `Unknown function ${n.name}().${didYouMean(up, Object.keys(FUNCTIONS))}`;
    if (ctx.unknownFields === 'null') {
      ctx.unknowns.push({ kind: 'function', name: n.name, start: n.start, message });
      return () => null;
    }
    throw queryError(ctx.source, 'HARNESS_AQL_UNKNOWN_FUNCTION', n.start, message, 'use a function AQL defines (reference 2.6)');
  }
  if (n.args.length < spec.min || n.args.length > spec.max) {
    const want = spec.min === spec.max ? `${spec.min}` : `${spec.min} to ${spec.max}`;
    throw queryError(ctx.source, 'HARNESS_AQL_BAD_ARGUMENT', n.start, `${up}() takes ${want} argument(s), found ${n.args.length}.`);
  }
  if (spec.aggregate) return compileAggregate(n, up as AggSpec['fn'], ctx);
  const args = n.args.map((a) => compileExpr(a, ctx));
  return spec.make!(args, {
    profile: ctx.profile,
    now: ctx.now,
    timeZone: ctx.timeZone,
    literal: (i) => (n.args[i]?.kind === 'Literal' ? (n.args[i] as A.Literal).value : undefined),
    fail: (i, code, message, fix) => queryError(ctx.source, code, i >= 0 && n.args[i] ? n.args[i].start : n.start, message, fix),
  }, n);
}

function compileAggregate(n: A.Call, fn: AggSpec['fn'], ctx: CompileCtx): Fn {
  if (!ctx.aggregates) throw queryError(ctx.source, 'HARNESS_AQL_AGGREGATE_MISPLACED', n.start, `${fn}() is an aggregate; it is not allowed here.`, 'move the condition to HAVING');
  const arg0 = n.args[0];
  if (arg0.kind === 'Star' && fn !== 'COUNT') throw queryError(ctx.source, 'HARNESS_AQL_BAD_ARGUMENT', arg0.start, `${fn}(*) is not allowed; only COUNT(*).`);
  const text = ctx.source.body.slice(n.start, n.end);
  let idx = ctx.aggregates.findIndex((a) => a.text === text);
  if (idx < 0) {
    const inner = { ...ctx, aggregates: null };
    ctx.aggregates.push({ fn, arg: arg0.kind === 'Star' ? null : compileExpr(arg0, inner), text });
    idx = ctx.aggregates.length - 1;
  }
  const i = idx;
  return (_e, g) => (g ? g[i] : null);
}

function compileArith(n: A.Arith, ctx: CompileCtx): Fn {
  const l = compileExpr(n.left, ctx), r = compileExpr(n.right, ctx);
  const op = n.op;
  return (e, g) => {
    const a = toNumber(l(e, g)), b = toNumber(r(e, g));
    if (Number.isNaN(a) || Number.isNaN(b)) return null;
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return b === 0 ? null : a / b;
      case '%': return b === 0 ? null : a % b;
    }
  };
}

function compileCompare(n: A.Compare, ctx: CompileCtx): Fn {
  const op = n.op;
  if ((op === '=' || op === '!=' || op === '<>') && isConstant(n.right)) {
    const lk = lookupOf(n.left, ctx);
    const c = compileExpr(n.right, ctx)(DUMMY);
    if (lk && c != null) { const eq = equalsConstant(c); return foldLookup(lk, (name) => (op === '=' ? eq(name) : !eq(name))); }
  }
  const l = compileExpr(n.left, ctx);
  if (op !== '=' && op !== '!=' && op !== '<>' && isConstant(n.right)) {
    const c = compileExpr(n.right, ctx)(DUMMY);
    if (typeof c === 'number') {
      // Numeric constant: numbers compare directly, anything else through the general rule.
      const rel = op === '<' ? (x: number) => x < c : op === '<=' ? (x: number) => x <= c : op === '>' ? (x: number) => x > c : (x: number) => x >= c;
      const general = (v: unknown) => { const k = compareValues(v, c); return op === '<' ? k < 0 : op === '<=' ? k <= 0 : op === '>' ? k > 0 : k >= 0; };
      return (e, g) => { const v = l(e, g); return v == null ? null : typeof v === 'number' ? rel(v) : general(v); };
    }
  }
  if ((op === '=' || op === '!=' || op === '<>') && isConstant(n.right)) {
    const c = compileExpr(n.right, ctx)(DUMMY);
    if (c == null) return () => null;
    const eq = equalsConstant(c);
    return op === '=' ? (e, g) => { const v = l(e, g); return v == null ? null : eq(v); } : (e, g) => { const v = l(e, g); return v == null ? null : !eq(v); };
  }
  const r = compileExpr(n.right, ctx);
  return (e, g) => {
    const a = l(e, g), b = r(e, g);
    if (a == null || b == null) return null;
    const c = compareValues(a, b);
    switch (op) {
      case '=': return c === 0;
      case '!=': case '<>': return c !== 0;
      case '<': return c < 0;
      case '<=': return c <= 0;
      case '>': return c > 0;
      case '>=': return c >= 0;
    }
  };
}

// The string test for a LIKE-family operator and pattern text.
export function patternTest(op: A.Like['op'], pattern: string, matches: 'full' | 'find'): StringTest {
  if (op === 'LIKE' || op === 'ILIKE') return compileLike(pattern, op === 'ILIKE');
  return compileMatches(pattern, op === 'IMATCHES', matches);
}

function compileLikeNode(n: A.Like, ctx: CompileCtx): Fn {
  const not = n.not;
  let test: StringTest;
  if (isConstant(n.pattern)) {
    const p = compileExpr(n.pattern, ctx)(DUMMY);
    if (p == null) return () => null;
    try {
      test = patternTest(n.op, toText(p), ctx.matches);
    } catch (err) {
      if (err instanceof RegexError) throw queryError(ctx.source, 'HARNESS_AQL_BAD_REGEX', n.pattern.start, `Invalid regular expression in ${n.op}: ${err.message}.`, 'write a Java-style regex that JavaScript also accepts');
      throw err;
    }
    const lk = lookupOf(n.left, ctx);
    if (lk) { const t0 = test; return foldLookup(lk, (name) => (not ? !t0(name) : t0(name))); }
    if (n.op === 'ILIKE') {
      // Lower-case the operand once per event for all ILIKE tests on it, then test case-sensitively.
      const lowered = memoized(n.left, ctx, 'lower', () => { const f = compileExpr(n.left, ctx); return (e, g) => { const v = f(e, g); return v == null ? null : toText(v).toLowerCase(); }; });
      const cs = compileLikeCS(toText(p).toLowerCase());
      return not ? (e, g) => { const v = lowered(e, g) as string | null; return v == null ? null : !cs(v); } : (e, g) => { const v = lowered(e, g) as string | null; return v == null ? null : cs(v); };
    }
  } else {
    const l = compileExpr(n.left, ctx);
    const pf = compileExpr(n.pattern, ctx);
    const cache = new Map<string, StringTest | null>();
    test = (s) => s === s; // replaced below per call
    return (e, g) => {
      const v = l(e, g), p = pf(e, g);
      if (v == null || p == null) return null;
      const key = toText(p);
      let t = cache.get(key);
      if (t === undefined) {
        try { t = patternTest(n.op, key, ctx.matches); } catch { t = null; }
        if (cache.size < 10_000) cache.set(key, t);
      }
      if (t === null) return null;
      const r = t(toText(v));
      return not ? !r : r;
    };
  }
  const l = compileExpr(n.left, ctx);
  const t = test;
  return not
    ? (e, g) => { const v = l(e, g); return v == null ? null : !t(typeof v === 'string' ? v : toText(v)); }
    : (e, g) => { const v = l(e, g); return v == null ? null : t(typeof v === 'string' ? v : toText(v)); };
}

function compileIn(n: A.InList, ctx: CompileCtx): Fn {
  const l = compileExpr(n.left, ctx);
  const not = n.not;
  if (n.list.every(isConstant)) {
    const values = n.list.map((x) => compileExpr(x, ctx)(DUMMY));
    const hasNull = values.some((v) => v == null);
    const tests = values.filter((v) => v != null).map(equalsConstant);
    const lk = lookupOf(n.left, ctx);
    if (lk) return foldLookup(lk, (name) => (tests.some((t) => t(name)) ? !not : hasNull ? null : not));
    return (e, g) => {
      const v = l(e, g);
      if (v == null) return null;
      for (const t of tests) if (t(v)) return !not;
      return hasNull ? null : not;
    };
  }
  const items = n.list.map((x) => compileExpr(x, ctx));
  return (e, g) => {
    const v = l(e, g);
    if (v == null) return null;
    let unknown = false;
    for (const it of items) {
      const r = equalsValue(v, it(e, g));
      if (r === true) return !not;
      if (r === null) unknown = true;
    }
    return unknown ? null : not;
  };
}

function compileLogical(n: A.Logical, ctx: CompileCtx): Fn {
  const parts = mergeLikes(n.args, ctx, n.op === 'AND');
  if (parts.length === 1) return parts[0];
  if (n.op === 'AND') {
    if (parts.length === 2) {
      const [a, b] = parts;
      return (e, g) => { const x = a(e, g); if (x === false) return false; const y = b(e, g); if (y === false) return false; return x === true && y === true ? true : x == null || y == null ? null : truthy(x) && truthy(y); };
    }
    return (e, g) => {
      let unknown = false;
      for (let i = 0; i < parts.length; i++) { const v = parts[i](e, g); if (v === true) continue; if (v == null) unknown = true; else if (!truthy(v)) return false; }
      return unknown ? null : true;
    };
  }
  return (e, g) => {
    let unknown = false;
    for (let i = 0; i < parts.length; i++) { const v = parts[i](e, g); if (v === true) return true; if (v == null) unknown = true; else if (truthy(v)) return true; }
    return unknown ? null : false;
  };
}

function compileCase(n: A.Case, ctx: CompileCtx): Fn {
  const elseFn = n.else ? compileExpr(n.else, ctx) : () => null;
  const thens = n.whens.map((w) => compileExpr(w.then, ctx));
  if (n.operand) {
    const op = compileExpr(n.operand, ctx);
    const whens = n.whens.map((w) => compileExpr(w.when, ctx));
    return (e, g) => {
      const v = op(e, g);
      if (v != null) for (let i = 0; i < whens.length; i++) if (equalsValue(v, whens[i](e, g)) === true) return thens[i](e, g);
      return elseFn(e, g);
    };
  }
  const conds = n.whens.map((w) => compileExpr(w.when, ctx));
  return (e, g) => {
    for (let i = 0; i < conds.length; i++) if (conds[i](e, g) === true) return thens[i](e, g);
    return elseFn(e, g);
  };
}
