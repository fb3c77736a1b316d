// The verdict of one (test x target) from its signal and detection outcomes (DESIGN section 2). Order
// matters: a missing required signal is a visibility gap before anything about rules; a rule marked
// `fires: false` that fired is a false positive; a proven miss outranks a back-end failure elsewhere,
// and a back-end failure outranks a miss that is a documented known gap (never a pass by default).
import type { Verdict } from '../model/report.js';
import type { DetectionStatus } from './rules.js';

export interface SignalOutcome {
  id: string;
  found: boolean;
  required: boolean;
  reason?: string;
}

export interface DetectionOutcome {
  rule: string;
  fires: boolean;
  fired: boolean;
  status: DetectionStatus;
  outputOk?: boolean;
  knownGap?: string;
  explanation?: string;
}

export interface Decision {
  verdict: Verdict;
  reason?: string;
  knownGap?: string;
}

/** Decides the verdict of an execution that ran, from what its signals and rules showed. */
export function decideVerdict(signals: SignalOutcome[], detections: DetectionOutcome[]): Decision {
  const missing = signals.filter((s) => s.required && !s.found);
  if (missing.length) return { verdict: 'NO_TELEMETRY', reason: missing.map((s) => s.reason ?? `signal ${s.id} not found`).join('\n') };
  // A knownGap on a detection means "the rule is claimed to catch this but cannot": it is expected to
  // fire in intent, so it not firing is a (known) miss, and it firing (a corrected rule) closes the gap.
  const intended = (d: DetectionOutcome): boolean => d.fires || !!d.knownGap;
  const unexpected = detections.filter((d) => !intended(d) && d.status === 'fired');
  if (unexpected.length) return { verdict: 'UNEXPECTED_FIRE', reason: unexpected.map((d) => `${d.rule} fired on this execution but is expected not to`).join('\n') };
  const missed = detections.filter((d) => intended(d) && (d.status === 'not-fired' || d.status === 'rejected' || (d.status === 'fired' && d.outputOk === false)));
  const realMisses = missed.filter((d) => !d.knownGap);
  if (realMisses.length) return { verdict: 'MISSED', reason: realMisses.map((d) => `${d.rule}: ${d.explanation ?? 'did not fire'}`).join('\n') };
  const failed = detections.filter((d) => d.status === 'backend-failed');
  if (failed.length) return { verdict: 'INCONCLUSIVE', reason: failed.map((d) => `${d.rule}: ${d.explanation ?? 'back-end failure'}`).join('\n') };
  if (missed.length) {
    return { verdict: 'MISSED', knownGap: missed.map((d) => `${d.rule}: ${d.knownGap}`).join('\n'), reason: missed.map((d) => `${d.rule}: ${d.explanation ?? 'did not fire'} (known gap)`).join('\n') };
  }
  return { verdict: 'DETECTED' };
}

/** Recovers a detection's status from a report written without one (older report.json). */
export function statusOf(d: { fired: boolean; explanation?: string; status?: DetectionStatus }): DetectionStatus {
  if (d.status) return d.status;
  if (d.fired) return 'fired';
  const x = d.explanation ?? '';
  if (x.startsWith('rule rejected')) return 'rejected';
  if (x.startsWith('back-end failure') || x.includes('was not evaluated') || x.includes('cannot be evaluated')) return 'backend-failed';
  return 'not-fired';
}
