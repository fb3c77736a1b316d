// bench/aql: the embedded AQL engine against SQLite (better-sqlite3) and DuckDB on the same 1,000,000
// Sysmon-shaped events, in one run. Prints events/second for each and the ratios. Entry:
//   node --import tsx bench/aql/run.ts [events]      (npm run bench:aql)
import Database from 'better-sqlite3';
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { compileAql } from '../../harness/aql/index.js';
import { datasetsDir } from '../../harness/util/paths.js';
import { BENCH_PROFILE, generateEvents, NOW } from './events.js';
import { COLUMNS, rowOf, toSql } from './sql.js';

const N = Number(process.argv[2] ?? 1_000_000);
const seeds = join(datasetsDir(), '..', 'seeds');
const seedText = (file: string, end: string) => { const s = readFileSync(join(seeds, file), 'utf8'); return s.slice(s.indexOf('SELECT'), s.indexOf(end) + end.length); };
const seed1 = seedText('000_2434b9280510c9de.txt', 'LAST 24 HOURS');
const seed2 = seedText('002_9a3d30ccecc6226b.txt', 'LAST 1 DAYS');

const QUERIES: { name: string; aql: string }[] = [
  { name: 'seed 1 as published (\\\\ doubled)', aql: seed1 },
  { name: 'seed 1 backslash-corrected', aql: seed1.replace(/\\\\/g, '\\') },
  // QRadar rejects seed 2 as published (LOGSOURCETIME is not a field); this is its corrected form. It has
  // no backslashes, so its backslash-corrected form is the same text.
  { name: 'seed 2 corrected (LOGSOURCETIME -> devicetime)', aql: seed2.replace('LOGSOURCETIME', 'devicetime') },
];

// A full garbage collection before every timed run, so that no engine pays for another's garbage (or for
// the 1M generated events) inside its timing. The standard way to reach gc() without --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
// Sweeping after that GC (500 MB of events) would otherwise run on V8's helper threads during the next
// timed run, counted in its CPU time and competing for the two cores: it is the bench's cost, not the
// measured engine's. Without concurrent sweeping it finishes inside gc(), before the clock starts, for every
// engine alike. AQL_BENCH_CONCURRENT_SWEEP=1 restores V8's default (how figures before 2026-11-22 06:40 UTC
// were measured).
if (!process.env.AQL_BENCH_CONCURRENT_SWEEP) setFlagsFromString('--no-concurrent-sweeping');

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
/** Best wall time and best CPU time (user+system of this process, all threads) over `runs` runs. */
interface Timing<T> { wall: number; cpu: number; out: T }
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
function best<T>(runs: number, fn: () => T): Timing<T> {
  let wall = Infinity, cpu = Infinity;
  let out!: T;
  for (let i = 0; i < runs; i++) {
    gc();
    const t0 = process.hrtime.bigint(), c0 = cpuMs();
    out = fn();
    cpu = Math.min(cpu, cpuMs() - c0);
    wall = Math.min(wall, ms(t0));
  }
  return { wall, cpu, out };
}
async function bestAsync<T>(runs: number, fn: () => Promise<T>): Promise<Timing<T>> {
  let wall = Infinity, cpu = Infinity;
  let out!: T;
  for (let i = 0; i < runs; i++) {
    gc();
    const t0 = process.hrtime.bigint(), c0 = cpuMs();
    out = await fn();
    cpu = Math.min(cpu, cpuMs() - c0);
    wall = Math.min(wall, ms(t0));
  }
  return { wall, cpu, out };
}
const eps = (t: { wall: number; cpu: number }) => `${(N / (t.cpu / 1000) / 1e6).toFixed(2)}M (wall ${(N / (t.wall / 1000) / 1e6).toFixed(2)}M)`;

async function main(): Promise<void> {
  let t0 = process.hrtime.bigint();
  const { events, planted } = generateEvents(N);
  console.log(`generated ${N.toLocaleString('en-US')} events in ${ms(t0).toFixed(0)} ms (planted: ${planted.registry} cert-store writes, ${planted.tooling} cert-tool executions)`);

  t0 = process.hrtime.bigint();
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE dsm (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE ev (${COLUMNS.map((c) => `${c} ${/time|devicetype|eventid/.test(c) ? 'INTEGER' : 'TEXT'}`).join(', ')});`);
  const insDsm = db.prepare('INSERT INTO dsm VALUES (?, ?)');
  for (const [id, name] of Object.entries(BENCH_PROFILE.deviceTypes)) insDsm.run(Number(id), name);
  const ins = db.prepare(`INSERT INTO ev VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  db.transaction(() => { for (const e of events) ins.run(...rowOf(e)); })();
  console.log(`loaded SQLite in ${ms(t0).toFixed(0)} ms`);

  t0 = process.hrtime.bigint();
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  await conn.run('SET threads = 1');
  await conn.run(`CREATE TABLE dsm (id INTEGER, name VARCHAR); CREATE TABLE ev (${COLUMNS.map((c) => `${c} ${/time/.test(c) ? 'BIGINT' : /devicetype|eventid/.test(c) ? 'INTEGER' : 'VARCHAR'}`).join(', ')});`);
  for (const [id, name] of Object.entries(BENCH_PROFILE.deviceTypes)) await conn.run(`INSERT INTO dsm VALUES (${Number(id)}, '${name}')`);
  const app = await conn.createAppender('ev');
  for (const e of events) {
    const row = rowOf(e);
    for (let k = 0; k < row.length; k++) {
      const v = row[k];
      if (v === null) app.appendNull();
      else if (typeof v === 'number') { if (/time/.test(COLUMNS[k])) app.appendBigInt(BigInt(v)); else app.appendInteger(v); }
      else app.appendVarchar(v);
    }
    app.endRow();
  }
  app.closeSync();
  console.log(`loaded DuckDB in ${ms(t0).toFixed(0)} ms (threads = 1)\n`);

  console.log('events per CPU-second (and per wall-clock second)\n');
  console.log('query | engine WHERE+window | engine full query | SQLite | DuckDB (1 thread) | engine/SQLite | engine/DuckDB | rows (engine, SQLite, DuckDB)');
  console.log('---|---|---|---|---|---|---|---');
  for (const q of QUERIES) {
    const c = compileAql(q.aql, { profile: BENCH_PROFILE, now: NOW });
    const filter = best(5, () => { let n = 0; for (let i = 0; i < events.length; i++) if (c.matches(events[i])) n++; return n; });
    const full = best(5, () => c.run(events));
    const window = c.window!;
    const stmt = db.prepare(toSql(q.aql, 'sqlite', window, NOW));
    const lite = best(5, () => stmt.all());
    const dsql = toSql(q.aql, 'duckdb', window, NOW);
    const dk = await bestAsync(5, async () => (await conn.runAndReadAll(dsql)).getRowObjectsJS());
    const counts = [full.out.length, (lite.out as unknown[]).length, dk.out.length];
    if (new Set(counts).size !== 1 || filter.out !== counts[0]) console.log(`!! row counts differ: engine filter ${filter.out}, ${counts.join(', ')}`);
    console.log(`${q.name} | ${eps(filter)} | ${eps(full)} | ${eps(lite)} | ${eps(dk)} | ${(lite.cpu / full.cpu).toFixed(1)}x | ${(dk.cpu / full.cpu).toFixed(1)}x | ${counts.join(', ')}`);
  }
  console.log(`\n(events/s = ${N.toLocaleString('en-US')} events / best of 5 runs, full GC before each (sweeping ${process.env.AQL_BENCH_CONCURRENT_SWEEP ? 'concurrent' : 'inside the GC'}); CPU time = user+system of this process, all threads, so other jobs on a busy machine do not count; ratios compare CPU time of the full query; Node ${process.version}, one core for the engine and DuckDB)`);
  conn.closeSync();
  db.close();
}

await main();
