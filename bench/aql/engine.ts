// bench/aql engine-only: the engine's WHERE+window and full query on the bench events, without SQLite or
// DuckDB (a quick loop for profiling: node --cpu-prof --import tsx bench/aql/engine.ts [events] [runs]).
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { compileAql } from '../../harness/aql/index.js';
import { datasetsDir } from '../../harness/util/paths.js';
import { BENCH_PROFILE, generateEvents, NOW } from './events.js';

const N = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 5);
const seeds = join(datasetsDir(), '..', 'seeds');
const seedText = (file: string, end: string) => { const s = readFileSync(join(seeds, file), 'utf8'); return s.slice(s.indexOf('SELECT'), s.indexOf(end) + end.length); };
const seed1 = seedText('000_2434b9280510c9de.txt', 'LAST 24 HOURS');
const seed2 = seedText('002_9a3d30ccecc6226b.txt', 'LAST 1 DAYS');
const QUERIES = [
  { name: 'seed 1 as published', aql: seed1 },
  { name: 'seed 1 corrected', aql: seed1.replace(/\\\\/g, '\\') },
  { name: 'seed 2 corrected', aql: seed2.replace('LOGSOURCETIME', 'devicetime') },
];

setFlagsFromString('--expose-gc');
// As in run.ts: the sweep after each forced GC finishes inside gc(), not during the timed run.
if (!process.env.AQL_BENCH_CONCURRENT_SWEEP) setFlagsFromString('--no-concurrent-sweeping');
const gc = runInNewContext('gc') as () => void;
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
function best<T>(fn: () => T): { wall: number; cpu: number; out: T } {
  let wall = Infinity, cpu = Infinity;
  let out!: T;
  for (let i = 0; i < RUNS; i++) {
    gc();
    const t0 = performance.now(), c0 = cpuMs();
    out = fn();
    cpu = Math.min(cpu, cpuMs() - c0);
    wall = Math.min(wall, performance.now() - t0);
  }
  return { wall, cpu, out };
}
const eps = (t: { wall: number; cpu: number }) => `${(N / t.cpu / 1e3).toFixed(2)}M cpu / ${(N / t.wall / 1e3).toFixed(2)}M wall`;

const { events } = generateEvents(N);
for (const q of QUERIES) {
  const c = compileAql(q.aql, { profile: BENCH_PROFILE, now: NOW });
  const filter = best(() => { let n = 0; for (let i = 0; i < events.length; i++) if (c.matches(events[i])) n++; return n; });
  const full = best(() => c.run(events));
  console.log(`${q.name}: WHERE ${eps(filter)} | full ${eps(full)} | rows ${filter.out}/${full.out.length}`);
}
