// A hand-built report holding every verdict, a known gap, a RESIDUE and hostile evidence text, for the
// writer tests. Built from the shared model types, not from a run.
import type { RunReport, TestResult, Verdict } from '../../harness/model/report.js';
import { summarize } from '../../harness/report/summary.js';

const exec = (exitCode: number | null, residue: string[] = []) => ({
  exitCode, timedOut: false, startedAt: '2026-11-22T05:00:00.000Z', finishedAt: '2026-11-22T05:00:02.500Z',
  stdout: 'ok <b>not bold</b>', stderr: '', cleanup: { ok: residue.length === 0, residue },
});

function result(verdict: Verdict, over: Partial<TestResult> = {}): TestResult {
  return {
    technique: 'T1588.004', guid: `00000000-0000-4000-8000-00000000000${verdict.length % 10}`, test: `test ${verdict}`, target: 'win-ws01', platform: 'windows',
    verdict, marker: 'ath-1a2b3c4d-1', execution: exec(0), signals: [], detections: [], ...over,
  };
}

export function fixtureReport(): RunReport {
  const results: TestResult[] = [
    result('DETECTED', {
      guid: '11111111-1111-4111-8111-111111111111', test: 'Install root certificate via certutil',
      signals: [{ id: 'certutil-cmdline', found: true, required: true, eventRefs: [0], latencyMs: 1200, tie: 'marker' }],
      detections: [{ rule: 'rules/t1588-004-root-ca-install.aql', fires: true, fired: true, rows: [{ store_type: 'Trusted Root CA' }], outputOk: true }],
    }),
    result('MISSED', {
      guid: '22222222-2222-4222-8222-222222222222', test: 'Import-Certificate into LocalMachine Root', target: 'win-ws01',
      signals: [{ id: 'root-store-write', found: true, required: true, eventRefs: [1], latencyMs: 900, tie: 'thumbprint' }],
      detections: [{ rule: 'rules/t1588-004-root-ca-install.aql', fires: true, fired: false, rows: [], explanation: "LOGSOURCETYPENAME(devicetype) ILIKE '%Sysmon%': left side was 'Microsoft Windows Security Event Log'" }],
    }),
    result('MISSED', {
      guid: '33333333-3333-4333-8333-333333333333', test: 'openssl on Linux', technique: 'T1587.003', target: 'lnx-01', platform: 'linux', knownGap: 'rule reads "Process Path", which Linux OS events do not carry',
      detections: [{ rule: 'rules/t1587-003-cert-generation.aql', fires: true, fired: false, rows: [], knownGap: 'rule reads "Process Path"' }],
    }),
    result('NO_TELEMETRY', { guid: '44444444-4444-4444-8444-444444444444', test: 'Store enumeration', signals: [{ id: 'ps-4104', found: false, required: true, eventRefs: [], latencyMs: null, reason: 'script block logging is off (preflight)' }] }),
    result('NOT_EXECUTED', { guid: '55555555-5555-4555-8555-555555555555', test: 'openssl on Windows', reason: 'prerequisite failed: openssl.exe not found', execution: exec(1) }),
    result('SKIPPED', { guid: '66666666-6666-4666-8666-666666666666', test: 'New-SelfSignedCertificate', target: 'lnx-01', platform: 'linux', reason: 'platform mismatch: test supports windows, target is linux', execution: null }),
    result('INCONCLUSIVE', { guid: '77777777-7777-4777-8777-777777777777', test: 'urlcache download', reason: 'QRadar search failed: 503/1010 Ariel unavailable after 4 tries' }),
    result('UNEXPECTED_FIRE', {
      guid: '88888888-8888-4888-8888-888888888888', test: 'Enumerate stores', technique: 'T1588.004',
      detections: [{ rule: 'rules/t1587-003-cert-generation.aql', fires: false, fired: true, rows: [{ detection_branch: 'SuspiciousCertOperation' }] }],
    }),
    result('DETECTED', { guid: '99999999-9999-4999-8999-999999999999', test: 'certutil -addstore Root (T1587.003)', technique: 'T1587.003', execution: exec(0, ['thumbprint 0123ABCD still in LocalMachine\\Root']) }),
  ];
  return {
    schemaVersion: 1, runId: '20261122T050000Z-1a2b3c4d', harnessVersion: '0.1.0', startedAt: '2026-11-22T05:00:00.000Z', finishedAt: '2026-11-22T05:10:00.000Z',
    backend: 'local', profile: 'stock',
    rules: [{ file: 'rules/t1588-004-root-ca-install.aql', sha256: 'a'.repeat(64) }, { file: 'rules/t1587-003-cert-generation.aql', sha256: 'b'.repeat(64) }],
    results,
    findings: [{ kind: 'BASELINE_FIRE', message: 'rules/t1588-004-root-ca-install.aql fired on 2 baseline events (svchost AuthRoot)' }],
    evidence: [
      { eventid: 1, hostname: 'WIN-WS01', properties: { Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: 'certutil -addstore Root C:\\Temp\\ath-1a2b3c4d-1.cer' }, payload: '</script><script>window.__pwned=1</script>' },
      { eventid: 13, hostname: 'WIN-WS01', properties: { TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\ROOT\\Certificates\\0123\\Blob' }, payload: '<img src=x onerror="window.__pwned=2">' },
    ],
    summary: summarize(results),
  };
}
