// --fail-on table: the exit code CI and cron read, for each policy and each kind of result.
import { expect } from 'chai';
import type { FailOn } from '../../harness/model/config.js';
import type { RunReport, TestResult, Verdict } from '../../harness/model/report.js';
import { decideExit } from '../../harness/verdict/fail-on.js';

function res(guid: string, verdict: Verdict, knownGap?: string, target = 'lnx-01'): TestResult {
  return { technique: 'T1587.003', guid, test: guid, target, platform: 'linux', verdict, marker: 'm', execution: null, signals: [], detections: [], ...(knownGap ? { knownGap } : {}) };
}
function report(results: TestResult[], findings: RunReport['findings'] = [], runId = 'now'): RunReport {
  return { schemaVersion: 1, runId, harnessVersion: '0', startedAt: '', finishedAt: '', backend: 'local', profile: 'stock', rules: [], results, findings, summary: { byVerdict: {}, byTechnique: {} } };
}
const residue: RunReport['findings'] = [{ kind: 'RESIDUE', target: 'lnx-01', guid: 'a', message: 'cert left' }];

const cases: [string, FailOn, RunReport, RunReport | null, 0 | 1][] = [
  ['never: even a miss exits 0', 'never', report([res('a', 'MISSED')], residue), null, 0],
  ['gap: MISSED fails', 'gap', report([res('a', 'MISSED')]), null, 1],
  ['gap: NO_TELEMETRY fails', 'gap', report([res('a', 'NO_TELEMETRY')]), null, 1],
  ['gap: a known-gap MISSED does not fail', 'gap', report([res('a', 'MISSED', 'documented')]), null, 0],
  ['gap: NOT_EXECUTED / INCONCLUSIVE / UNEXPECTED_FIRE are not gaps', 'gap', report([res('a', 'NOT_EXECUTED'), res('b', 'INCONCLUSIVE'), res('c', 'UNEXPECTED_FIRE')]), null, 0],
  ['any: DETECTED + SKIPPED pass', 'any', report([res('a', 'DETECTED'), res('b', 'SKIPPED')]), null, 0],
  ['any: a known gap fails', 'any', report([res('a', 'MISSED', 'documented')]), null, 1],
  ['any: INCONCLUSIVE fails', 'any', report([res('a', 'INCONCLUSIVE')]), null, 1],
  ['any: RESIDUE fails', 'any', report([res('a', 'DETECTED')], residue), null, 1],
  ['regression, previous run: DETECTED -> MISSED fails', 'regression', report([res('a', 'MISSED')]), report([res('a', 'DETECTED')], [], 'prev'), 1],
  ['regression, previous run: DETECTED -> NO_TELEMETRY fails', 'regression', report([res('a', 'NO_TELEMETRY')]), report([res('a', 'DETECTED')], [], 'prev'), 1],
  ['regression, previous run: MISSED -> MISSED does not fail', 'regression', report([res('a', 'MISSED')]), report([res('a', 'MISSED')], [], 'prev'), 0],
  ['regression, previous run: DETECTED on another target does not count', 'regression', report([res('a', 'MISSED')]), report([res('a', 'DETECTED', undefined, 'lnx-02')], [], 'prev'), 0],
  ['regression, previous run: DETECTED -> known-gap MISSED does not fail', 'regression', report([res('a', 'MISSED', 'doc')]), report([res('a', 'DETECTED')], [], 'prev'), 0],
  ['regression, previous run: DETECTED -> NOT_EXECUTED does not fail', 'regression', report([res('a', 'NOT_EXECUTED')]), report([res('a', 'DETECTED')], [], 'prev'), 0],
  ['regression, previous run: a new baseline false positive fails', 'regression', report([res('baseline:x', 'UNEXPECTED_FIRE', undefined, 'baseline')]), report([], [], 'prev'), 1],
  ['regression, previous run: RESIDUE always fails', 'regression', report([res('a', 'DETECTED')], residue), report([res('a', 'DETECTED')], [], 'prev'), 1],
  ['regression, no previous run: any non-known-gap MISSED fails', 'regression', report([res('a', 'MISSED')]), null, 1],
  ['regression, no previous run: known gap passes', 'regression', report([res('a', 'MISSED', 'doc'), res('b', 'DETECTED')]), null, 0],
  ['regression, no previous run: UNEXPECTED_FIRE fails', 'regression', report([res('a', 'UNEXPECTED_FIRE')]), null, 1],
];

describe('--fail-on exit codes', () => {
  for (const [name, policy, now, prev, code] of cases) {
    it(name, () => {
      const d = decideExit(now, policy, prev);
      expect(d.exitCode, d.reasons.join('\n')).to.equal(code);
      if (code) expect(d.reasons).to.not.be.empty;
    });
  }
});
