// `harness replay` as a library call: map -> catalog -> recorded events -> verdicts -> report set
// (backend 'replay'). It never updates reports/latest: a replay is not the nightly run's baseline.
import { join, resolve } from 'node:path';
import { loadCatalog } from '../catalog/index.js';
import { DiagnosticsError, HarnessError } from '../errors.js';
import { loadRulesDir } from '../catalog/rules.js';
import type { TelemetryBackend } from '../model/backend.js';
import type { RunReport } from '../model/report.js';
import { writeReportSetDetailed } from '../report/index.js';
import { loadProfile } from '../telemetry/index.js';
import { rawValue, signalSourceOf } from '../telemetry/sources.js';
import { newRunId } from '../run/marker.js';
import { harnessVersion, readAll } from '../run/pipeline.js';
import { embeddedEngine } from './engine.js';
import { telemetryView } from './event-view.js';
import { testsByGuid } from './judge.js';
import { loadReplayMap } from './replay-map.js';
import { replayRecordings } from './replay.js';
import { buildRunReport } from './report-model.js';

export interface ReplayOptions {
  map: string;
  reportDir?: string;
  profile?: string;
  env?: NodeJS.ProcessEnv;
  /** Evaluate with the rules of this directory instead of the catalog's (same file names), e.g. expectations/rules/tuned. */
  rulesDir?: string;
  /** Ask this back-end (e.g. QRadarBackend over a console that ingested the recordings) instead of the embedded engine. */
  backend?: TelemetryBackend;
}

/** Replays a map and writes the report set; returns the report and where it is. */
export async function runReplay(o: ReplayOptions): Promise<{ report: RunReport; runDir: string; files: string[] }> {
  const startedAt = new Date();
  const entries = loadReplayMap(o.map, o.env);
  const { catalog, diagnostics } = loadCatalog();
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new DiagnosticsError(errors, 'the catalog has errors (run `harness check`)');
  const profile = loadProfile(o.profile ?? 'stock');
  const used = new Set(catalog.expectations.flatMap((f) => f.tests.flatMap((t) => t.detections.map((d) => d.rule))));
  let rules = catalog.rules.filter((r) => used.has(r.id));
  if (o.rulesDir) {
    const other = loadRulesDir(o.rulesDir);
    const bad = other.diagnostics.filter((d) => d.severity === 'error');
    if (bad.length) throw new DiagnosticsError(bad, `the rules in ${o.rulesDir} have errors`);
    if (!other.rules.length) throw new HarnessError('HARNESS_REPLAY_NO_RULES', `no .aql rule in ${o.rulesDir}`, { location: { file: o.rulesDir }, fix: 'name a directory of .aql files named like the catalog\'s (rules/<name>.aql)' });
    const byId = new Map(other.rules.map((r) => [r.id, r]));
    rules = rules.map((r) => byId.get(r.id) ?? r);
  }
  const { results, evidence } = await replayRecordings({
    entries, tests: testsByGuid(catalog), rules, engine: embeddedEngine(profile), view: telemetryView(signalSourceOf, (e, f) => rawValue(e, f, profile)),
    read: (files) => readAll(files, profile), ...(o.backend ? { backend: o.backend } : {}),
  });
  const runId = `${newRunId(startedAt)}-replay`;
  const runDir = join(resolve(o.reportDir ?? 'reports'), runId);
  const report = buildRunReport({ runId, harnessVersion: harnessVersion(), startedAt, finishedAt: new Date(), backend: 'replay', profile: profile.name, rules, results, evidence, targets: [...new Set(entries.map((e) => `${e.target}\u0000${e.os}`))].map((k) => ({ name: k.split('\u0000')[0], os: k.split('\u0000')[1] })) });
  const w = writeReportSetDetailed(report, runDir, { evidence });
  if (w.errors.length) throw new DiagnosticsError(w.errors.map((e) => ({ severity: 'error' as const, code: 'HARNESS_REPORT_WRITE', message: `${e.format}: ${e.error}`, location: { file: join(runDir, e.format) } })), 'could not write the report set');
  return { report, runDir, files: w.written };
}
