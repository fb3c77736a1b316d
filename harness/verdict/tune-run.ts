// `harness tune` as a library call: loads the report and its evidence, finds the rule being replaced,
// re-judges with the new rule (tune.ts), and formats the before/after table.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadCatalog } from '../catalog/index.js';
import { HarnessError } from '../errors.js';
import type { NormalizedEvent } from '../model/event.js';
import type { RunReport } from '../model/report.js';
import { loadReport, resolveReportPath } from '../report/load.js';
import { loadProfile } from '../telemetry/index.js';
import { rawValue, signalSourceOf } from '../telemetry/sources.js';
import { readAll } from '../run/pipeline.js';
import { embeddedEngine } from './engine.js';
import { telemetryView } from './event-view.js';
import { tuneRule, type TuneOutcome, type TuneRule } from './tune.js';

export interface TuneOptions {
  rule: string;
  replace?: string;
  against: string;
  baselines?: string[];
  backend?: string;
  profile?: string;
}

function readRule(path: string, what: string): TuneRule {
  if (!existsSync(path)) throw new HarnessError('HARNESS_TUNE_RULE_NOT_FOUND', `${what} not found: ${path}`, { location: { file: path }, fix: 'name an .aql file' });
  return { id: `rules/${basename(path)}`, path, text: readFileSync(path, 'utf8') };
}

/** The evidence events stored with a report (report.evidence, else evidence.jsonl beside report.json). */
export function loadEvidence(reportFile: string, report: RunReport): NormalizedEvent[] {
  if (Array.isArray(report.evidence) && report.evidence.length) return report.evidence as NormalizedEvent[];
  const f = join(dirname(reportFile), 'evidence.jsonl');
  if (!existsSync(f)) throw new HarnessError('HARNESS_TUNE_NO_EVIDENCE', `no evidence.jsonl beside ${reportFile}`, { location: { file: f }, fix: 'tune against a report written by `harness run` or `harness replay` (they store the events they judged)' });
  return readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l, i) => {
    try { return JSON.parse(l) as NormalizedEvent; } catch { throw new HarnessError('HARNESS_TUNE_NO_EVIDENCE', 'evidence.jsonl line is not JSON', { location: { file: f, line: i + 1 }, fix: 'the file is damaged; rerun the report' }); }
  });
}

/** Runs the tuning check; `replaces` is the rule id the report's detections use. */
export async function runTune(o: TuneOptions): Promise<TuneOutcome & { replaces: string; report: RunReport }> {
  if (o.backend && o.backend !== 'local') {
    throw new HarnessError('HARNESS_TUNE_BACKEND_UNSUPPORTED', `tune --backend ${o.backend} is not implemented: it re-evaluates over the evidence stored with the report`, { fix: 'omit --backend (the stored evidence is the events QRadar returned for that run)' });
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
  const outcome = tuneRule({
    report, evidence, replaces, newRule: { ...newRule, id: replaces }, ...(oldRule ? { oldRule: { id: replaces, text: oldRule.text, path: oldRule.path } } : {}),
    engine: embeddedEngine(profile), view: telemetryView(signalSourceOf, (e, f) => rawValue(e, f, profile)), outputs, baselines,
  });
  return { ...outcome, replaces, report };
}

/** The before/after table and the baseline counts, as printed by `harness tune`. */
export function formatTune(t: TuneOutcome & { replaces: string; report: RunReport }, ruleFile: string): string {
  const out: string[] = [`${ruleFile} replacing ${t.replaces}, against run ${t.report.runId} (${t.report.backend}, ${t.rows.length} test result(s) expect it)`];
  if (t.rejected) out.push(`the new rule is rejected: ${t.rejected}`);
  for (const r of t.rows) {
    const flag = r.before === r.after ? '  ' : r.before === 'DETECTED' ? '!!' : '++';
    out.push(`${flag} ${r.before.padEnd(15)} -> ${r.after.padEnd(15)} ${r.technique} ${r.test} @ ${r.target}`);
    if (r.before !== r.after && r.explanation) out.push(`   ${r.explanation.split('\n')[0].slice(0, 400)}`);
  }
  for (const b of t.baselines) out.push(`${b.before !== null && b.after > b.before ? '!! ' : ''}baseline ${b.file}: ${b.before === null ? '?' : b.before} -> ${b.after} row(s) (false positives)`);
  out.push(`${t.regressions.length} regression(s) (DETECTED -> not detected), ${t.improvements.length} improvement(s)`);
  return out.join('\n') + '\n';
}
