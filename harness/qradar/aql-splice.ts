// Byte-preserving surgery on AQL text: finds the top-level clauses of a query (select list, FROM, WHERE,
// GROUP BY, LIMIT, time clause) with a small quote-aware scanner, so search planning can replace the time
// clause, wrap the WHERE and add hidden columns without touching any other byte of the user's rule.
// Used until harness/aql exposes withTimeWindow for every case; it never evaluates anything.
import { HarnessError } from '../errors.js';

export interface Tok {
  kind: 'word' | 'num' | 'str' | 'ident' | 'punct';
  text: string;
  upper: string;
  start: number;
  end: number;
  depth: number;
}

// Splits AQL into tokens with their paren depth; quotes follow AQL ('' is the only escape).
export function scanAql(text: string): Tok[] {
  const toks: Tok[] = [];
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new HarnessError('HARNESS_QRADAR_AQL_UNTERMINATED', `unterminated ${c === "'" ? 'string' : 'quoted identifier'} starting at offset ${start}`, { fix: `close the ${c} (inside '...' write '' for one quote)` });
        if (text[i] === c) {
          if (text[i + 1] === c) {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        i++;
      }
      toks.push({ kind: c === "'" ? 'str' : 'ident', text: text.slice(start, i), upper: '', start, end: i, depth });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_.]/.test(text[i]!)) i++;
      const t = text.slice(start, i);
      toks.push({ kind: 'word', text: t, upper: t.toUpperCase(), start, end: i, depth });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < text.length && /[0-9.]/.test(text[i]!)) i++;
      toks.push({ kind: 'num', text: text.slice(start, i), upper: '', start, end: i, depth });
      continue;
    }
    if (c === ')') depth--;
    toks.push({ kind: 'punct', text: c, upper: c, start, end: i + 1, depth: c === ')' ? depth + 1 : depth });
    if (c === '(') depth++;
    i++;
  }
  return toks;
}

export interface Clauses {
  toks: Tok[];
  /** index of the top-level SELECT / FROM tokens */
  select: number;
  from: number;
  where?: number;
  groupBy?: number;
  having?: number;
  orderBy?: number;
  limit?: number;
  /** index of LAST (followed by a number) or START */
  time?: number;
  /** offset where the query text ends (before a trailing ';' and whitespace) */
  end: number;
}

const AGGREGATES = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG', 'UNIQUECOUNT', 'FIRST', 'LAST', 'STDEV', 'STDEVP', 'GROUP_CONCAT']);

// Locates the top-level clauses; throws a located error when the text is not a SELECT ... FROM query.
export function findClauses(text: string): Clauses {
  const toks = scanAql(text);
  const top = (i: number) => toks[i]!.depth === 0;
  const select = toks.findIndex((t, i) => top(i) && t.upper === 'SELECT');
  const from = toks.findIndex((t, i) => i > select && top(i) && t.upper === 'FROM');
  if (select < 0 || from < 0) throw new HarnessError('HARNESS_QRADAR_AQL_SHAPE', 'the query is not a SELECT ... FROM events query', { fix: 'rules must be one AQL SELECT statement (SELECT ... FROM events WHERE ...)' });
  const c: Clauses = { toks, select, from, end: text.length };
  for (let i = from + 1; i < toks.length; i++) {
    if (!top(i)) continue;
    const t = toks[i]!;
    const next = toks[i + 1];
    if (t.upper === 'WHERE' && c.where === undefined) c.where = i;
    else if (t.upper === 'GROUP' && next?.upper === 'BY') c.groupBy ??= i;
    else if (t.upper === 'HAVING') c.having ??= i;
    else if (t.upper === 'ORDER' && next?.upper === 'BY') c.orderBy ??= i;
    else if (t.upper === 'LIMIT' && next?.kind === 'num') c.limit ??= i;
    else if ((t.upper === 'LAST' && next?.kind === 'num') || t.upper === 'START') c.time ??= i;
  }
  let end = text.length;
  while (end > 0 && /[\s;]/.test(text[end - 1]!)) end--;
  c.end = end;
  return c;
}

// True for GROUP BY queries and for select lists that use an aggregate function.
export function isAggregate(c: Clauses): boolean {
  if (c.groupBy !== undefined) return true;
  for (let i = c.select + 1; i < c.from; i++) {
    const t = c.toks[i]!;
    if (t.kind === 'word' && AGGREGATES.has(t.upper) && c.toks[i + 1]?.text === '(') return true;
  }
  return false;
}

// The offset where the clause following token index `after` begins (or the time clause / end).
function clauseEnd(c: Clauses, after: number): number {
  const starts = [c.groupBy, c.having, c.orderBy, c.limit, c.time].filter((x): x is number => x !== undefined && x > after);
  return starts.length ? c.toks[Math.min(...starts)]!.start : c.end;
}

export interface SpliceOptions {
  /** Replaces the query's own time clause (or adds one). */
  window?: { start: number; stop: number };
  /** Added as LIMIT n when the query has no LIMIT of its own. */
  limit?: number;
  /** AQL condition ANDed with the query's WHERE: `(<original WHERE>) AND (<restriction>)`. */
  restriction?: string;
  /** `expr AS alias` items appended to the select list. */
  hiddenColumns?: string[];
}

// Rewrites the query text; every byte not touched by an option is kept as the user wrote it.
export function spliceAql(text: string, o: SpliceOptions): string {
  const c = findClauses(text);
  const edits: { at: number; to: number; insert: string }[] = [];
  if (o.hiddenColumns?.length) {
    let at = c.toks[c.from]!.start;
    while (at > 0 && /\s/.test(text[at - 1]!)) at--;
    edits.push({ at, to: at, insert: `, ${o.hiddenColumns.join(', ')}` });
  }
  if (o.restriction) {
    if (c.where !== undefined) {
      const bodyStart = c.toks[c.where]!.end;
      let bodyEnd = clauseEnd(c, c.where);
      while (bodyEnd > bodyStart && /\s/.test(text[bodyEnd - 1]!)) bodyEnd--;
      let s = bodyStart;
      while (s < bodyEnd && /\s/.test(text[s]!)) s++;
      edits.push({ at: s, to: s, insert: '(' });
      edits.push({ at: bodyEnd, to: bodyEnd, insert: `) AND (${o.restriction})` });
    } else {
      const table = c.toks[c.from + 1];
      const at = table ? table.end : c.toks[c.from]!.end;
      edits.push({ at, to: at, insert: ` WHERE ${o.restriction}` });
    }
  }
  if (o.window) {
    const timeStart = c.time !== undefined ? c.toks[c.time]!.start : c.end;
    // The time clause runs to the end of the query (a LIMIT written after it is kept, moved before it).
    let limitText = '';
    if (c.limit !== undefined && c.time !== undefined && c.limit > c.time) {
      limitText = text.slice(c.toks[c.limit]!.start, c.toks[c.limit + 1]!.end) + ' ';
    } else if (c.limit === undefined && o.limit !== undefined) {
      limitText = `LIMIT ${Math.floor(o.limit)} `;
    }
    let from = timeStart;
    while (from > 0 && /\s/.test(text[from - 1]!)) from--;
    edits.push({ at: from, to: c.end, insert: ` ${limitText}START ${Math.floor(o.window.start)} STOP ${Math.floor(o.window.stop)}` });
  }
  edits.sort((a, b) => b.at - a.at || b.to - a.to);
  let out = text.slice(0, c.end);
  for (const e of edits) out = out.slice(0, e.at) + e.insert + out.slice(e.to);
  return out;
}

// Quotes a value as an AQL string literal ('' doubles a quote; backslashes are literal).
export function aqlString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}
