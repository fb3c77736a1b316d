// The report model of a run (report.json, DESIGN section 11): versioned, rules with their sha256 (a flip
// can be blamed on a rule change or on the environment), the harness version, evidence, no secrets.
import type { RuleFile } from '../model/catalog.js';
import type { NormalizedEvent } from '../model/event.js';
import type { RunReport, TestResult } from '../model/report.js';
import { summarize } from '../report/summary.js';

export interface ReportInput {
  runId: string;
  harnessVersion: string;
  startedAt: Date;
  finishedAt: Date;
  backend: RunReport['backend'];
  profile: string;
  rules: RuleFile[];
  targets?: RunReport['targets'];
  results: TestResult[];
  findings?: RunReport['findings'];
  evidence: NormalizedEvent[];
  interrupted?: boolean;
}

/** Builds report.json's model; only rule ids and hashes go in, never rule paths outside the project or secrets. */
export function buildRunReport(i: ReportInput): RunReport {
  return {
    schemaVersion: 1,
    runId: i.runId,
    harnessVersion: i.harnessVersion,
    startedAt: i.startedAt.toISOString(),
    finishedAt: i.finishedAt.toISOString(),
    backend: i.backend,
    profile: i.profile,
    rules: i.rules.map((r) => ({ file: r.id, sha256: r.sha256 })),
    ...(i.targets ? { targets: i.targets } : {}),
    results: i.results,
    findings: i.findings ?? [],
    evidence: i.evidence,
    ...(i.interrupted ? { interrupted: true } : {}),
    summary: summarize(i.results),
  };
}
