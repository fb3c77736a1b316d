// Verdict table tests: one row per verdict of DESIGN section 2, built from small hand-made events,
// executions and rule runs. The rule runs and explanations here are hand-written inputs of the pure
// verdict core; the integration tests (test/pipeline) feed it the real AQL engine.
import { expect } from 'chai';
import type { EventFetch, RuleRun } from '../../harness/model/backend.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import { judge, residueFindings } from '../../harness/verdict/judge.js';
import type { ExecutionInput, RuleCheck, SensorState } from '../../harness/verdict/types.js';
import { GUID, MARKER, ROOT_KEY, T0, THUMB, defs, detection, exec, m, record, signal, sysmon, view } from './fixtures.js';

const RULE = 'rules/root-ca.aql';
const rootWrite = signal('root-store-write', { TargetObject: m('contains', 'Root\\Certificates\\#{harness_cert_thumbprint}'), Image: m('endswith', '\\certutil.exe') });
const certutilEvent = sysmon(13, { TargetObject: ROOT_KEY, Image: 'C:\\Windows\\System32\\certutil.exe' });
const svchostEvent = sysmon(13, { TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\AuthRoot\\Certificates\\0217922CA1B6F0BD0F1D7FF6E7BDC29B2FAAA060\\Blob', Image: 'C:\\Windows\\System32\\svchost.exe' });
const ok = (events: NormalizedEvent[]): EventFetch => ({ ok: true, events });
const rows = (...r: [Record<string, unknown>, number[]][]): RuleRun => ({ ok: true, rows: r.map(([row, sources]) => ({ row, sources })) });
const explainer: RuleCheck = { explain: () => ({ matched: false, text: `"Image" NOT ILIKE '%\\certutil.exe' rejected it: "Image" = 'C:\\Windows\\System32\\certutil.exe'`, predicate: "\"Image\" NOT ILIKE '%\\certutil.exe'", location: { line: 9, column: 7 } }) };

interface Row {
  name: string;
  exec?: Partial<ExecutionInput>;
  events?: NormalizedEvent[];
  fetch?: EventFetch;
  run?: RuleRun;
  check?: RuleCheck;
  det?: Parameters<typeof detection>[1];
  sensors?: SensorState[];
  verdict: string;
  reason?: RegExp;
  knownGap?: boolean;
}

const table: Row[] = [
  { name: 'DETECTED: thumbprint-tied event, rule row from it, output holds', events: [certutilEvent], run: rows([{ store_type: 'Trusted Root CA' }, [0]]), det: { output: { store_type: 'Trusted Root CA' } }, verdict: 'DETECTED' },
  { name: 'MISSED: telemetry found, rule returned no row from it (explain names the predicate and line)', events: [certutilEvent], run: rows(), check: explainer, verdict: 'MISSED', reason: /NOT ILIKE '%\\certutil\.exe' rejected it.*line 9:7/ },
  { name: 'MISSED: a row from another process (svchost) at the same time does not count', events: [certutilEvent, svchostEvent], run: rows([{ store_type: 'Other' }, [1]]), check: explainer, verdict: 'MISSED' },
  { name: 'MISSED: the rule is rejected by the engine (rule defect, not back-end failure)', events: [certutilEvent], check: { rejected: 'LOGSOURCETIME is not an AQL field (line 41:7) [HARNESS_AQL_UNKNOWN_FIELD]' }, verdict: 'MISSED', reason: /rule rejected: LOGSOURCETIME/ },
  { name: 'MISSED: the back-end says the query is invalid (code HARNESS_AQL_*)', events: [certutilEvent], run: { ok: false, code: 'HARNESS_AQL_PARSE', error: 'unexpected token' }, verdict: 'MISSED', reason: /rule rejected: unexpected token/ },
  { name: 'MISSED: rule fired but the asserted output column is wrong', events: [certutilEvent], run: rows([{ store_type: 'Other' }, [0]]), det: { output: { store_type: 'Trusted Root CA' } }, verdict: 'MISSED', reason: /store_type = "Other", expected "Trusted Root CA"/ },
  { name: 'MISSED with knownGap: reported as a known gap', events: [certutilEvent], run: rows(), det: { knownGap: 'the rule excludes certutil' }, verdict: 'MISSED', knownGap: true },
  { name: 'NO_TELEMETRY: no event, names the signal and the sensor state from preflight', events: [], sensors: [{ target: 'win-ws01', source: 'sysmon', ok: false, detail: 'Sysmon service not installed', fix: 'harness run --setup-sensors' }], verdict: 'NO_TELEMETRY', reason: /signal root-store-write: no sysmon event 13.*sensor sysmon on win-ws01: NOT OK: Sysmon service not installed \(fix: harness run --setup-sensors\)/ },
  { name: 'NO_TELEMETRY: a root write with another thumbprint (Windows auto-update) is not ours', events: [sysmon(13, { TargetObject: ROOT_KEY.replace(THUMB, '0'.repeat(40)), Image: 'C:\\Windows\\System32\\certutil.exe' })], run: rows([{}, [0]]), verdict: 'NO_TELEMETRY', reason: /1 sysmon event 13 event\(s\) seen, none matched/ },
  { name: 'NOT_EXECUTED: non-zero exit', exec: { execution: record({ exitCode: 5, stderr: 'CertUtil: -addstore command FAILED: 0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)' }) }, events: [certutilEvent], verdict: 'NOT_EXECUTED', reason: /exit code 5.*ACCESS_DENIED/ },
  { name: 'NOT_EXECUTED: timeout', exec: { execution: record({ exitCode: null, timedOut: true }) }, verdict: 'NOT_EXECUTED', reason: /timed out/ },
  { name: 'NOT_EXECUTED: failed prerequisite', exec: { execution: record({ prerequisites: [{ description: 'certutil.exe present', ok: false }] }) }, verdict: 'NOT_EXECUTED', reason: /prerequisite not met: certutil\.exe present/ },
  { name: 'NOT_EXECUTED: lost connection (orchestrator reason)', exec: { notExecuted: 'connection lost during execution', execution: null }, verdict: 'NOT_EXECUTED', reason: /connection lost/ },
  { name: 'SKIPPED: platform mismatch', exec: { skipped: 'windows test, target lnx-01 is linux', execution: null }, verdict: 'SKIPPED', reason: /target lnx-01 is linux/ },
  { name: 'INCONCLUSIVE: the back-end failed fetching events', fetch: { ok: false, code: 'HARNESS_QRADAR_UNAVAILABLE', error: 'HTTP 503 after 5 retries' }, verdict: 'INCONCLUSIVE', reason: /HTTP 503/ },
  { name: 'INCONCLUSIVE: the rule search failed (never a gap)', events: [certutilEvent], run: { ok: false, code: 'HARNESS_QRADAR_SEARCH_FAILED', error: 'search ERROR state' }, verdict: 'INCONCLUSIVE', reason: /back-end failure: search ERROR state/ },
  { name: 'UNEXPECTED_FIRE: a fires:false rule fired on this execution', events: [certutilEvent], run: rows([{}, [0]]), det: { fires: false }, verdict: 'UNEXPECTED_FIRE', reason: /expected not to/ },
  { name: 'MISSED with knownGap: a fires:false rule with a knownGap (claimed, cannot catch it) that does not fire', events: [certutilEvent], run: rows(), det: { fires: false, knownGap: 'store listing writes no registry value' }, verdict: 'MISSED', knownGap: true },
  { name: 'DETECTED: a fires:false + knownGap rule that fires (a corrected rule closed the gap) is no false positive', events: [certutilEvent], run: rows([{}, [0]]), det: { fires: false, knownGap: 'the seed cannot see Linux' }, verdict: 'DETECTED' },
  { name: 'not UNEXPECTED_FIRE: a fires:false rule that fired only on other events', events: [certutilEvent, svchostEvent], run: rows([{}, [1]]), det: { fires: false }, verdict: 'DETECTED' },
];

describe('verdict table (judge over hand-built events)', () => {
  for (const row of table) {
    it(row.name, () => {
      const [r] = judge({
        tests: defs([rootWrite], [detection(RULE, row.det)]),
        executions: [exec(row.exec)],
        fetch: row.fetch ?? ok(row.events ?? []),
        ruleRuns: new Map(row.run ? [[RULE, row.run]] : []),
        ruleChecks: new Map(row.check ? [[RULE, row.check]] : []),
        view,
        sensors: row.sensors,
      });
      expect(r.result.verdict, r.result.reason).to.equal(row.verdict);
      if (row.reason) expect(r.result.reason).to.match(row.reason);
      expect(!!r.result.knownGap).to.equal(!!row.knownGap);
      expect(r.result.techniques).to.deep.equal(['T1588.004', 'T1553.004']);
    });
  }

  it('DETECTED results carry the tie, the event refs and the latency (event starttime - execution start)', () => {
    const [r] = judge({ tests: defs([rootWrite], [detection(RULE)]), executions: [exec()], fetch: ok([svchostEvent, certutilEvent]), ruleRuns: new Map([[RULE, rows([{ a: 1 }, [1]])]]), view });
    expect(r.result.signals[0]).to.include({ found: true, tie: 'thumbprint', latencyMs: 1500 });
    expect(r.result.signals[0].eventRefs).to.deep.equal([1]);
    expect(r.result.detections[0].rows).to.deep.equal([{ a: 1 }]);
    expect(r.execEvents).to.deep.equal([1]);
  });

  it('a rule row from the 60th matching event still ties (evidence keeps 50 refs, ties use every match)', () => {
    const sig = signal('store-enum', { Image: m('endswith', '\\certutil.exe'), CommandLine: m('contains_all', ['-store', 'Root']) }, { event_id: 1 });
    const events = Array.from({ length: 60 }, (_, i) => sysmon(1, { Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: `certutil -store Root ${i}` }, T0 + 100 + i));
    const [r] = judge({ tests: defs([sig], [detection(RULE)]), executions: [exec()], fetch: ok(events), ruleRuns: new Map([[RULE, rows([{ n: 59 }, [59]])]]), view });
    expect(r.result.signals[0].eventRefs).to.have.length(50);
    expect(r.result.detections[0]).to.include({ fired: true });
    expect(r.result.verdict).to.equal('DETECTED');
  });

  it('marker ties: a file name carrying the marker ties the event whatever the time', () => {
    const sig = signal('cer-file', { CommandLine: m('contains', '#{harness_cert_path}') }, { event_id: 1 });
    const e = sysmon(1, { CommandLine: `certutil -addstore Root C:\\Temp\\${MARKER}.cer`, Image: 'C:\\Windows\\System32\\certutil.exe' }, T0 + 3_600_000, 'other-name');
    const [r] = judge({ tests: defs([sig], []), executions: [exec()], fetch: ok([e]), ruleRuns: new Map(), view });
    expect(r.result.signals[0]).to.include({ found: true, tie: 'marker' });
  });

  describe('window ties (no marker possible, e.g. certutil -store Root)', () => {
    const sig = signal('store-enum', { Image: m('endswith', '\\certutil.exe'), CommandLine: m('contains_all', ['-store', 'Root']) }, { event_id: 1 });
    const enumAt = (at: number, host = 'win-ws01') => sysmon(1, { Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: 'certutil -store Root' }, at, host);
    const cases: [string, NormalizedEvent, boolean][] = [
      ['inside the window, same host: found, tie window', enumAt(T0 + 1000), true],
      ['an hour later (an admin running certutil): not ours', enumAt(T0 + 3_600_000), false],
      ['same time on another host: not ours', enumAt(T0 + 1000, 'win-ws02'), false],
      ['within the 2 s slack before the start: found', enumAt(T0 - 1500), true],
      ['QRadar: host name unknown to us, but the target\'s log source name: found', { ...enumAt(T0 + 1000, 'dc-9'), logsourcename: 'WIN-WS01 @ 10.0.0.5' }, true],
    ];
    for (const [name, e, found] of cases) {
      it(name, () => {
        const [r] = judge({ tests: defs([sig], []), executions: [exec({ target: { name: 'win-ws01', os: 'windows', hostnames: ['WIN-WS01'], logSourceNames: ['WIN-WS01 @ 10.0.0.5'] } })], fetch: ok([e]), ruleRuns: new Map(), view });
        expect(r.result.signals[0].found).to.equal(found);
        if (found) expect(r.result.signals[0].tie).to.equal('window');
      });
    }
  });

  it('optional signals never make NO_TELEMETRY', () => {
    const opt = signal('security-4657', {}, { source: 'security', event_id: 4657, required: false });
    const [r] = judge({ tests: defs([rootWrite, opt], [detection(RULE)]), executions: [exec()], fetch: ok([certutilEvent]), ruleRuns: new Map([[RULE, rows([{}, [0]])]]), view });
    expect(r.result.verdict).to.equal('DETECTED');
    expect(r.result.signals[1]).to.include({ found: false, required: false });
  });

  it('a test missing from the catalog or without expectation is SKIPPED with the reason', () => {
    const [a] = judge({ tests: new Map(), executions: [exec()], fetch: ok([]), ruleRuns: new Map(), view });
    expect(a.result.verdict).to.equal('SKIPPED');
    const d = defs([], []);
    d.get(GUID)!.expectation = undefined;
    const [b] = judge({ tests: d, executions: [exec()], fetch: ok([]), ruleRuns: new Map(), view });
    expect(b.result.reason).to.match(/no expectation.*expectations\/T1588\.004\.yaml/);
  });

  it('recordings: #{...} become wildcards and the tie is "recording"', () => {
    const e = sysmon(13, { TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Root\\Certificates\\67CB47F0FE1CE30BE53C368173B985747E9762D0\\Blob', Image: 'C:\\Windows\\System32\\certutil.exe' }, Date.UTC(2020, 0, 1), 'SigmaCatchVm');
    const [r] = judge({ tests: defs([rootWrite], []), executions: [exec({ recording: true, target: { name: 'sigma', os: 'windows' }, args: {}, execution: record({ exitCode: null }) })], fetch: ok([e]), ruleRuns: new Map(), view });
    expect(r.result.verdict).to.equal('DETECTED');
    expect(r.result.signals[0]).to.include({ found: true, tie: 'recording', latencyMs: null });
  });

  it('RESIDUE findings name what cleanup left and where', () => {
    const f = residueFindings([exec({ execution: record({ cleanup: { ok: false, residue: [`certificate ${THUMB} in LocalMachine\\Root`] } }) }), exec()]);
    expect(f).to.have.length(1);
    expect(f[0]).to.include({ kind: 'RESIDUE', target: 'win-ws01', guid: GUID });
    expect(f[0].message).to.contain(THUMB);
  });
});
