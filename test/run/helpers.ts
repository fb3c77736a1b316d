// Shared bits of the run tests: fixture atomics, a local target, a config with short timeouts.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { atomicsDir } from '../../harness/util/paths.js';
import { tmpdir } from 'node:os';
import { loadAtomicFile } from '../../harness/catalog/index.js';
import type { AtomicFile } from '../../harness/model/catalog.js';
import type { ResolvedConfig, Target } from '../../harness/model/config.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

// Loads a fixture atomic file through the real catalog loader (fails loudly on a diagnostic).
export function fixtureAtomics(technique: string): AtomicFile {
  const r = loadAtomicFile(join(FIXTURES, 'atomics', technique, `${technique}.yaml`));
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.file || errors.length) throw new Error(`fixture ${technique} does not load: ${JSON.stringify(errors)}`);
  return r.file;
}

// Loads one of the project's own atomics (atomics/<T>/<T>.yaml); falls back to the fixture of the same technique.
export function projectAtomics(technique: string): AtomicFile {
  const path = join(atomicsDir, technique, `${technique}.yaml`);
  if (!existsSync(path)) return fixtureAtomics(technique);
  const r = loadAtomicFile(path);
  if (!r.file || r.diagnostics.some((d) => d.severity === 'error')) throw new Error(`${path} does not load: ${JSON.stringify(r.diagnostics)}`);
  return r.file;
}

export const localTarget: Target = { name: 'local', os: 'linux', transport: 'local', port: 0, sudo: false };

// A ResolvedConfig with test-sized timeouts.
export function testConfig(over: Partial<ResolvedConfig> = {}): ResolvedConfig {
  return {
    backend: 'local', profile: 'stock', reportDir: 'reports', failOn: 'never', concurrency: 8, only: [],
    timeouts: { connectMs: 10_000, execMs: 30_000, testMs: 30_000 }, setupSensors: false, baselines: [],
    qradar: { version: '19.0', allowHttp: false, requestTimeoutMs: 1000, pollIntervalMs: 1000, maxConcurrentSearches: 1, windowSlackMs: 0, hostField: 'logSourceName' },
    timeZone: 'UTC', ...over,
  };
}

const made: string[] = [];
// Run directories are removed when the test process exits.
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

// A fresh run directory under the OS temp dir.
export function tempRunDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ath-run-test-'));
  made.push(d);
  return d;
}
