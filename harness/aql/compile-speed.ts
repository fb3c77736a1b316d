// The evaluator's speed-ups, kept apart from the semantics in compile.ts: per-event memoisation of repeated
// sub-expressions, lookup predicates folded into per-id tables, and merged LIKE alternatives on one operand.
// Each one returns exactly what the plain compilation would (the semantic tests run through them).
import type * as A from './ast.js';
import type { PropertyProfile } from '../model/profile.js';
import { FUNCTIONS } from './functions.js';
import { compileLikeCS } from './patterns.js';
import { compileExpr, type CompileCtx } from './compile.js';
import { toNumber, toText, type Fn } from './values.js';

/** Functions whose result is memoised per event when the same text appears more than once. */
export const MEMO_FNS = new Set(['LOWER', 'UPPER', 'UTF8', 'STR', 'LOGSOURCETYPENAME', 'LOGSOURCENAME', 'QIDNAME', 'CATEGORYNAME']);
const LOOKUPS: Record<string, (p: PropertyProfile) => Record<number, string> | undefined> = {
  LOGSOURCETYPENAME: (p) => p.deviceTypes,
  QIDNAME: (p) => p.qids,
  CATEGORYNAME: (p) => p.categories,
};

function hasAggregate(n: A.Expr): boolean {
  switch (n.kind) {
    case 'Call': return !!FUNCTIONS[n.name.toUpperCase()]?.aggregate || n.args.some(hasAggregate);
    case 'Literal': case 'Interval': case 'Field': case 'Star': return false;
    case 'Negate': case 'Not': case 'IsNull': return hasAggregate(n.arg);
    case 'Arith': case 'Compare': return hasAggregate(n.left) || hasAggregate(n.right);
    case 'Like': return hasAggregate(n.left) || hasAggregate(n.pattern);
    case 'In': return hasAggregate(n.left) || n.list.some(hasAggregate);
    case 'Between': return hasAggregate(n.arg) || hasAggregate(n.low) || hasAggregate(n.high);
    case 'Logical': return n.args.some(hasAggregate);
    case 'Case': return (n.operand !== null && hasAggregate(n.operand)) || n.whens.some((w) => hasAggregate(w.when) || hasAggregate(w.then)) || (n.else !== null && hasAggregate(n.else));
    case 'If': return hasAggregate(n.cond) || hasAggregate(n.then) || hasAggregate(n.else);
  }
}

// Wraps f so that it runs once per event: later calls with the same event return the cached value.
function perEvent(f: Fn): Fn {
  let lastE: unknown = null;
  let lastV: unknown;
  return (e, g) => {
    if (e !== lastE) {
      lastV = f(e, g);
      lastE = e;
    }
    return lastV;
  };
}

// The memoised compilation of n under `key` (shared by every occurrence of the same text in the query).
export function memoized(n: A.Expr, ctx: CompileCtx, key: string, make: () => Fn): Fn {
  if (!ctx.memo || hasAggregate(n)) return make();
  const k = `${ctx.aliasFirst ? 1 : 0}:${key}:${ctx.source.body.slice(n.start, n.end).replace(/\s+/g, ' ')}`;
  let f = ctx.memo.get(k);
  if (!f) {
    f = perEvent(make());
    ctx.memo.set(k, f);
  }
  return f;
}

/** A lookup call (LOGSOURCETYPENAME(x), QIDNAME(x), CATEGORYNAME(x)) with its argument and the profile table. */
export function lookupOf(n: A.Expr, ctx: CompileCtx): { arg: Fn; table: Record<number, string> } | null {
  if (n.kind !== 'Call' || n.args.length !== 1) return null;
  const t = LOOKUPS[n.name.toUpperCase()];
  if (!t) return null;
  return { arg: compileExpr(n.args[0], ctx), table: t(ctx.profile) ?? {} };
}

// A predicate on a lookup folded into a per-id answer table (the DSM name is tested once per id, not per
// event). An id missing from the table looks up NULL, so the predicate is unknown.
export function foldLookup(lk: { arg: Fn; table: Record<number, string> }, test: (name: string) => boolean | null): Fn {
  const answers = foldAnswers(lk.table, test);
  const arg = lk.arg;
  return (e, g) => {
    const v = arg(e, g);
    if (v == null) return null;
    const r = answers.get(typeof v === 'number' ? v : toNumber(v));
    return r === undefined ? null : r;
  };
}

// The per-id answers of a predicate on a lookup table (shared with the code generator).
export function foldAnswers(table: Record<number, string>, test: (name: string) => boolean | null): Map<number, boolean | null> {
  const answers = new Map<number, boolean | null>();
  for (const [id, name] of Object.entries(table)) answers.set(Number(id), test(name));
  return answers;
}

// A LIKE/ILIKE with a constant pattern and the wanted negation: the operand text it tests (for merging).
export function likeGroupKey(n: A.Expr, ctx: CompileCtx, not: boolean): string | null {
  if (n.kind !== 'Like' || n.not !== not || (n.op !== 'LIKE' && n.op !== 'ILIKE') || n.pattern.kind !== 'Literal' || typeof n.pattern.value !== 'string') return null;
  if (lookupOf(n.left, ctx)) return null;
  return `${n.op} ${ctx.source.body.slice(n.left.start, n.left.end).replace(/\s+/g, ' ')}`;
}

// Consecutive `x LIKE 'a' OR x LIKE 'b' OR ...` (or `x NOT LIKE 'a' AND x NOT LIKE 'b' AND ...`) on the same
// operand become one closure that reads x once and tries each precompiled pattern: the same result
// (x NULL -> unknown), fewer calls. `negated` selects the AND/NOT form.
export function mergeLikes(args: A.Expr[], ctx: CompileCtx, negated: boolean): Fn[] {
  const out: Fn[] = [];
  for (let i = 0; i < args.length; ) {
    const key = likeGroupKey(args[i], ctx, negated);
    let j = i + 1;
    while (key && j < args.length && likeGroupKey(args[j], ctx, negated) === key) j++;
    if (!key || j - i < 2) {
      out.push(compileExpr(args[i], ctx));
      i++;
      continue;
    }
    const group = args.slice(i, j) as A.Like[];
    const ci = group[0].op === 'ILIKE';
    const tests = group.map((g) => compileLikeCS(ci ? String((g.pattern as A.Literal).value).toLowerCase() : String((g.pattern as A.Literal).value)));
    const operand = ci
      ? memoized(group[0].left, ctx, 'lower', () => { const f = compileExpr(group[0].left, ctx); return (e, g) => { const v = f(e, g); return v == null ? null : toText(v).toLowerCase(); }; })
      : compileExpr(group[0].left, ctx);
    out.push((e, g) => {
      const v = operand(e, g);
      if (v == null) return null;
      const s = typeof v === 'string' ? v : toText(v);
      for (let k = 0; k < tests.length; k++) if (tests[k](s)) return !negated;
      return negated;
    });
    i = j;
  }
  return out;
}

