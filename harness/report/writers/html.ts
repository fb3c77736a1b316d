// report.html: one self-contained file that works offline: run metadata, a coverage matrix (technique
// and test by target, coloured by verdict) and, per cell, the evidence events, the rule rows and the
// miss explanation. All data rides in one JSON script block; the page renders details with textContent.
import type { RunReport, TestResult } from '../../model/report.js';
import { VERDICTS } from '../../model/report.js';
import { explainResult } from '../describe.js';
import { residueOf } from '../summary.js';
import { HTML_SCRIPT, HTML_STYLE } from './html-assets.js';

const esc = (s: unknown): string => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON that is safe inside a <script> element (no `</script`, no `<!--`). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function renderHtml(report: RunReport): string {
  const targets = [...new Set(report.results.map((r) => r.target))].sort();
  const index = new Map<string, number>();
  report.results.forEach((r, i) => index.set(`${r.guid}@${r.target}`, i));
  const tests = new Map<string, TestResult>();
  for (const r of report.results) if (!tests.has(r.guid)) tests.set(r.guid, r);
  const byTechnique = new Map<string, TestResult[]>();
  for (const r of tests.values()) byTechnique.set(r.technique, [...(byTechnique.get(r.technique) ?? []), r]);

  const rows: string[] = [];
  for (const technique of [...byTechnique.keys()].sort()) {
    rows.push(`<tr><th class="tech" colspan="${targets.length + 1}">${esc(technique)}</th></tr>`);
    for (const t of byTechnique.get(technique)!) {
      const cells = targets.map((target) => {
        const i = index.get(`${t.guid}@${target}`);
        if (i === undefined) return '<td></td>';
        const r = report.results[i]!;
        const cls = `cell v-${r.verdict}${r.knownGap ? ' known' : ''}${residueOf(r).length ? ' residue' : ''}`;
        const label = `${r.verdict}${residueOf(r).length ? ' + RESIDUE' : ''}`;
        return `<td><button class="${cls}" data-index="${i}" data-guid="${esc(r.guid)}" data-verdict="${esc(r.verdict)}" title="${esc(explainResult(r))}">${esc(label)}</button></td>`;
      });
      rows.push(`<tr><td class="test">${esc(t.test)}<div class="guid">${esc(t.guid)}</div></td>${cells.join('')}</tr>`);
    }
  }
  const badges = VERDICTS.filter((v) => report.summary.byVerdict[v]).map((v) => `<span class="v-${v}">${v} ${report.summary.byVerdict[v]}</span>`).join('');
  const residueCount = report.results.filter((r) => residueOf(r).length).length + (report.findings ?? []).filter((f) => f.kind === 'RESIDUE').length;
  const data = { results: report.results, explanations: report.results.map(explainResult), evidence: report.evidence ?? [] };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>atomic-harness ${esc(report.runId)}</title><style>${HTML_STYLE}</style></head>
<body><header><h1>atomic-harness run ${esc(report.runId)}</h1>
<div class="meta">back-end ${esc(report.backend)} · profile ${esc(report.profile)} · harness ${esc(report.harnessVersion)} · ${esc(report.startedAt)} to ${esc(report.finishedAt)}${report.interrupted ? ' · INTERRUPTED (partial)' : ''}</div>
<div class="meta">rules: ${report.rules.map((r) => `${esc(r.file)} (${esc(r.sha256.slice(0, 12))})`).join(', ')}</div></header>
<main>${residueCount ? `<div class="alert" id="residue-alert">${residueCount} cleanup(s) left residue on a target: see the highlighted cells.</div>` : ''}
<div class="badges">${badges}</div>
<table class="matrix" id="matrix"><thead><tr><th>technique / test</th>${targets.map((t) => `<th>${esc(t)}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<section id="detail" hidden></section></main>
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>${HTML_SCRIPT}</script></body></html>
`;
}
