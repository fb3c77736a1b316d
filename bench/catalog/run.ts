// bench/catalog: loading + validating the upstream Atomic Red Team corpus (341 files) with the catalog
// loader, against plain `yaml.parse` and `yaml.parseDocument` of the same files, in the same run.
// Run: node --import tsx bench/catalog/run.ts [runs]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { loadAtomicsDir } from '../../harness/catalog/atomics.js';
import { datasetsDir } from '../../harness/util/paths.js';

const dir = join(datasetsDir(), 'atomic-red-team', 'atomics');
const files = readdirSync(dir).filter((d) => /^T\d/.test(d)).map((d) => join(dir, d, `${d}.yaml`));
const runs = Number(process.argv[2] ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const methods: Record<string, () => void> = {
  'harness loader (parse + locations + validation)': () => {
    const r = loadAtomicsDir(dir);
    if (r.diagnostics.some((d) => d.severity === 'error')) throw new Error('the corpus should load clean');
  },
  'yaml.parse (no locations, no validation)': () => { for (const f of files) parse(readFileSync(f, 'utf8')); },
  'yaml.parseDocument (locations, no validation)': () => { for (const f of files) parseDocument(readFileSync(f, 'utf8')); },
};

const results: [string, number][] = [];
for (const [name, fn] of Object.entries(methods)) {
  fn(); // warm-up
  results.push([name, median(Array.from({ length: runs }, () => time(fn)))]);
}
const base = results[0]![1];
console.log(`${files.length} upstream atomic files, median of ${runs} runs`);
for (const [name, ms] of results) console.log(`${name.padEnd(48)} ${ms.toFixed(0).padStart(6)} ms   loader / this = ${(base / ms).toFixed(2)}x`);
