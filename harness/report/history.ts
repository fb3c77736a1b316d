// The nightly history: the run directories under reports/, oldest first, for flaky detection and for
// finding the previous run to compare against.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../model/report.js';
import { loadReport } from './load.js';

/** Reports found in reportDir (each `<runId>/report.json`), sorted by startedAt, oldest first; unreadable ones skipped. */
export function listRuns(reportDir: string): { dir: string; report: RunReport }[] {
  if (!existsSync(reportDir)) return [];
  const runs: { dir: string; report: RunReport }[] = [];
  for (const name of readdirSync(reportDir)) {
    if (name === 'latest' || name.startsWith('.')) continue;
    const dir = join(reportDir, name);
    try {
      if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'report.json'))) continue;
      runs.push({ dir, report: loadReport(dir) });
    } catch {
      /* a damaged or foreign report does not stop the history */
    }
  }
  return runs.sort((a, b) => a.report.startedAt.localeCompare(b.report.startedAt));
}

/** The newest run before `runId` (or the newest overall when runId is not given). */
export function previousRun(reportDir: string, runId?: string): { dir: string; report: RunReport } | undefined {
  const runs = listRuns(reportDir).filter((r) => r.report.runId !== runId);
  return runs[runs.length - 1];
}
