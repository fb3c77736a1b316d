// Why an event is not returned: the first predicate of the WHERE clause (in AND order) that was not true,
// with the values on both sides, or the time window. For an OR, every alternative's own reason is listed.
// Verdicts use this to say which predicate of a rule rejected the execution's event.
import type * as A from './ast.js';
import type { NormalizedEvent } from '../model/event.js';
import type { TimeWindow } from '../telemetry/types.js';
import { compileExpr, type CompileCtx } from './compile.js';
import { locate, type Source } from './source.js';
import { showValue, type Fn } from './values.js';

export interface AqlExplanation {
  matched: boolean;
  /** The rejecting predicate as written in the query (or 'time window'). */
  predicate?: string;
  location?: { line: number; column: number };
  left?: unknown;
  right?: unknown;
  /** false, or null when the predicate was unknown because of a NULL. */
  result?: boolean | null;
  text: string;
}

interface Reason {
  node: A.Expr;
  value: unknown;
  left?: unknown;
  right?: unknown;
  alternatives?: (Reason | null)[];
}

const fnCache = new WeakMap<A.Expr, Fn>();

// Explains one event against a compiled query's WHERE clause and window.
export function explainEvent(query: A.Query, source: Source, ctx: CompileCtx, e: NormalizedEvent, inWindow: boolean, window: TimeWindow | null, timeField: string): AqlExplanation {
  const ev = (n: A.Expr): unknown => {
    let f = fnCache.get(n);
    if (!f) {
      f = compileExpr(n, { ...ctx, unknowns: [] });
      fnCache.set(n, f);
    }
    return f(e);
  };
  const text = (n: A.Expr) => source.body.slice(n.start, n.end).replace(/\s+/g, ' ');
  const reason = query.where ? findRejecting(query.where, ev) : null;
  if (reason) {
    const loc = locate(source, reason.node.start);
    const verdict = reason.value == null ? 'unknown (NULL)' : 'false';
    return {
      matched: false,
      predicate: text(reason.node),
      location: loc,
      left: reason.left,
      right: reason.right,
      result: reason.value == null ? null : false,
      text: describe(reason, text, verdict) + (inWindow ? '' : `; the event is also ${windowText(e, window, timeField)}`),
    };
  }
  if (!inWindow) {
    const t = (e as unknown as Record<string, unknown>)[timeField];
    return { matched: false, predicate: 'time window', left: t, right: window ? [window.start, window.stop] : undefined, result: false, text: `the event is ${windowText(e, window, timeField)}` };
  }
  const more = query.groupBy.length || query.having ? ' (GROUP BY/HAVING may still drop its group)' : '';
  return { matched: true, text: `the event passes the WHERE clause and the time window${more}` };
}

function windowText(e: NormalizedEvent, w: TimeWindow | null, tf: string): string {
  const t = (e as unknown as Record<string, unknown>)[tf];
  const iso = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString() : String(ms));
  return `outside the time window [${w ? iso(w.start) : '?'}, ${w ? iso(w.stop) : '?'}) (${tf} was ${iso(t)})`;
}

function describe(r: Reason, text: (n: A.Expr) => string, verdict: string): string {
  let s = `${text(r.node)} was ${verdict}`;
  if (r.alternatives) {
    const parts = r.alternatives.map((a) => (a ? describe(a, text, a.value == null ? 'unknown (NULL)' : 'false') : '?'));
    return `${s}: none of its ${parts.length} alternatives matched: ${parts.map((p, i) => `(${i + 1}) ${p}`).join('; ')}`;
  }
  const sides: string[] = [];
  if ('left' in r) sides.push(`left side was ${showValue(r.left)}`);
  // A LIKE pattern is already in the predicate text; repeating it only adds noise.
  if ('right' in r && r.node.kind !== 'Like') sides.push(`right side was ${showValue(r.right)}`);
  if (sides.length) s += `: ${sides.join(', ')}`;
  return s;
}

// The leaf predicate responsible for `n` not being true, or null when n is true.
function findRejecting(n: A.Expr, ev: (n: A.Expr) => unknown): Reason | null {
  const value = ev(n);
  if (value === true) return null;
  switch (n.kind) {
    case 'Logical':
      if (n.op === 'AND') {
        for (const a of n.args) {
          const r = findRejecting(a, ev);
          if (r) return r;
        }
        return { node: n, value };
      }
      return { node: n, value, alternatives: n.args.map((a) => findRejecting(a, ev)) };
    case 'Not':
      return { node: n, value, left: ev(n.arg) };
    case 'Compare':
      return { node: n, value, left: ev(n.left), right: ev(n.right) };
    case 'Like':
      return { node: n, value, left: ev(n.left), right: ev(n.pattern) };
    case 'In':
      return { node: n, value, left: ev(n.left), right: n.list.map(ev) };
    case 'Between':
      return { node: n, value, left: ev(n.arg), right: [ev(n.low), ev(n.high)] };
    case 'IsNull':
      return { node: n, value, left: ev(n.arg) };
    case 'Call':
      return { node: n, value, left: n.args.length === 1 ? ev(n.args[0]) : n.args.map(ev) };
    default:
      return { node: n, value, left: value };
  }
}
