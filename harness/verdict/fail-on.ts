// The exit code of `harness run --fail-on` (CI and cron read it):
//   never       0.
//   gap         1 if any MISSED or NO_TELEMETRY that is not a known gap.
//   any         1 if any result is not DETECTED or SKIPPED (known gaps, NOT_EXECUTED and INCONCLUSIVE
//               included), or any RESIDUE finding.
//   regression  with a previous run (the newest non-replay run before this one): 1 if a (test x target) that was
//               DETECTED is now MISSED, NO_TELEMETRY or UNEXPECTED_FIRE (known gaps excepted), or a
//               baseline that did not fire now fires, or any RESIDUE finding (a leftover root CA is
//               never acceptable). Without a previous run: 1 if any non-known-gap MISSED,
//               NO_TELEMETRY or UNEXPECTED_FIRE, or any RESIDUE finding.
import type { FailOn } from '../model/config.js';
import type { RunReport, TestResult } from '../model/report.js';

export interface FailOnDecision {
  exitCode: 0 | 1;
  reasons: string[];
}

const key = (r: TestResult): string => `${r.guid}@${r.target}`;
const BAD = new Set(['MISSED', 'NO_TELEMETRY', 'UNEXPECTED_FIRE']);

/** Decides the exit code of a finished run. */
export function decideExit(report: RunReport, failOn: FailOn, previous?: RunReport | null): FailOnDecision {
  const reasons: string[] = [];
  const residue = (report.findings ?? []).filter((f) => f.kind === 'RESIDUE');
  const label = (r: TestResult): string => `${r.technique} ${r.test} on ${r.target}: ${r.verdict}`;
  if (failOn === 'never') return { exitCode: 0, reasons };
  if (failOn === 'gap') {
    for (const r of report.results) if ((r.verdict === 'MISSED' || r.verdict === 'NO_TELEMETRY') && !r.knownGap) reasons.push(label(r));
  } else if (failOn === 'any') {
    for (const r of report.results) if (r.verdict !== 'DETECTED' && r.verdict !== 'SKIPPED') reasons.push(label(r));
    for (const f of residue) reasons.push(`RESIDUE: ${f.message}`);
  } else if (previous) {
    const before = new Map(previous.results.map((r) => [key(r), r]));
    for (const r of report.results) {
      const old = before.get(key(r));
      if (BAD.has(r.verdict) && !r.knownGap) {
        if (old?.verdict === 'DETECTED') reasons.push(`regression: ${label(r)} (was DETECTED in ${previous.runId})`);
        else if (r.target === 'baseline' && !old) reasons.push(`new false positive: ${label(r)}`);
      }
    }
    for (const f of residue) reasons.push(`RESIDUE: ${f.message}`);
  } else {
    for (const r of report.results) if (BAD.has(r.verdict) && !r.knownGap) reasons.push(label(r));
    for (const f of residue) reasons.push(`RESIDUE: ${f.message}`);
  }
  return { exitCode: reasons.length ? 1 : 0, reasons };
}
