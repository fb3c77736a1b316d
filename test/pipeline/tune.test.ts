// `harness tune` on recorded events: a report made by replaying real SigmaHQ recordings (certutil
// -addstore Root, certutil -urlcache) through the real parsers and the real AQL engine, then the CLI
// re-evaluating a changed rule over the report's stored evidence.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { packageRoot } from '../../harness/util/paths.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReportSet } from '../../harness/report/index.js';
import { readAll } from '../../harness/run/pipeline.js';
import { loadProfile } from '../../harness/telemetry/index.js';
import { rawValue, signalSourceOf } from '../../harness/telemetry/sources.js';
import { embeddedEngine } from '../../harness/verdict/engine.js';
import { telemetryView } from '../../harness/verdict/event-view.js';
import { replayRecordings } from '../../harness/verdict/replay.js';
import { buildRunReport } from '../../harness/verdict/report-model.js';
import { runCli } from '../helpers/cli.js';
import { datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { ADDSTORE_EVTX, ADDSTORE_GUID, URLCACHE_EVTX, URLCACHE_GUID, OTRF_BENIGN, TUNED, certutilTests, genRule } from './recorded.js';

describe('harness tune over a replayed report (real recordings, real AQL engine)', function () {
  let dir: string;
  let tunedPath: string;
  before(async function () {
    requireOrSkip(this, datasetsPresent(), 'the shared datasets are not beside the checkout');
    const profile = loadProfile('stock');
    const { results, evidence } = await replayRecordings({
      entries: [
        { guid: ADDSTORE_GUID, target: 'ar-win-dc', os: 'windows', files: [ADDSTORE_EVTX], notRecorded: {}, adapt: {}, rulesNotEvaluable: {}, location: { file: 'test' } },
        { guid: URLCACHE_GUID, target: 'ar-win-dc', os: 'windows', files: [URLCACHE_EVTX], notRecorded: {}, adapt: {}, rulesNotEvaluable: {}, location: { file: 'test' } },
      ],
      tests: certutilTests(), rules: [genRule()], engine: embeddedEngine(profile), view: telemetryView(signalSourceOf, (e, f) => rawValue(e, f, profile)),
      read: (files) => readAll(files, profile),
    });
    dir = mkdtempSync(join(tmpdir(), 'ath-tune-'));
    const report = buildRunReport({ runId: 'replay-for-tune', harnessVersion: '0.1.0', startedAt: new Date(), finishedAt: new Date(), backend: 'replay', profile: 'stock', rules: [{ ...genRule(), sha256: 'x' }], results, evidence });
    await writeReportSet(report, dir, { evidence });
    tunedPath = join(TUNED, 't1587-003-cert-generation.aql');
  });

  it('the replayed report: certutil -addstore Root DETECTED (CertUtilStoreImport, root store), -urlcache DETECTED with the rule silent', () => {
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const byGuid = Object.fromEntries(report.results.map((r: { guid: string }) => [r.guid, r]));
    expect(byGuid[ADDSTORE_GUID].verdict).to.equal('DETECTED');
    expect(byGuid[ADDSTORE_GUID].detections[0].rows[0]).to.include({ detection_branch: 'CertUtilStoreImport', targets_root_store: 'true' });
    expect(byGuid[ADDSTORE_GUID].signals[0].tie).to.equal('recording');
    expect(byGuid[URLCACHE_GUID].verdict).to.equal('DETECTED');
    expect(byGuid[URLCACHE_GUID].detections[0].fired).to.equal(false);
  });

  it('adding AND "Image" NOT ILIKE \'%\\certutil.exe\' turns certutil -addstore from DETECTED to MISSED and exits 1', async () => {
    const changed = join(dir, 'excluding-certutil.aql');
    writeFileSync(changed, readFileSync(tunedPath, 'utf8').replace('\nORDER BY', `\n  AND "Image" NOT ILIKE '%\\certutil.exe'\nORDER BY`));
    const r = await runCli(['tune', '--rule', changed, '--replace', tunedPath, '--against', dir]);
    expect(r.exitCode, r.stderr + r.stdout).to.equal(1);
    expect(r.stdout).to.match(/!! DETECTED\s+-> MISSED\s+T1587\.003 Import certificate to Root with certutil @ ar-win-dc/);
    expect(r.stdout).to.contain(`"Image" NOT ILIKE '%\\certutil.exe'`);
    expect(r.stdout).to.match(/1 regression\(s\)/);
  });

  it('the unchanged rule: no flip, exit 0; --json gives the rows', async () => {
    const r = await runCli(['tune', '--rule', tunedPath, '--against', join(dir, 'report.json'), '--json']);
    expect(r.exitCode, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.regressions).to.equal(0);
    expect(out.rows.map((x: { before: string; after: string }) => `${x.before}->${x.after}`)).to.deep.equal(['DETECTED->DETECTED', 'DETECTED->DETECTED']);
  });

  it('a rule with LOGSOURCETIME (as the published seed) is rejected: MISSED "rule rejected", exit 1', async () => {
    const bad = join(dir, 'with-logsourcetime.aql');
    writeFileSync(bad, readFileSync(tunedPath, 'utf8').replace('WHERE devicetype IN (11, 12)', 'WHERE LOGSOURCETIME > NOW() - 1 DAYS AND devicetype IN (11, 12)'));
    const r = await runCli(['tune', '--rule', bad, '--replace', tunedPath, '--against', dir]);
    expect(r.exitCode).to.equal(1);
    expect(r.stdout).to.match(/the new rule is rejected: .*LOGSOURCETIME/);
    expect(r.stdout).to.match(/DETECTED\s+-> MISSED/);
  });

  it('baselines: false positives of the old and the new rule on benign OTRF data are counted', async function () {
    requireOrSkip(this, datasetsPresent(), 'no datasets');
    const r = await runCli(['tune', '--rule', tunedPath, '--replace', tunedPath, '--against', dir, '--baseline', OTRF_BENIGN]);
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/baseline .*covenant_copy_smb_CreateRequest.*: 0 -> 0 row\(s\)/);
  });

  it('shipped content end to end: replay/datasets.yaml with the tuned rules, then the certutil exclusion flips both certutil -addstore behaviours and exits 1', async function () {
    const out = mkdtempSync(join(tmpdir(), 'ath-tune-shipped-'));
    const rep = await runCli(['replay', '--map', join(packageRoot, 'replay', 'datasets.yaml'), '--rules', TUNED, '--report-dir', out]);
    expect(rep.exitCode, rep.stderr).to.equal(0);
    const changed = join(out, 'excluding-certutil.aql');
    writeFileSync(changed, readFileSync(tunedPath, 'utf8').replace('\nORDER BY', `\n  AND "Image" NOT ILIKE '%\\certutil.exe'\nORDER BY`));
    const runDir = join(out, readdirSync(out).find((d) => d.endsWith('-replay'))!);
    const r = await runCli(['tune', '--rule', changed, '--replace', tunedPath, '--against', runDir]);
    expect(r.exitCode, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/!! DETECTED\s+-> MISSED\s+T1588\.004 Install Self-Signed Root Certificate via certutil @ ar-win-dc/);
    expect(r.stdout).to.match(/!! DETECTED\s+-> MISSED\s+T1587\.003 Import Self-Signed Certificate to Root Certificate Store @ ar-win-dc/);
    expect(r.stdout).to.contain('2 regression(s)');
  });

  it('bad input: unknown report, rule not used by the report -> exit 2 with a located message, no stack', async () => {
    const a = await runCli(['tune', '--rule', tunedPath, '--against', join(dir, 'nope')]);
    expect(a.exitCode).to.equal(2);
    expect(a.stderr).to.match(/HARNESS_REPORT_NOT_FOUND/);
    const b = await runCli(['tune', '--rule', join(TUNED, 't1588-004-root-ca-install.aql'), '--against', dir]);
    expect(b.exitCode).to.equal(2);
    expect(b.stderr).to.match(/no test in .* expects rules\/t1588-004-root-ca-install\.aql \[HARNESS_TUNE_RULE_UNUSED\]\n  fix: name the rule it replaces with --replace/);
    expect(a.stderr + b.stderr).to.not.match(/\n\s+at /);
  });
});
