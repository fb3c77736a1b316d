// EVTX parsing speed: our TypeScript parser against libevtx (`evtxexport -f xml`, C) and python-evtx
// (`evtx_dump.py`) on the same files in the same run. Prints records/second and ratios; measures our
// parser in-process (best of N after warm-up) and as a whole `node` process, like the two tools.
// The whole-process run uses the parser transpiled to plain JavaScript (as `npm run build` ships it), so
// it measures node, not tsx's on-the-fly compilation.
// Run alone: node --import tsx bench/parse/evtx.ts   (BENCH_RUNS=N sets the repetitions, default 5)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import ts from 'typescript';
import { packageRoot } from '../../harness/util/paths.js';
import { datasetsDir } from '../../harness/util/paths.js';
import { parseEvtxBuffer, readEvtxFile } from '../../harness/telemetry/parsers/evtx/index.js';

const BIG = 'EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1562.004-Impair Defenses-Disable or Modify System Firewall/ID4688-5447-4950-Firewall disabled (command).evtx';

export interface Rate {
  seconds: number; // best of the runs
  recordsPerSecond: number;
}
export interface EvtxBenchFigures {
  runs: number;
  big: { file: string; records: number };
  all: { files: number; records: number; bytes: number };
  ours: { inProcessBig: Rate; inProcessAll: Rate; streamAll: Rate; processBig: Rate; processAll: Rate; nodeStartupSeconds: number };
  libevtx?: { processBig: Rate; processAll: Rate };
  python?: { processBig: Rate; processAll: Rate };
  ratios: Record<string, number>;
  memory: { smallFileMiB: number; bigFileMiB: number; bigFileRecords: number; rssGrowthSmallMiB: number; rssGrowthBigMiB: number };
}

function rate(records: number, seconds: number): Rate {
  return { seconds: +seconds.toFixed(4), recordsPerSecond: Math.round(records / seconds) };
}

function best(runs: number, fn: () => void): number {
  let b = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    b = Math.min(b, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return b;
}

async function bestAsync(runs: number, fn: () => Promise<void>): Promise<number> {
  let b = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    b = Math.min(b, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return b;
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

// Runs each command line once per file, sequentially, output to /dev/null; the time of the whole batch.
function processTime(runs: number, cmd: string, argsFor: (f: string) => string[], files: string[]): number {
  return best(runs, () => {
    for (const f of files) {
      const r = spawnSync(cmd, argsFor(f), { stdio: ['ignore', 'ignore', 'ignore'] });
      if (r.status !== 0) throw new Error(`${cmd} failed on ${f}`);
    }
  });
}

// Transpiles the parser (and harness/errors.ts) to plain JavaScript in `dir`, as the built CLI would run it,
// plus a child script that streams the files named on its command line and prints the record count.
function buildChild(dir: string): string {
  const srcs = [
    ...readdirSync(join(packageRoot, 'harness/telemetry/parsers/evtx')).filter((f) => f.endsWith('.ts')).map((f) => `harness/telemetry/parsers/evtx/${f}`),
    'harness/errors.ts',
  ];
  for (const rel of srcs) {
    const out = ts.transpileModule(readFileSync(join(packageRoot, rel), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    }).outputText;
    const dest = join(dir, rel.replace(/\.ts$/, '.js'));
    mkdirSync(join(dest, '..'), { recursive: true });
    writeFileSync(dest, out);
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  const child = join(dir, 'child.js');
  writeFileSync(
    child,
    `import { readEvtxFile } from './harness/telemetry/parsers/evtx/index.js';\nlet n = 0;\nfor (const f of process.argv.slice(2)) for await (const _r of readEvtxFile(f)) n++;\nprocess.stdout.write(n + '\\n');\n`,
  );
  return child;
}

function rssMiB(): number {
  return process.memoryUsage().rss / 1048576;
}

// Streams `file` and returns the RSS growth (MiB) seen while doing so.
async function streamRssGrowth(file: string): Promise<{ growth: number; records: number }> {
  globalThis.gc?.();
  const start = rssMiB();
  let peak = start;
  let records = 0;
  for await (const _r of readEvtxFile(file)) {
    if (++records % 500 === 0) peak = Math.max(peak, rssMiB());
  }
  return { growth: +(peak - start).toFixed(1), records };
}

// Times our parser, libevtx and python-evtx on the big dataset file and on all dataset EVTX files.
export async function benchEvtx(opts: { runs?: number; log?: (s: string) => void } = {}): Promise<EvtxBenchFigures> {
  const runs = opts.runs ?? Number(process.env.BENCH_RUNS ?? 5);
  const log = opts.log ?? ((s: string) => console.log(s));
  const ds = datasetsDir();
  const files = execFileSync('find', [ds, '-name', '*.evtx', '-type', 'f'], { encoding: 'utf8' }).trim().split('\n').sort();
  const big = join(ds, BIG);
  const bufs = files.map((f) => readFileSync(f));
  const bigBuf = readFileSync(big);
  const count = (b: Buffer): number => {
    let n = 0;
    for (const _r of parseEvtxBuffer(b)) n++;
    return n;
  };
  const bigRecords = count(bigBuf);
  const allRecords = bufs.reduce((a, b) => a + count(b), 0);
  for (let i = 0; i < 5; i++) bufs.forEach(count); // warm-up (JIT)

  const inBig = best(runs * 4, () => void count(bigBuf));
  const inAll = best(runs * 4, () => void bufs.forEach(count));
  const streamAll = await bestAsync(runs * 2, async () => {
    for (const f of files) for await (const _r of readEvtxFile(f)) void _r;
  });
  const jsDir = mkdtempSync(join(tmpdir(), 'evtx-bench-js-'));
  const child = buildChild(jsDir);
  const runOurs = (fs: string[], expect: number): void => {
    const r = spawnSync(process.execPath, [child, ...fs], { encoding: 'utf8' });
    if (r.status !== 0 || Number(r.stdout) !== expect) throw new Error(`child failed (${r.stdout}): ${r.stderr}`);
  };
  const xml = (f: string): string[] => ['-f', 'xml', f];
  const withLibevtx = has('evtxexport');
  if (!withLibevtx) log('evtxexport not installed (Debian libevtx-utils): libevtx not measured');
  // Whole processes, ours and libevtx's alternately, so both meet the same machine load; best of each.
  const t = { ourBig: Infinity, ourAll: Infinity, libBig: Infinity, libAll: Infinity, empty: Infinity };
  const time = (k: keyof typeof t, fn: () => void): void => {
    const t0 = process.hrtime.bigint();
    fn();
    t[k] = Math.min(t[k], Number(process.hrtime.bigint() - t0) / 1e9);
  };
  for (let i = 0; i < runs; i++) {
    time('empty', () => void spawnSync(process.execPath, ['-e', '0']));
    time('ourBig', () => runOurs([big], bigRecords));
    if (withLibevtx) time('libBig', () => void processTime(1, 'evtxexport', xml, [big]));
    time('ourAll', () => runOurs(files, allRecords));
    if (withLibevtx) time('libAll', () => void processTime(1, 'evtxexport', xml, files));
  }
  const ours = {
    inProcessBig: rate(bigRecords, inBig),
    inProcessAll: rate(allRecords, inAll),
    streamAll: rate(allRecords, streamAll),
    processBig: rate(bigRecords, t.ourBig),
    processAll: rate(allRecords, t.ourAll),
    nodeStartupSeconds: +t.empty.toFixed(4),
  };
  rmSync(jsDir, { recursive: true, force: true });
  const fig: EvtxBenchFigures = {
    runs,
    big: { file: BIG, records: bigRecords },
    all: { files: files.length, records: allRecords, bytes: bufs.reduce((a, b) => a + b.length, 0) },
    ours,
    ratios: {},
    memory: { smallFileMiB: 0, bigFileMiB: 0, bigFileRecords: 0, rssGrowthSmallMiB: 0, rssGrowthBigMiB: 0 },
  };
  if (withLibevtx) fig.libevtx = { processBig: rate(bigRecords, t.libBig), processAll: rate(allRecords, t.libAll) };
  if (has('evtx_dump.py')) {
    const pr = Math.max(1, Math.min(runs, 2)); // python-evtx takes seconds per run
    fig.python = { processBig: rate(bigRecords, processTime(pr, 'evtx_dump.py', (f) => [f], [big])), processAll: rate(allRecords, processTime(pr, 'evtx_dump.py', (f) => [f], files)) };
  } else log('evtx_dump.py not installed (Debian python3-evtx): python-evtx not measured');

  const r = (a: Rate, b: Rate | undefined): number => (b ? +(a.recordsPerSecond / b.recordsPerSecond).toFixed(2) : NaN);
  fig.ratios = {
    'ours in-process / libevtx (big file)': r(ours.inProcessBig, fig.libevtx?.processBig),
    'ours in-process / libevtx (all files)': r(ours.inProcessAll, fig.libevtx?.processAll),
    'ours whole process / libevtx (big file)': r(ours.processBig, fig.libevtx?.processBig),
    'ours whole process / libevtx (all files)': r(ours.processAll, fig.libevtx?.processAll),
    'ours in-process / python-evtx (big file)': r(ours.inProcessBig, fig.python?.processBig),
    'ours whole process / python-evtx (all files)': r(ours.processAll, fig.python?.processAll),
    'libevtx / python-evtx (big file)': fig.libevtx && fig.python ? r(fig.libevtx.processBig, fig.python.processBig) : NaN,
  };

  // Memory: stream the big file, then a file 20 times its size (its chunks repeated); RSS should not follow.
  const dir = mkdtempSync(join(tmpdir(), 'evtx-bench-'));
  try {
    const huge = join(dir, 'huge.evtx');
    const chunks = bigBuf.subarray(4096);
    writeFileSync(huge, Buffer.concat([bigBuf.subarray(0, 4096), ...Array.from({ length: 20 }, () => chunks)]));
    const small = await streamRssGrowth(big);
    const large = await streamRssGrowth(huge);
    fig.memory = {
      smallFileMiB: +(bigBuf.length / 1048576).toFixed(1),
      bigFileMiB: +((4096 + chunks.length * 20) / 1048576).toFixed(1),
      bigFileRecords: large.records,
      rssGrowthSmallMiB: small.growth,
      rssGrowthBigMiB: large.growth,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const line = (name: string, x: Rate | undefined): string => (x ? `  ${name.padEnd(44)} ${String(x.recordsPerSecond).padStart(9)} records/s  (${x.seconds}s)` : `  ${name.padEnd(44)} not measured`);
  log(`EVTX parsing, best of ${runs}: big file ${bigRecords} records (${relative(ds, big)}), all ${files.length} dataset files ${allRecords} records`);
  log(line('ours in-process, big file', ours.inProcessBig));
  log(line('ours in-process, all files', ours.inProcessAll));
  log(line('ours in-process streaming from disk, all files', ours.streamAll));
  log(line('ours whole node process (plain JS), big file', ours.processBig));
  log(line('ours whole node process (plain JS), all files', ours.processAll));
  log(`  (an empty node process takes ${ours.nodeStartupSeconds}s here)`);
  log(line('libevtx evtxexport -f xml, big file', fig.libevtx?.processBig));
  log(line('libevtx evtxexport -f xml, all files', fig.libevtx?.processAll));
  log(line('python-evtx evtx_dump.py, big file', fig.python?.processBig));
  log(line('python-evtx evtx_dump.py, all files', fig.python?.processAll));
  for (const [k, v] of Object.entries(fig.ratios)) log(`  ratio ${k.padEnd(48)} ${Number.isNaN(v) ? 'n/a' : `${v}x`}`);
  log(`  memory: streaming ${fig.memory.smallFileMiB} MiB grew RSS by ${fig.memory.rssGrowthSmallMiB} MiB; ${fig.memory.bigFileMiB} MiB (${fig.memory.bigFileRecords} records) by ${fig.memory.rssGrowthBigMiB} MiB`);
  return fig;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchEvtx();
