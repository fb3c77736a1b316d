// navigator-layer.json: an ATT&CK Navigator layer (format 4.5) scored by verdict. Score per technique =
// share of its decisive results that were DETECTED (0-100). The PRE platform is in the filter because
// T1588/T1587 are PRE (Resource Development) techniques and are hidden without it.
import type { RunReport, TestResult, Verdict } from '../../model/report.js';

export interface NavigatorLayer {
  name: string;
  versions: { layer: '4.5'; navigator: string; attack?: string };
  domain: 'enterprise-attack';
  description: string;
  filters: { platforms: string[] };
  sorting: number;
  layout: { layout: string; showID: boolean; showName: boolean; aggregateFunction: string };
  hideDisabled: boolean;
  techniques: { techniqueID: string; score?: number; color?: string; comment: string; enabled: boolean; metadata: { name: string; value: string }[]; showSubtechniques: boolean }[];
  gradient: { colors: string[]; minValue: number; maxValue: number };
  legendItems: { label: string; color: string }[];
  metadata: { name: string; value: string }[];
}

const DECISIVE: Verdict[] = ['DETECTED', 'MISSED', 'NO_TELEMETRY', 'UNEXPECTED_FIRE'];

export function buildNavigatorLayer(report: RunReport): NavigatorLayer {
  const byTechnique = new Map<string, TestResult[]>();
  for (const r of report.results) {
    for (const t of new Set([r.technique, ...(r.techniques ?? [])])) {
      const list = byTechnique.get(t) ?? [];
      list.push(r);
      byTechnique.set(t, list);
    }
  }
  const techniques = [...byTechnique.keys()].sort().map((id) => {
    const results = byTechnique.get(id)!;
    const decisive = results.filter((r) => DECISIVE.includes(r.verdict));
    const detected = decisive.filter((r) => r.verdict === 'DETECTED').length;
    const counts = new Map<string, number>();
    for (const r of results) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
    const comment = [...counts].map(([v, n]) => `${v} ${n}`).join(', ');
    const entry: NavigatorLayer['techniques'][number] = {
      techniqueID: id,
      comment,
      enabled: true,
      showSubtechniques: true,
      metadata: results.map((r) => ({ name: `${r.test} @ ${r.target}`, value: r.knownGap ? `${r.verdict} (known gap)` : r.verdict })),
    };
    // Unscored when nothing decisive ran: a grey cell, not a red one, so absence is not read as a gap.
    if (decisive.length) entry.score = Math.round((100 * detected) / decisive.length);
    return entry;
  });
  return {
    name: `atomic-harness ${report.runId}`,
    versions: { layer: '4.5', navigator: '5.1.0' },
    domain: 'enterprise-attack',
    description: `Detection coverage measured by atomic-harness (${report.backend} back-end, profile ${report.profile}), ${report.startedAt}. Score = % of decisive results DETECTED.`,
    filters: { platforms: ['Windows', 'Linux', 'PRE'] },
    sorting: 3,
    layout: { layout: 'side', showID: true, showName: true, aggregateFunction: 'average' },
    hideDisabled: false,
    techniques,
    gradient: { colors: ['#d73027', '#fee08b', '#1a9850'], minValue: 0, maxValue: 100 },
    legendItems: [
      { label: 'all decisive results DETECTED', color: '#1a9850' },
      { label: 'some missed', color: '#fee08b' },
      { label: 'none detected', color: '#d73027' },
    ],
    metadata: [
      { name: 'runId', value: report.runId },
      { name: 'harnessVersion', value: report.harnessVersion },
    ],
  };
}

export function renderNavigator(report: RunReport): string {
  return JSON.stringify(buildNavigatorLayer(report), null, 2) + '\n';
}
