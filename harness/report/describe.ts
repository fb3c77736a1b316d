// One-paragraph explanations of a result, shared by every writer so the JUnit message, the Markdown
// summary and the HTML cell say the same thing.
import type { TestResult } from '../model/report.js';
import { residueOf } from './summary.js';

/** Why this result has its verdict, in words a detection engineer acts on. */
export function explainResult(r: TestResult): string {
  const parts: string[] = [];
  switch (r.verdict) {
    case 'DETECTED':
      parts.push(`every expected rule fired on this execution (${firedRules(r)})`);
      break;
    case 'MISSED': {
      const missed = r.detections.filter((d) => d.fires && !d.fired);
      const bad = r.detections.filter((d) => d.fires && d.fired && d.outputOk === false);
      for (const d of missed) parts.push(`${d.rule} did not fire${d.explanation ? `: ${d.explanation}` : ''}`);
      for (const d of bad) parts.push(`${d.rule} fired but its output did not match${d.explanation ? `: ${d.explanation}` : ''}`);
      break;
    }
    case 'NO_TELEMETRY': {
      const missing = r.signals.filter((s) => s.required && !s.found);
      for (const s of missing) parts.push(`signal ${s.id} never arrived${s.reason ? ` (${s.reason})` : ''}`);
      break;
    }
    case 'UNEXPECTED_FIRE': {
      for (const d of r.detections.filter((d) => !d.fires && d.fired)) parts.push(`${d.rule} fired although it should not${d.explanation ? `: ${d.explanation}` : ''}`);
      break;
    }
    default:
      break;
  }
  if (r.reason && !parts.length) parts.push(r.reason);
  else if (r.reason && r.verdict !== 'DETECTED') parts.unshift(r.reason);
  if (r.knownGap) parts.push(`known gap: ${r.knownGap}`);
  // A leftover certificate is a security hole on the target: it leads, whatever the verdict.
  const residue = residueOf(r);
  if (residue.length) parts.unshift(`RESIDUE after cleanup: ${residue.join(', ')}`);
  return parts.join('; ') || r.verdict;
}

function firedRules(r: TestResult): string {
  const fired = r.detections.filter((d) => d.fired).map((d) => d.rule);
  return fired.length ? fired.join(', ') : 'no rule expected';
}

/** `T1588.004-1 Install ... @ win-ws01` */
export function resultTitle(r: TestResult): string {
  return `${r.technique} ${r.test} @ ${r.target}`;
}
