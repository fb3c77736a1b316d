// lintAql: every finding with file:line:column, severity and a stable code. It compiles in relaxed mode
// (unknown names become NULL and are reported) so one run lists every problem, then walks the tree.
import type * as A from './ast.js';
import type { Diagnostic } from '../errors.js';
import { isHarnessError } from '../errors.js';
import { compileQuery } from './query.js';
import { resolveEnv, type AqlEnv } from './env.js';
import { parse } from './parser.js';
import { locate, makeSource, type Source } from './source.js';
import { lintCaseReachability } from './lint-case.js';
import { patternTest } from './compile.js';

const VALIDATE = 'confirm it on your console with POST /api/ariel/validators/aql before relying on it';
const TIME_FIELDS = new Set(['starttime', 'devicetime', 'endtime', 'logsourcetime']);

// Lints one query text; a syntax error is the single finding when the text does not parse.
export function lintAql(text: string, env: AqlEnv, opts: { file?: string; lineOffset?: number } = {}): Diagnostic[] {
  const source = makeSource(text, opts);
  const out: Diagnostic[] = [];
  const at = (pos: number) => ({ file: source.file, ...locate(source, pos) });
  let query: A.Query;
  try {
    query = parse(text, opts);
  } catch (e) {
    if (!isHarnessError(e)) throw e;
    return [{ severity: 'error', code: e.code, message: String(e.details?.description ?? e.message), location: e.location ?? { file: source.file }, fix: e.fix }];
  }
  const renv = resolveEnv({ ...env, unknownFields: 'null' });
  try {
    const compiled = compileQuery(query, source, renv);
    for (const u of compiled.unknowns) {
      out.push({ severity: 'error', code: u.kind === 'field' ? 'HARNESS_AQL_UNKNOWN_FIELD' : 'HARNESS_AQL_UNKNOWN_FUNCTION', message: `${u.message} QRadar rejects the query.`, location: at(u.start), fix: u.kind === 'field' ? 'use a built-in event field or a custom property the profile defines' : 'use a function AQL defines' });
    }
  } catch (e) {
    if (!isHarnessError(e)) throw e;
    out.push({ severity: 'error', code: e.code, message: String(e.details?.description ?? e.message), location: e.location ?? at(0), fix: e.fix });
  }
  if (query.limitAfterTime) out.push({ severity: 'error', code: 'HARNESS_AQL_LIMIT_AFTER_TIME', message: 'LIMIT comes after the time clause; QRadar expects LIMIT before it.', location: at(query.limit!.start), fix: `move "LIMIT ${query.limit!.value}" in front of the time clause` });
  if (!query.time) out.push({ severity: 'warning', code: 'HARNESS_AQL_LINT_NO_TIME_CLAUSE', message: 'No time clause: QRadar then searches only the last 60 seconds (API) or 5 minutes (AQL guide).', location: at(query.end), fix: 'end the query with LAST n MINUTES|HOURS|DAYS or START ... STOP ...' });
  if (query.time?.kind === 'last' && query.time.unit === 'SECONDS') out.push({ severity: 'warning', code: 'HARNESS_AQL_LINT_UNDOCUMENTED', message: `LAST n SECONDS is not documented by IBM; ${VALIDATE}.`, location: at(query.time.start) });
  const visit = (n: A.Expr, inWhere: boolean) => walk(n, (x) => lintNode(x, source, renv.profile, query, inWhere, out));
  for (const it of query.select ?? []) visit(it.expr, false);
  if (query.where) visit(query.where, true);
  if (query.having) visit(query.having, false);
  out.push(...lintCaseReachability(query, source));
  return out.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 0) - (b.location.column ?? 0));
}

function lintNode(n: A.Expr, src: Source, profile: AqlEnv['profile'], q: A.Query, inWhere: boolean, out: Diagnostic[]): void {
  const at = (pos: number) => ({ file: src.file, ...locate(src, pos) });
  const text = (x: A.Expr) => src.body.slice(x.start, x.end).replace(/\s+/g, ' ');
  if (n.kind === 'Like' && (n.op === 'LIKE' || n.op === 'ILIKE') && n.pattern.kind === 'Literal' && typeof n.pattern.value === 'string') {
    const raw = src.body.slice(n.pattern.start, n.pattern.end);
    // A leading UNC prefix (\\host or %\\host) really has two backslashes, unless the rest of the pattern
    // doubles its backslashes too (then the prefix is a doubled single backslash like the others).
    const hits: number[] = [];
    for (let i = raw.indexOf('\\\\'); i >= 0; i = raw.indexOf('\\\\', i + 2)) hits.push(i);
    const uncOnly = hits.length === 1 && /^'%?\\\\[^\\]/.test(raw) && hits[0] <= 2;
    if (hits.length > 0 && !uncOnly) {
      const fixed = raw.replace(/\\\\/g, '\\');
      out.push({ severity: 'warning', code: 'HARNESS_AQL_LINT_DOUBLE_BACKSLASH', message: `${n.op} pattern ${raw} contains "\\\\": in AQL a backslash is an ordinary character, so this matches two backslashes in a row, which Windows paths never contain; the predicate will not match real events.`, location: at(n.pattern.start + hits[0]), fix: `write ${fixed}` });
    }
  }
  if (n.kind === 'Call' && n.name.toUpperCase() === 'DATEFORMAT' && n.args[1]?.kind === 'Literal' && typeof n.args[1].value === 'string') {
    const lit = n.args[1];
    const raw = src.body.slice(lit.start, lit.end);
    const y = unquotedLetter(raw, 'Y');
    if (y >= 0) out.push({ severity: 'warning', code: 'HARNESS_AQL_LINT_WEEK_YEAR', message: `DATEFORMAT pattern ${raw} uses "Y", the week-year in Java SimpleDateFormat: in the last days of December it prints the next year (2024-12-29 -> 2025-12-29).`, location: at(lit.start + y), fix: `use "yyyy": ${raw.replace(/Y/g, 'y')}` });
  }
  if (n.kind === 'Case' && n.operand === null) out.push({ severity: 'warning', code: 'HARNESS_AQL_LINT_UNDOCUMENTED', message: `Searched CASE (CASE WHEN <condition> ...) is not shown in IBM's AQL documentation; ${VALIDATE}.`, location: at(n.start) });
  if (n.kind === 'Interval') out.push({ severity: 'warning', code: 'HARNESS_AQL_LINT_UNDOCUMENTED', message: `Interval arithmetic "${text(n)}" is not documented AQL; ${VALIDATE}.`, location: at(n.start), fix: `write the milliseconds: ${n.ms} (or use the time clause)` });
  if (inWhere && q.time && (n.kind === 'Compare' || n.kind === 'Between')) {
    const sides = n.kind === 'Compare' ? [n.left, n.right] : [n.arg, n.low, n.high];
    const timeField = sides.find((s) => s.kind === 'Field' && TIME_FIELDS.has(s.name.toLowerCase()));
    if (timeField && sides.some((s) => s !== timeField && isRelativeTime(s))) {
      out.push({ severity: 'warning', code: 'HARNESS_AQL_LINT_TIME_PREDICATE', message: `The time predicate "${text(n)}" repeats the time clause "${src.body.slice(q.time.start, q.time.end)}".`, location: at(n.start), fix: 'drop the predicate and let the time clause bound the search' });
    }
  }
  if (inWhere && isDsmTest(n)) lintDsm(n, src, profile, out);
}

function isRelativeTime(n: A.Expr): boolean {
  let found = false;
  walk(n, (x) => {
    if (x.kind === 'Interval' || (x.kind === 'Call' && ['NOW', 'PARSEDATETIME'].includes(x.name.toUpperCase()))) found = true;
  });
  return found;
}

function isDsmTest(n: A.Expr): n is A.Like | A.Compare | A.InList {
  const left = n.kind === 'Like' || n.kind === 'Compare' || n.kind === 'In' ? n.left : null;
  return !!left && left.kind === 'Call' && left.name.toUpperCase() === 'LOGSOURCETYPENAME';
}

function lintDsm(n: A.Like | A.Compare | A.InList, src: Source, profile: AqlEnv['profile'], out: Diagnostic[]): void {
  const names = Object.values(profile.deviceTypes ?? {});
  let test: ((s: string) => boolean) | null = null;
  if (n.kind === 'Like' && !n.not && n.pattern.kind === 'Literal' && typeof n.pattern.value === 'string') {
    try { test = patternTest(n.op, n.pattern.value, 'full'); } catch { test = null; }
  } else if (n.kind === 'Compare' && n.op === '=' && n.right.kind === 'Literal' && typeof n.right.value === 'string') {
    const v = n.right.value;
    test = (s) => s === v;
  } else if (n.kind === 'In' && !n.not && n.list.every((x) => x.kind === 'Literal')) {
    const vs = n.list.map((x) => String((x as A.Literal).value));
    test = (s) => vs.includes(s);
  }
  if (!test || names.some(test)) return;
  out.push({
    severity: 'warning',
    code: 'HARNESS_AQL_LINT_NO_DSM',
    message: `${src.body.slice(n.start, n.end).replace(/\s+/g, ' ')} matches no log source type in profile '${profile.name}' (${names.map((x) => `'${x}'`).join(', ')}): the query returns no row there. Sysmon arrives under 'Microsoft Windows Security Event Log' in a stock deployment.`,
    location: { file: src.file, ...locate(src, n.start) },
    fix: 'filter on devicetype = <id> or a DSM name the profile lists',
  });
}

// Offset in a '...' literal's raw text of the first `letter` outside Java '...' quoting, or -1.
function unquotedLetter(raw: string, letter: string): number {
  const body = raw.slice(1, -1).replace(/''/g, '\u0000\u0000'); // AQL '' -> one ' in the pattern
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\u0000') {
      // A pair of AQL quotes is one Java quote character; two in a row ('''') is a literal quote.
      if (body.slice(i, i + 4) === '\u0000\u0000\u0000\u0000') { i += 3; continue; }
      quoted = !quoted;
      i++;
      continue;
    }
    if (!quoted && body[i] === letter) return i + 1;
  }
  return -1;
}

// Calls fn on n and every expression below it.
export function walk(n: A.Expr, fn: (x: A.Expr) => void): void {
  fn(n);
  switch (n.kind) {
    case 'Call': n.args.forEach((a) => walk(a, fn)); break;
    case 'Negate': case 'Not': walk(n.arg, fn); break;
    case 'IsNull': walk(n.arg, fn); break;
    case 'Arith': case 'Compare': walk(n.left, fn); walk(n.right, fn); break;
    case 'Like': walk(n.left, fn); walk(n.pattern, fn); break;
    case 'In': walk(n.left, fn); n.list.forEach((a) => walk(a, fn)); break;
    case 'Between': walk(n.arg, fn); walk(n.low, fn); walk(n.high, fn); break;
    case 'Logical': n.args.forEach((a) => walk(a, fn)); break;
    case 'Case': if (n.operand) walk(n.operand, fn); n.whens.forEach((w) => { walk(w.when, fn); walk(w.then, fn); }); if (n.else) walk(n.else, fn); break;
    case 'If': walk(n.cond, fn); walk(n.then, fn); walk(n.else, fn); break;
    default: break;
  }
}
