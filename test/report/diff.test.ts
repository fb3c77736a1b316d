import { expect } from 'chai';
import { mkdtempSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureReport } from '../helpers/report-fixture.js';
import { classifyFlip, diffReports, findFlaky } from '../../harness/report/diff.js';
import { listRuns, previousRun } from '../../harness/report/history.js';
import { writeReportSetDetailed, updateLatest } from '../../harness/report/index.js';
import { summarize } from '../../harness/report/summary.js';
import type { RunReport, Verdict } from '../../harness/model/report.js';
import { runCli } from '../helpers/cli.js';

function variant(runId: string, startedAt: string, verdicts: Record<string, Verdict>, ruleSha?: string): RunReport {
  const r = fixtureReport();
  r.runId = runId;
  r.startedAt = startedAt;
  for (const res of r.results) if (verdicts[res.guid.slice(0, 4)]) res.verdict = verdicts[res.guid.slice(0, 4)]!;
  if (ruleSha) r.rules[0]!.sha256 = ruleSha;
  r.summary = summarize(r.results);
  return r;
}

describe('report diff and history', () => {
  it('classifies flips: losing proven coverage is a regression, inconclusive runs are not', () => {
    expect(classifyFlip('DETECTED', 'MISSED')).to.equal('regression');
    expect(classifyFlip('DETECTED', 'NO_TELEMETRY')).to.equal('regression');
    expect(classifyFlip('DETECTED', 'MISSED', true)).to.equal('change'); // now a documented known gap
    expect(classifyFlip('DETECTED', 'INCONCLUSIVE')).to.equal('change');
    expect(classifyFlip('DETECTED', 'NOT_EXECUTED')).to.equal('change');
    expect(classifyFlip('MISSED', 'DETECTED')).to.equal('improvement');
  });

  it('blames a flip on the rule when the rule hash changed, else on the environment', () => {
    const a = variant('a', '2026-11-20T00:00:00Z', {});
    const b = variant('b', '2026-11-21T00:00:00Z', { '1111': 'MISSED' }, 'c'.repeat(64));
    const d = diffReports(a, b);
    expect(d.regressions).to.have.length(1);
    expect(d.regressions[0]).to.include({ guid: '11111111-1111-4111-8111-111111111111', from: 'DETECTED', to: 'MISSED', blame: 'rule' });
    const c = variant('c', '2026-11-22T00:00:00Z', { '1111': 'MISSED' });
    expect(diffReports(a, c).regressions[0]!.blame).to.equal('environment');
  });

  it('lists new and removed tests', () => {
    const a = variant('a', '2026-11-20T00:00:00Z', {});
    const b = variant('b', '2026-11-21T00:00:00Z', {});
    b.results = b.results.slice(1);
    b.results.push({ ...b.results[0]!, guid: 'ffffffff-ffff-4fff-8fff-ffffffffffff' });
    const d = diffReports(a, b);
    expect(d.removed.map((x) => x.key)).to.deep.equal(['11111111-1111-4111-8111-111111111111@win-ws01']);
    expect(d.added.map((x) => x.key)).to.deep.equal(['ffffffff-ffff-4fff-8fff-ffffffffffff@win-ws01']);
  });

  it('finds tests that flip back and forth across runs, ignoring inconclusive runs', () => {
    const runs = [
      variant('1', '2026-11-18T00:00:00Z', {}),
      variant('2', '2026-11-19T00:00:00Z', { '1111': 'MISSED', '4444': 'INCONCLUSIVE' }),
      variant('3', '2026-11-20T00:00:00Z', { '4444': 'NO_TELEMETRY' }),
      variant('4', '2026-11-21T00:00:00Z', { '1111': 'MISSED' }),
    ];
    const flaky = findFlaky(runs);
    expect(flaky.map((f) => f.key)).to.deep.equal(['11111111-1111-4111-8111-111111111111@win-ws01']);
    expect(flaky[0]!.changes).to.equal(3);
  });

  it('reads the run history oldest first and finds the previous run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-hist-'));
    for (const [id, t] of [['r2', '2026-11-21T00:00:00Z'], ['r1', '2026-11-20T00:00:00Z'], ['r3', '2026-11-22T00:00:00Z']] as const) {
      writeReportSetDetailed(variant(id, t, {}), join(dir, id));
    }
    updateLatest(dir, join(dir, 'r3'));
    expect(listRuns(dir).map((r) => r.report.runId)).to.deep.equal(['r1', 'r2', 'r3']);
    expect(previousRun(dir, 'r3')!.report.runId).to.equal('r2');
  });

  it('harness diff exits 1 on a regression and 0 without, and prints the flip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-diffcli-'));
    writeReportSetDetailed(variant('old', '2026-11-20T00:00:00Z', {}), join(dir, 'old'));
    writeReportSetDetailed(variant('new', '2026-11-21T00:00:00Z', { '1111': 'MISSED' }), join(dir, 'new'));
    const bad = await runCli(['diff', join(dir, 'old'), join(dir, 'new')]);
    expect(bad.exitCode, bad.stderr).to.equal(1);
    expect(bad.stdout).to.match(/REGRESSION T1588\.004 Install root certificate via certutil @ win-ws01: DETECTED -> MISSED/);
    const same = await runCli(['diff', join(dir, 'old'), join(dir, 'old'), '--json']);
    expect(same.exitCode).to.equal(0);
    expect(JSON.parse(same.stdout).flips).to.deep.equal([]);
  });

  it('harness report re-renders a stored report and refuses a missing one with a clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-rep-'));
    writeReportSetDetailed(fixtureReport(), join(dir, 'run'));
    const md = await runCli(['report', join(dir, 'run'), '--format', 'md']);
    expect(md.exitCode).to.equal(0);
    expect(md.stdout).to.contain('# atomic-harness run');
    const out = join(dir, 'again.html');
    const html = await runCli(['report', join(dir, 'run', 'report.json'), '--format', 'html', '--out', out]);
    expect(html.exitCode).to.equal(0);
    expect(existsSync(out)).to.equal(true);
    expect(readFileSync(out, 'utf8')).to.contain('SystemCertificates'); // evidence re-attached from evidence.jsonl
    const missing = await runCli(['report', join(dir, 'nope'), '--format', 'md']);
    expect(missing.exitCode).to.equal(2);
    expect(missing.stderr).to.match(/no report at .*nope.*HARNESS_REPORT_NOT_FOUND/s);
    expect(missing.stderr).to.not.match(/at .*\.ts:\d+/); // no stack trace
  });

  it('harness report names the damaged evidence line instead of crashing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-rep-'));
    writeReportSetDetailed(fixtureReport(), join(dir, 'run'));
    writeFileSync(join(dir, 'run', 'evidence.jsonl'), '{"ok":1}\n{not json\n');
    const r = await runCli(['report', join(dir, 'run'), '--format', 'html']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.match(/evidence\.jsonl:2: evidence\.jsonl line is not JSON \[HARNESS_REPORT_INVALID\]/);
    expect(r.stderr).to.not.contain('internal error');
  });
});
