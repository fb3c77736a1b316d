// The report set of a run: every writer renders the same RunReport model; files are written atomically,
// and one writer failing never stops the others (its error is returned with the list).
import { renameSync, symlinkSync, unlinkSync, existsSync, lstatSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { RunReport } from '../model/report.js';
import type { NormalizedEvent } from '../model/event.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { renderJson } from './writers/json.js';
import { renderJunit } from './writers/junit.js';
import { renderHtml } from './writers/html.js';
import { renderMarkdown } from './writers/markdown.js';
import { renderNavigator } from './writers/navigator.js';

export { summarize, isGap, residueOf, resultKey } from './summary.js';
export { loadReport, resolveReportPath, readEvidence } from './load.js';
export { explainResult, resultTitle } from './describe.js';

/** Each writer: a format name, its file in the run directory, and how to render the model. */
export const writers = {
  json: { file: 'report.json', render: renderJson },
  junit: { file: 'junit.xml', render: renderJunit },
  html: { file: 'report.html', render: renderHtml },
  md: { file: 'summary.md', render: renderMarkdown },
  navigator: { file: 'navigator-layer.json', render: renderNavigator },
} as const;
export type ReportFormat = keyof typeof writers;
export const REPORT_FORMATS = Object.keys(writers) as ReportFormat[];

export interface WriteResult {
  written: string[];
  errors: { format: string; error: string }[];
}

/** Writes evidence.jsonl and every report file into runDir; report.evidence (or opts.evidence) is the event list. */
export async function writeReportSet(report: RunReport, runDir: string, opts: { evidence?: NormalizedEvent[] | unknown[] } = {}): Promise<string[]> {
  return writeReportSetDetailed(report, runDir, opts).written;
}

export function writeReportSetDetailed(report: RunReport, runDir: string, opts: { evidence?: unknown[] } = {}): WriteResult {
  const evidence = opts.evidence ?? report.evidence ?? [];
  const withEvidence: RunReport = { ...report, evidence };
  const written: string[] = [];
  const errors: WriteResult['errors'] = [];
  const put = (name: string, content: () => string): void => {
    const file = join(runDir, name);
    try {
      writeFileAtomic(file, content());
      written.push(file);
    } catch (e) {
      errors.push({ format: name, error: (e as Error).message });
    }
  };
  put('evidence.jsonl', () => evidence.map((e) => JSON.stringify(e)).join('\n') + (evidence.length ? '\n' : ''));
  for (const w of Object.values(writers)) put(w.file, () => w.render(withEvidence));
  return { written, errors };
}

/** Points `<reportDir>/latest` at runDir (a relative symlink, swapped atomically). */
export function updateLatest(reportDir: string, runDir: string): string {
  const link = join(reportDir, 'latest');
  const target = relative(resolve(reportDir), resolve(runDir)) || basename(runDir);
  const tmp = join(dirname(link), `.latest.${process.pid}.tmp`);
  if (existsSync(tmp) || isLink(tmp)) unlinkSync(tmp);
  symlinkSync(target, tmp);
  renameSync(tmp, link);
  return link;
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
