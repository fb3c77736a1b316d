// bench/aql codegen check: random WHERE clauses evaluated by the generated function (codegen.ts) and by the
// closures (compile.ts) over events with NULLs, numeric strings, U+0130 and the Kelvin sign; prints any value
// on which they differ. Run by hand: node --import tsx bench/aql/codegen-diff.ts [seed] [queries]
import { parse } from '../../harness/aql/parser.js';
import { makeSource } from '../../harness/aql/source.js';
import { compileExpr, type CompileCtx } from '../../harness/aql/compile.js';
import { generateWhere } from '../../harness/aql/codegen.js';
import { BENCH_PROFILE, NOW } from './events.js';
let seed = Number(process.argv[2] ?? 1);
const r = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
const FIELDS = ['"EventID"', '"Image"', '"Process Path"', 'devicetype', 'devicetime', 'username', '"HostName"', 'qid', 'Image'];
const STR = ["'%ai%'", "'%ak%'", "'%AI%'", "'ai'", "'%a.c%'", "'%i'", "'abc'", "'ABC'", "'12'", "'12.0'", "''", "'%'", "'%a%'", "'a%'", "'%c'", "'a_c'", "'%İ%'", "'%k%'", "'true'", "' 13 '", "NULL", "'%\\%'", "'%exe'"];
const NUM = ['12', '13', '0', '1', '-1', '1.5', 'NULL'];
function val(d: number): string {
  const k = r();
  if (d <= 0 || k < 0.35) return pick(FIELDS);
  if (k < 0.5) return pick(r() < 0.5 ? STR : NUM);
  if (k < 0.6) return `LOWER(${val(d - 1)})`;
  if (k < 0.65) return `UPPER(${val(d - 1)})`;
  if (k < 0.7) return `(${val(d - 1)} + ${val(d - 1)})`;
  if (k < 0.75) return `CASE WHEN ${pred(d - 1)} THEN ${val(d - 1)} ELSE ${val(d - 1)} END`;
  if (k < 0.8) return `LOGSOURCETYPENAME(devicetype)`;
  if (k < 0.85) return `(${pred(d - 1)})`;
  return pick(FIELDS);
}
function pred(d: number): string {
  const k = r();
  if (d <= 0) return `${pick(FIELDS)} ${pick(['=', '!=', '<', '>='])} ${pick(NUM)}`;
  if (k < 0.15) return `${val(d - 1)} ${pick(['=', '!=', '<>', '<', '<=', '>', '>='])} ${pick(r() < 0.5 ? STR : NUM)}`;
  if (k < 0.2) return `${val(d - 1)} ${pick(['=', '<'])} ${val(d - 1)}`;
  if (k < 0.4) return `${val(d - 1)} ${r() < 0.3 ? 'NOT ' : ''}${pick(['LIKE', 'ILIKE', 'LIKE', 'ILIKE', 'MATCHES'])} ${pick(STR.filter((s) => s !== "'%\\%'"))}`;
  if (k < 0.5) return `${val(d - 1)} ${r() < 0.3 ? 'NOT ' : ''}IN (${Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r() < 0.5 ? STR : NUM)).join(', ')})`;
  if (k < 0.55) return `${val(d - 1)} IS ${r() < 0.5 ? 'NOT ' : ''}NULL`;
  if (k < 0.62) return `NOT (${pred(d - 1)})`;
  if (k < 0.7) { const f = pick(FIELDS); const n = 2 + Math.floor(r() * 3); const op = r() < 0.5 ? 'LIKE' : 'ILIKE'; const neg = r() < 0.5; return '(' + Array.from({ length: n }, () => `${f} ${neg ? 'NOT ' : ''}${op} ${pick(STR.filter((s) => s !== 'NULL'))}`).join(neg ? ' AND ' : ' OR ') + (r() < 0.5 ? ` ${neg ? 'AND' : 'OR'} ${pred(d - 1)}` : '') + ')'; }
  if (k < 0.73) return pick(['1', '0', "'true'", 'NULL', '"EventID"']);
  const n = 2 + Math.floor(r() * 3);
  return '(' + Array.from({ length: n }, () => pred(d - 1)).join(r() < 0.5 ? ' AND ' : ' OR ') + ')';
}
const VALS = ['aİ', 'A\u212a', 'a.c', 'AİB', 'xai', null, undefined, 12, 13, 0, 1, 1.5, '12', ' 13 ', 'abc', 'ABC', 'aXc', 'İx', 'K', 'true', '', 'C:\\x\\a.exe', 'ac', 'abcabc'];
const events = Array.from({ length: 400 }, (_, i) => {
  const p: Record<string, unknown> = {};
  for (const f of ['EventID', 'Image', 'Process Path', 'HostName']) { const v = pick(VALS); if (v !== undefined) p[f] = v; }
  const ev: any = { starttime: NOW - 1000, properties: p };
  for (const f of ['devicetype', 'devicetime', 'username', 'qid']) { const v = f === 'devicetype' ? pick([4001, 12, 11, 99, null, undefined, '4001']) : pick(VALS); if (v !== undefined) ev[f] = v; }
  if (i % 50 === 0) ev.properties = undefined;
  return ev;
});
let n = 0, gen = 0, bad = 0;
for (let q = 0; q < Number(process.argv[3] ?? 3000); q++) {
  const w = pred(3);
  const text = `SELECT * FROM events WHERE ${w}`;
  let query;
  try { query = parse(text, {}); } catch { continue; }
  const ctx: CompileCtx = { source: makeSource(text, {}), profile: BENCH_PROFILE, now: NOW, timeZone: 'UTC', matches: 'full', unknownFields: 'error', aliases: new Map(), aliasFirst: false, aggregates: null, unknowns: [], memo: new Map() };
  let c;
  try { c = compileExpr(query.where!, ctx); } catch { continue; }
  n++;
  const g = generateWhere(query.where!, ctx);
  if (!g) { console.log('NOGEN', w); continue; }
  gen++;
  for (const e of events) {
    let a: unknown, b: unknown, ea = '', eb = '';
    try { a = c(e); } catch (x) { ea = String(x); }
    try { b = g(e); } catch (x) { eb = String(x); }
    if (!Object.is(a, b) || ea !== eb) { bad++; if (bad < 10) console.log('DIFF', w, JSON.stringify(e), a, b, ea, eb); break; }
  }
}
console.log({ queries: n, generated: gen, differing: bad });
if (bad) process.exitCode = 1;
