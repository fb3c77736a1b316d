// summary.md: what a chat message or a pull-request comment needs: counts, what broke, what to fix.
import type { RunReport, TestResult, Verdict } from '../../model/report.js';
import { VERDICTS } from '../../model/report.js';
import { explainResult, resultTitle } from '../describe.js';
import { residueOf } from '../summary.js';

const ICON: Record<Verdict, string> = {
  DETECTED: '✅', MISSED: '❌', NO_TELEMETRY: '🕳️', NOT_EXECUTED: '⛔', SKIPPED: '⏭️', INCONCLUSIVE: '❔', UNEXPECTED_FIRE: '🔥',
};

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function renderMarkdown(report: RunReport): string {
  const lines: string[] = [];
  lines.push(`# atomic-harness run ${report.runId}`, '');
  lines.push(`Back-end **${report.backend}**, profile **${report.profile}**, ${report.results.length} result(s), ${report.startedAt} to ${report.finishedAt}.${report.interrupted ? ' **Interrupted: partial report.**' : ''}`, '');

  const residue = report.results.filter((r) => residueOf(r).length);
  const residueFindings = (report.findings ?? []).filter((f) => f.kind === 'RESIDUE');
  if (residue.length || residueFindings.length) {
    lines.push('## ⚠️ RESIDUE: cleanup left something on a target', '');
    for (const r of residue) lines.push(`- ${cell(resultTitle(r))}: ${cell(residueOf(r).join(', '))}`);
    for (const f of residueFindings) lines.push(`- ${cell(f.target ?? '')}: ${cell(f.message)}`);
    lines.push('');
  }

  lines.push('| verdict | count |', '|---|---:|');
  for (const v of VERDICTS) {
    const n = report.summary.byVerdict[v];
    if (n) lines.push(`| ${ICON[v]} ${v} | ${n} |`);
  }
  lines.push('');

  const attention = report.results.filter((r) => r.verdict !== 'DETECTED' && r.verdict !== 'SKIPPED');
  if (attention.length) {
    lines.push('## Needs attention', '', '| test | target | verdict | why |', '|---|---|---|---|');
    for (const r of attention) lines.push(row(r));
    lines.push('');
  }
  const detected = report.results.filter((r) => r.verdict === 'DETECTED');
  if (detected.length) {
    lines.push('## Detected', '');
    for (const r of detected) lines.push(`- ${cell(resultTitle(r))}`);
    lines.push('');
  }
  const skipped = report.results.filter((r) => r.verdict === 'SKIPPED');
  if (skipped.length) {
    lines.push(`<details><summary>${skipped.length} skipped</summary>`, '');
    for (const r of skipped) lines.push(`- ${cell(resultTitle(r))}: ${cell(r.reason ?? '')}`);
    lines.push('', '</details>', '');
  }
  const other = (report.findings ?? []).filter((f) => f.kind !== 'RESIDUE');
  if (other.length) {
    lines.push('## Findings', '');
    for (const f of other) lines.push(`- **${f.kind}**${f.target ? ` ${cell(f.target)}` : ''}: ${cell(f.message)}`);
    lines.push('');
  }
  lines.push(`Rules: ${report.rules.map((r) => `\`${r.file}\` (${r.sha256.slice(0, 12)})`).join(', ') || 'none'}`, '');
  return lines.join('\n');
}

function row(r: TestResult): string {
  const v = `${ICON[r.verdict]} ${r.verdict}${r.knownGap ? ' (known gap)' : ''}`;
  return `| ${cell(`${r.technique} ${r.test}`)} | ${cell(r.target)} | ${v} | ${cell(explainResult(r))} |`;
}
