// junit.xml for CI: one testcase per test x target. MISSED, NO_TELEMETRY, UNEXPECTED_FIRE and RESIDUE
// fail; NOT_EXECUTED and INCONCLUSIVE are errors (the harness could not judge); SKIPPED and known gaps
// are skipped. Valid against the JUnit schema Jenkins reads (checked with xmllint in the tests).
import type { RunReport, TestResult } from '../../model/report.js';
import { serializeXml, type XmlEntry } from '../xml.js';
import { explainResult } from '../describe.js';
import { residueOf } from '../summary.js';

type Outcome = 'pass' | 'failure' | 'error' | 'skipped';

export function junitOutcome(r: TestResult): Outcome {
  if (residueOf(r).length) return 'failure';
  if (r.knownGap && (r.verdict === 'MISSED' || r.verdict === 'NO_TELEMETRY')) return 'skipped';
  switch (r.verdict) {
    case 'DETECTED':
      return 'pass';
    case 'SKIPPED':
      return 'skipped';
    case 'NOT_EXECUTED':
    case 'INCONCLUSIVE':
      return 'error';
    default:
      return 'failure';
  }
}

function seconds(r: TestResult): string {
  const e = r.execution;
  if (!e) return '0';
  const ms = Date.parse(e.finishedAt) - Date.parse(e.startedAt);
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0';
}

function testcase(r: TestResult): XmlEntry {
  const outcome = junitOutcome(r);
  const children: XmlEntry[] = [];
  const message = explainResult(r);
  const verdict = residueOf(r).length && r.verdict === 'DETECTED' ? 'RESIDUE' : r.verdict;
  if (outcome === 'failure') children.push({ name: 'failure', attributes: { type: verdict, message }, text: message });
  if (outcome === 'error') children.push({ name: 'error', attributes: { type: verdict, message }, text: message });
  if (outcome === 'skipped') children.push({ name: 'skipped', attributes: { message } });
  const out = [`verdict: ${r.verdict}`, `marker: ${r.marker}`];
  if (r.execution) out.push(`exit: ${r.execution.exitCode ?? 'none'}${r.execution.timedOut ? ' (timed out)' : ''}`);
  children.push({ name: 'system-out', text: out.join('\n') });
  return {
    name: 'testcase',
    attributes: { name: `${r.test} [${r.guid}] @ ${r.target}`, classname: `${r.technique}.${r.target}`, time: seconds(r) },
    children,
  };
}

export function renderJunit(report: RunReport): string {
  const byTechnique = new Map<string, TestResult[]>();
  for (const r of report.results) {
    const list = byTechnique.get(r.technique) ?? [];
    list.push(r);
    byTechnique.set(r.technique, list);
  }
  let total = 0, failures = 0, errors = 0, skipped = 0;
  const suites: XmlEntry[] = [];
  for (const [technique, results] of [...byTechnique].sort(([a], [b]) => a.localeCompare(b))) {
    const counts = { failure: 0, error: 0, skipped: 0 };
    for (const r of results) {
      const o = junitOutcome(r);
      if (o !== 'pass') counts[o]++;
    }
    total += results.length; failures += counts.failure; errors += counts.error; skipped += counts.skipped;
    suites.push({
      name: 'testsuite',
      attributes: { name: technique, tests: results.length, failures: counts.failure, errors: counts.error, skipped: counts.skipped, timestamp: report.startedAt },
      children: [
        { name: 'properties', children: [
          { name: 'property', attributes: { name: 'runId', value: report.runId } },
          { name: 'property', attributes: { name: 'backend', value: report.backend } },
          { name: 'property', attributes: { name: 'profile', value: report.profile } },
        ] },
        ...results.map(testcase),
      ],
    });
  }
  return serializeXml({ name: 'testsuites', attributes: { name: `atomic-harness ${report.runId}`, tests: total, failures, errors }, children: suites });
}
