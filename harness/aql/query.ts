// compileAql: a parsed query becomes a CompiledAql whose WHERE, SELECT, GROUP BY, HAVING and ORDER BY are
// closures. Events stream through matches(); rows are held only when ORDER BY or GROUP BY needs them,
// and an ungrouped, unordered query stops at its LIMIT.
import type * as A from './ast.js';
import type { NormalizedEvent } from '../model/event.js';
import type { AqlRow, RuleRowWithSource } from '../model/backend.js';
import type { TimeWindow } from '../telemetry/types.js';
import { compileExpr, type AggSpec, type CompileCtx, type UnknownName } from './compile.js';
import { generateWhere } from './codegen.js';
import { columnKey } from './columns.js';
import { resolveEnv, type AqlEnv, type ResolvedEnv } from './env.js';
import { BUILTIN_FIELDS } from './fields.js';
import { parse } from './parser.js';
import { makeSource, queryError, type Source } from './source.js';
import { resolveWindow, TimeValueError } from './time.js';
import { compareValues, toNumber, type Fn } from './values.js';
import { explainEvent, type AqlExplanation } from './explain.js';

export interface CompiledAql {
  readonly table: 'events' | 'flows';
  /** Result keys, reference 1.4 naming ([] for SELECT *: rows then carry every field and property). */
  readonly columns: string[];
  /** The time clause resolved against env.now: [start, stop) ms, or null when the query has none. */
  readonly window: TimeWindow | null;
  /** The parsed query. */
  readonly query: A.Query;
  /** Fields/functions the catalog does not know (only filled with unknownFields: 'null'). */
  readonly unknowns: UnknownName[];
  /** WHERE and the time window. */
  matches(e: NormalizedEvent): boolean;
  /** Full query semantics (GROUP BY, HAVING, ORDER BY, LIMIT). */
  run(events: Iterable<NormalizedEvent>): AqlRow[];
  /** The same rows with the indexes of the events each row came from. */
  runWithSources(events: NormalizedEvent[]): RuleRowWithSource[];
  /** Why an event is not returned: the first rejecting WHERE predicate, or the time window. */
  explain(e: NormalizedEvent): AqlExplanation;
}

// Parses AQL text (throws HARNESS_AQL_SYNTAX with line:column and a caret excerpt).
export function parseAql(text: string, opts: { file?: string; lineOffset?: number } = {}): A.Query {
  return parse(text, opts);
}

// Compiles AQL text against an environment; unknown names, bad patterns and bad times throw located errors.
export function compileAql(text: string, env: AqlEnv, opts: { file?: string; lineOffset?: number } = {}): CompiledAql {
  const source = makeSource(text, opts);
  const query = parse(text, opts);
  return compileQuery(query, source, resolveEnv(env));
}

interface Projection {
  key: string;
  fn: Fn;
}

// Compiles a parsed query (exported for lint, which compiles in relaxed mode).
export function compileQuery(query: A.Query, source: Source, env: ResolvedEnv): CompiledAql {
  if (query.limitAfterTime && env.unknownFields === 'error') {
    throw queryError(source, 'HARNESS_AQL_LIMIT_AFTER_TIME', query.limit!.start, 'LIMIT must come before the time clause.', `move "LIMIT ${query.limit!.value}" in front of the time clause`);
  }
  const aliases = new Map<string, A.Expr>();
  for (const it of query.select ?? []) if (it.alias !== null) aliases.set(it.alias, it.expr);
  const unknowns: UnknownName[] = [];
  const base: CompileCtx = { source, profile: env.profile, now: env.now, timeZone: env.timeZone, matches: env.matches, unknownFields: env.unknownFields, aliases, aliasFirst: false, aggregates: null, unknowns, memo: new Map() };
  // The closure compile reports every error and unknown name; the generated function then replaces it.
  const whereClosure = query.where ? compileExpr(query.where, base) : null;
  const where = query.where && whereClosure ? generateWhere(query.where, base) ?? whereClosure : null;
  const aggs: AggSpec[] = [];
  const selCtx: CompileCtx = { ...base, aggregates: aggs };
  const projections: Projection[] | null = query.select ? query.select.map((it) => ({ key: columnKey(it, source), fn: compileExpr(it.expr, selCtx) })) : null;
  const late: CompileCtx = { ...selCtx, aliasFirst: true };
  const groupBy = query.groupBy.map((g) => compileExpr(g, { ...late, aggregates: null }));
  const having = query.having ? compileExpr(query.having, late) : null;
  const orderBy = query.orderBy.map((o) => ({ fn: compileExpr(o.expr, late), desc: o.desc }));
  const grouped = groupBy.length > 0 || aggs.length > 0;
  if (having && !grouped) throw queryError(source, 'HARNESS_AQL_SYNTAX', query.having!.start, 'Syntax Error: HAVING needs GROUP BY or an aggregate.');
  if (!projections && grouped) throw queryError(source, 'HARNESS_AQL_SYNTAX', query.start, 'Syntax Error: SELECT * cannot be grouped.');

  let window: TimeWindow | null;
  try {
    window = resolveWindow(query.time, env.now, env.timeZone);
  } catch (err) {
    if (err instanceof TimeValueError) throw queryError(source, 'HARNESS_AQL_BAD_TIME', err.pos ?? query.time!.start, err.message, "write 'yyyy-MM-dd HH:mm[:ss]', epoch ms or PARSEDATETIME('N hours ago')");
    throw err;
  }
  const tf = env.timeField;
  const w = window;
  const inWindow = w ? (e: NormalizedEvent) => { const t = e[tf]; return typeof t === 'number' && t >= w.start && t < w.stop; } : () => true;
  const matches = where
    ? w ? (e: NormalizedEvent) => { const t = e[tf]; return typeof t === 'number' && t >= w.start && t < w.stop && where(e) === true; } : (e: NormalizedEvent) => where(e) === true
    : inWindow;
  const limit = query.limit ? query.limit.value : Infinity;

  const project = (e: NormalizedEvent, g?: unknown[]): AqlRow => {
    if (!projections) return selectStar(e);
    const row: AqlRow = {};
    for (const p of projections) row[p.key] = p.fn(e, g);
    return row;
  };

  function runIndexed(events: Iterable<NormalizedEvent>): RuleRowWithSource[] {
    if (grouped) return runGrouped(events);
    const out: { row: AqlRow; sources: number[]; keys: unknown[] }[] = [];
    const take = (e: NormalizedEvent, i: number): boolean => {
      out.push({ row: project(e), sources: [i], keys: orderBy.map((o) => o.fn(e)) });
      return orderBy.length === 0 && out.length >= limit;
    };
    // Arrays by index: the iterator protocol allocated a result object per event here.
    if (Array.isArray(events)) {
      const list = events as NormalizedEvent[];
      for (let i = 0; i < list.length; i++) if (matches(list[i]) && take(list[i], i)) break;
    } else {
      let i = -1;
      for (const e of events) {
        i++;
        if (matches(e) && take(e, i)) break;
      }
    }
    sortRows(out);
    return out.slice(0, limit).map(({ row, sources }) => ({ row, sources }));
  }

  function runGrouped(events: Iterable<NormalizedEvent>): RuleRowWithSource[] {
    const groups = new Map<string, { first: NormalizedEvent; sources: number[]; acc: Acc[] }>();
    let i = -1;
    for (const e of events) {
      i++;
      if (!matches(e)) continue;
      const key = groupBy.length ? JSON.stringify(groupBy.map((g) => g(e))) : '';
      let grp = groups.get(key);
      if (!grp) {
        grp = { first: e, sources: [], acc: aggs.map(newAcc) };
        groups.set(key, grp);
      }
      grp.sources.push(i);
      for (let k = 0; k < aggs.length; k++) addAcc(grp.acc[k], aggs[k], e);
    }
    const out: { row: AqlRow; sources: number[]; keys: unknown[] }[] = [];
    for (const grp of groups.values()) {
      const g = grp.acc.map(accValue);
      if (having && having(grp.first, g) !== true) continue;
      out.push({ row: project(grp.first, g), sources: grp.sources, keys: orderBy.map((o) => o.fn(grp.first, g)) });
    }
    sortRows(out);
    return out.slice(0, limit).map(({ row, sources }) => ({ row, sources }));
  }

  function sortRows(rows: { keys: unknown[] }[]): void {
    if (orderBy.length === 0) return;
    // NULL sorts as the smallest value ([U]); Array.prototype.sort is stable, so ties keep event order.
    rows.sort((a, b) => {
      for (let k = 0; k < orderBy.length; k++) {
        const x = a.keys[k], y = b.keys[k];
        const c = x == null ? (y == null ? 0 : -1) : y == null ? 1 : compareValues(x, y);
        if (c !== 0) return orderBy[k].desc ? -c : c;
      }
      return 0;
    });
  }

  const compiled: CompiledAql = {
    table: query.from,
    columns: projections ? projections.map((p) => p.key) : [],
    window,
    query,
    unknowns,
    matches,
    run: (events) => runIndexed(events).map((r) => r.row),
    runWithSources: (events) => runIndexed(events),
    explain: (e) => explainEvent(query, source, base, e, inWindow(e), window, tf),
  };
  return compiled;
}

// SELECT *: the built-in fields the event carries, then its properties.
function selectStar(e: NormalizedEvent): AqlRow {
  const row: AqlRow = {};
  const rec = e as unknown as Record<string, unknown>;
  for (const k of new Set(Object.values(BUILTIN_FIELDS))) if (rec[k] !== undefined) row[k] = rec[k];
  for (const [k, v] of Object.entries(e.properties ?? {})) if (!(k in row)) row[k] = v;
  return row;
}

interface Acc { spec: AggSpec; n: number; sum: number; best: unknown }

function newAcc(spec: AggSpec): Acc {
  return { spec, n: 0, sum: 0, best: null };
}

function addAcc(acc: Acc, spec: AggSpec, e: NormalizedEvent): void {
  if (spec.arg === null) { acc.n++; return; }
  const v = spec.arg(e);
  if (v == null) return;
  acc.n++;
  if (spec.fn === 'SUM' || spec.fn === 'AVG') { const n = toNumber(v); if (!Number.isNaN(n)) acc.sum += n; }
  else if (spec.fn === 'MIN') { if (acc.best == null || compareValues(v, acc.best) < 0) acc.best = v; }
  else if (spec.fn === 'MAX') { if (acc.best == null || compareValues(v, acc.best) > 0) acc.best = v; }
}

function accValue(acc: Acc): unknown {
  switch (acc.spec.fn) {
    case 'COUNT': return acc.n;
    case 'SUM': return acc.n === 0 ? null : acc.sum;
    case 'AVG': return acc.n === 0 ? null : acc.sum / acc.n;
    default: return acc.best;
  }
}
