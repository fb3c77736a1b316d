// `harness tune` as a library call: loads the report and its evidence, finds the rule being replaced,
// re-judges with the new rule over the stored evidence (tune.ts) or in QRadar over the run window
// (tune-qradar.ts), and formats the before/after table.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadCatalog } from '../catalog/index.js';
import { HarnessError } from '../errors.js';
import type { NormalizedEvent } from '../model/event.js';
import type { RunReport } from '../model/report.js';
import { loadReport, readEvidence, resolveReportPath } from '../report/load.js';
import { loadProfile } from '../telemetry/index.js';
import { rawValue, signalSourceOf } from '../telemetry/sources.js';
import { resolveConfig } from '../config/index.js';
import { QRadarBackend } from '../qradar/backend.js';
import { clientFromConfig } from '../qradar/config.js';
import { chooseTargets, readAll } from '../run/pipeline.js';
import { embeddedEngine } from './engine.js';
import { telemetryView } from './event-view.js';
import { reportTargets, runWindow, tuneRuleInQRadar, type QRadarTuneOutcome } from './tune-qradar.js';
import { tuneRule, type TuneInput, type TuneOutcome, type TuneRule } from './tune.js';

export interface TuneOptions {
  rule: string;
  replace?: string;
  against: string;
  baselines?: string[];
  backend?: string;
  profile?: string;
  /** --backend qradar: harness.config.yaml (qradar: section) and the targets file of the run. */
  config?: string;
  targets?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function readRule(path: string, what: string): TuneRule {
  if (!existsSync(path)) throw new HarnessError('HARNESS_TUNE_RULE_NOT_FOUND', `${what} not found: ${path}`, { location: { file: path }, fix: 'name an .aql file' });
  return { id: `rules/${basename(path)}`, path, text: readFileSync(path, 'utf8') };
}

/** The evidence events stored with a report (report.evidence, else evidence.jsonl beside report.json). */
export function loadEvidence(reportFile: string, report: RunReport): NormalizedEvent[] {
  if (Array.isArray(report.evidence) && report.evidence.length) return report.evidence as NormalizedEvent[];
  const events = readEvidence(reportFile, 'HARNESS_TUNE_NO_EVIDENCE');
  if (!events) throw new HarnessError('HARNESS_TUNE_NO_EVIDENCE', `no evidence.jsonl beside ${reportFile}`, { location: { file: join(dirname(reportFile), 'evidence.jsonl') }, fix: 'tune against a report written by `harness run` or `harness replay` (they store the events they judged)' });
  return events as NormalizedEvent[];
}

/** Runs the tuning check; `replaces` is the rule id the report's detections use. */
export async function runTune(o: TuneOptions): Promise<TuneResult> {
  if (o.backend && o.backend !== 'local' && o.backend !== 'qradar') {
    throw new HarnessError('HARNESS_TUNE_BACKEND_UNSUPPORTED', `tune --backend ${o.backend} is not a back-end`, { fix: 'use --backend local (the evidence stored with the report) or --backend qradar (re-run over the run window in QRadar)' });
  }
  const reportFile = resolveReportPath(o.against);
  const report = loadReport(reportFile);
  const evidence = loadEvidence(reportFile, report);
  const newRule = readRule(o.rule, 'rule');
  const oldFile = o.replace ? readRule(o.replace, 'rule to replace') : undefined;
  const replaces = oldFile?.id ?? newRule.id;
  const known = new Set(report.results.flatMap((r) => r.detections.map((d) => d.rule)));
  if (!known.has(replaces)) {
    throw new HarnessError('HARNESS_TUNE_RULE_UNUSED', `no test in ${reportFile} expects ${replaces}`, { fix: `name the rule it replaces with --replace (rules in this report: ${[...known].join(', ') || 'none'})` });
  }
  const catalog = loadCatalog().catalog;
  const oldRule = oldFile ?? catalog.rules.find((r) => r.id === replaces);
  const outputs = new Map<string, Record<string, string | number>>();
  for (const f of catalog.expectations) for (const t of f.tests) for (const d of t.detections) if (d.rule === replaces && d.output) outputs.set(t.guid, d.output);
  const profile = loadProfile(o.profile ?? report.profile);
  const baselines = [];
  for (const file of o.baselines ?? []) baselines.push({ file, events: await readAll([file], profile) });
  const input = {
    report, evidence, replaces, newRule: { ...newRule, id: replaces }, ...(oldRule ? { oldRule: { id: replaces, text: oldRule.text, path: oldRule.path } } : {}),
    engine: embeddedEngine(profile), view: telemetryView(signalSourceOf, (e, f) => rawValue(e, f, profile)), outputs, baselines,
  };
  if (o.backend === 'qradar') {
    // The recheck must re-run the rule the run used: the one named by --replace, else the catalog's if unchanged since.
    const ran = report.rules.find((r) => r.file === replaces)?.sha256;
    const inCatalog = catalog.rules.find((r) => r.id === replaces);
    const recheck = oldFile ?? (inCatalog && ran && inCatalog.sha256 === ran ? inCatalog : undefined);
    return { ...(await tuneInQRadar(o, { ...input, ...(recheck ? { recheckRule: { id: replaces, text: recheck.text, path: recheck.path } } : {}) })), replaces, report, backend: 'qradar' };
  }
  return { ...tuneRule(input), replaces, report, backend: 'local' };
}

export type TuneResult = (TuneOutcome | QRadarTuneOutcome) & { replaces: string; report: RunReport; backend: 'local' | 'qradar' };

// The QRadar half: configuration and targets as `harness run` resolves them, one client, one back-end.
async function tuneInQRadar(o: TuneOptions, input: TuneInput & { recheckRule?: TuneRule }): Promise<QRadarTuneOutcome> {
  if (input.report.backend === 'replay') {
    throw new HarnessError('HARNESS_TUNE_REPLAY_WINDOW', `report ${input.report.runId} is a replay of recorded files: its events were never searched in QRadar in that window`, { fix: 'tune a replay against its stored evidence (omit --backend), or tune a `harness run` report with --backend qradar' });
  }
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  const config = resolveConfig({ cli: { config: o.config, targets: o.targets, backend: 'qradar' }, env, file: join(cwd, 'harness.config.yaml') });
  const { targets } = chooseTargets(config, cwd);
  const targetsFile = config.targetsFile ?? join(cwd, 'targets.yaml');
  const chosen = reportTargets(input.report, input.replaces, targets, targetsFile);
  const backend = new QRadarBackend({ client: clientFromConfig(config.qradar, env), config: config.qradar, properties: [] });
  try {
    return await tuneRuleInQRadar({ ...input, backend, targets: chosen, window: runWindow(input.report) });
  } finally {
    await backend.close();
  }
}

/** The before/after table and the baseline counts, as printed by `harness tune`. */
export function formatTune(t: TuneResult, ruleFile: string): string {
  const out: string[] = [`${ruleFile} replacing ${t.replaces}, against run ${t.report.runId} (${t.report.backend}, ${t.rows.length} test result(s) expect it)`];
  if ('window' in t) out.push(`re-run in QRadar over the run window ${new Date(t.window.start).toISOString()} .. ${new Date(t.window.stop).toISOString()} (+ qradar.windowSlack): ${t.fetched < 0 ? `the event fetch failed: ${t.fetchError ?? 'unknown error'}` : `${t.fetched} event(s) of the run's hosts`}`);
  if (t.rejected) out.push(`the new rule is rejected: ${t.rejected}`);
  for (const r of t.rows) {
    const flag = r.before === r.after ? '  ' : r.before === 'DETECTED' ? '!!' : '++';
    out.push(`${flag} ${r.before.padEnd(15)} -> ${r.after.padEnd(15)} ${r.technique} ${r.test} @ ${r.target}`);
    if (r.before !== r.after && r.explanation) out.push(`   ${r.explanation.split('\n')[0].slice(0, 400)}`);
    if (r.recheck !== undefined && r.recheck !== r.before) out.push(`   note: the replaced rule re-run in QRadar now gives ${r.recheck}, the report said ${r.before}${r.recheckExplanation ? `: ${r.recheckExplanation.split('\n')[0].slice(0, 300)}` : ''}`);
  }
  for (const b of t.baselines) out.push(`${b.before !== null && b.after > b.before ? '!! ' : ''}baseline ${b.file}: ${b.before === null ? '?' : b.before} -> ${b.after} row(s) (false positives)`);
  out.push(`${t.regressions.length} regression(s) (DETECTED -> not detected), ${t.improvements.length} improvement(s)`);
  return out.join('\n') + '\n';
}
