// Reads a report.json back (for `harness report`, `harness diff`, `harness tune`), with a clear error
// when the path is wrong or the file is not a report of a version we understand.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HarnessError } from '../errors.js';
import type { RunReport } from '../model/report.js';

/** Accepts a run directory, `reports/latest`, or the report.json itself. */
export function resolveReportPath(path: string): string {
  if (!existsSync(path)) {
    throw new HarnessError('HARNESS_REPORT_NOT_FOUND', `no report at ${path}`, { fix: 'name a run directory under reports/ or its report.json', location: { file: path } });
  }
  return statSync(path).isDirectory() ? join(path, 'report.json') : path;
}

export function loadReport(path: string): RunReport {
  const file = resolveReportPath(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new HarnessError('HARNESS_REPORT_NOT_FOUND', `no report.json in ${path}`, { fix: 'name a run directory that `harness run` wrote', location: { file } });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HarnessError('HARNESS_REPORT_INVALID', `report is not valid JSON: ${(e as Error).message}`, { location: { file }, fix: 'the file is damaged; rerun or use another run' });
  }
  const r = value as Partial<RunReport>;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.results) || typeof r.runId !== 'string') {
    throw new HarnessError('HARNESS_REPORT_INVALID', 'not a harness report (no runId/results)', { location: { file }, fix: 'name the report.json that `harness run` wrote' });
  }
  if (r.schemaVersion !== 1) {
    throw new HarnessError('HARNESS_REPORT_VERSION', `report schemaVersion ${String(r.schemaVersion)} is not supported (this harness reads version 1)`, { location: { file }, fix: 'use the harness version that wrote it' });
  }
  return r as RunReport;
}

/**
 * The evidence events stored beside a report (evidence.jsonl), or undefined when there is none. A line
 * that is not JSON is an error naming the file and line, with `code` (the caller's) and the fix.
 */
export function readEvidence(reportFile: string, code = 'HARNESS_REPORT_INVALID'): unknown[] | undefined {
  const f = join(dirname(reportFile), 'evidence.jsonl');
  if (!existsSync(f)) return undefined;
  return readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l, i) => {
    try {
      return JSON.parse(l) as unknown;
    } catch {
      throw new HarnessError(code, 'evidence.jsonl line is not JSON', { location: { file: f, line: i + 1 }, fix: 'the file is damaged; rerun the report' });
    }
  });
}
