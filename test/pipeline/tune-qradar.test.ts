// `harness tune --backend qradar` against the Ariel API test double (HTTPS with its own CA; the QRadar
// double of the house rules, answering with the embedded AQL engine). The report stands in for a QRadar
// run's: real SigmaHQ recordings (certutil -addstore Root, certutil -urlcache) judged by the verdict core,
// re-timed into a run window and carrying the run's log source; the double is fed exactly the events the
// report's evidence holds. The CLI runs from source as a child process, as a user runs it, and its
// before/after must equal the local evidence path's.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NormalizedEvent } from '../../harness/model/event.js';
import { writeReportSet } from '../../harness/report/index.js';
import { readAll } from '../../harness/run/pipeline.js';
import { loadProfile } from '../../harness/telemetry/index.js';
import { rawValue, signalSourceOf } from '../../harness/telemetry/sources.js';
import { embeddedEngine } from '../../harness/verdict/engine.js';
import { telemetryView } from '../../harness/verdict/event-view.js';
import { replayRecordings } from '../../harness/verdict/replay.js';
import { buildRunReport } from '../../harness/verdict/report-model.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { requestsTo, startDouble, TOKEN, type Harnessed } from '../qradar/helpers.js';
import { ADDSTORE_EVTX, ADDSTORE_GUID, URLCACHE_EVTX, URLCACHE_GUID, TUNED, certutilTests, genRule } from './recorded.js';

const LOG_SOURCE = 'AR-WIN-DC @ 10.0.0.7';
const SLACK_MS = 60_000;

type Row = { before: string; after: string; recheck?: string; guid: string; explanation?: string };

describe('harness tune --backend qradar (Ariel API double over HTTPS, recorded events)', function () {
  this.timeout(120_000);
  let h: Harnessed;
  let dir: string;
  let reportDir: string;
  let evidence: NormalizedEvent[];
  let window: { start: number; stop: number };
  let env: Record<string, string>;
  let tunedPath: string;
  let changed: string;
  const qradarArgs = () => ['--backend', 'qradar', '--config', join(dir, 'harness.config.yaml'), '--targets', join(dir, 'targets.yaml')];

  before(async function () {
    requireOrSkip(this, datasetsPresent(), 'the shared datasets are not beside the checkout');
    const profile = loadProfile('stock');
    // The recordings as this run's: each file's events moved (offsets kept) into the last minutes, from the run's host.
    const now = Date.now();
    const retimed = new Map<string, NormalizedEvent[]>();
    for (const [file, at] of [[ADDSTORE_EVTX, now - 120_000], [URLCACHE_EVTX, now - 60_000]] as const) {
      const events = await readAll([file], profile);
      const last = Math.max(...events.map((e) => e.starttime));
      retimed.set(file, events.map((e) => ({ ...e, starttime: e.starttime - last + at, devicetime: e.devicetime - last + at, logsourcename: LOG_SOURCE })));
    }
    const { results, evidence: ev } = await replayRecordings({
      entries: [
        { guid: ADDSTORE_GUID, target: 'ar-win-dc', os: 'windows', files: [ADDSTORE_EVTX], notRecorded: {}, adapt: {}, rulesNotEvaluable: {}, location: { file: 'test' } },
        { guid: URLCACHE_GUID, target: 'ar-win-dc', os: 'windows', files: [URLCACHE_EVTX], notRecorded: {}, adapt: {}, rulesNotEvaluable: {}, location: { file: 'test' } },
      ],
      tests: certutilTests(), rules: [genRule()], engine: embeddedEngine(profile), view: telemetryView(signalSourceOf, (e, f) => rawValue(e, f, profile)),
      read: async (files) => files.flatMap((f) => retimed.get(f)!),
    });
    const all = [...retimed.values()].flat();
    window = { start: Math.min(...all.map((e) => e.starttime)) - 5_000, stop: now };
    dir = mkdtempSync(join(tmpdir(), 'ath-tune-qradar-'));
    reportDir = join(dir, 'run');
    // backend: 'qradar' — the report a QRadar run of these two behaviours on ar-win-dc would have written.
    const report = buildRunReport({ runId: 'qradar-run-for-tune', harnessVersion: '0.1.0', startedAt: new Date(window.start), finishedAt: new Date(window.stop), backend: 'qradar', profile: 'stock', rules: [{ ...genRule(), sha256: 'x' }], results, evidence: ev });
    await writeReportSet(report, reportDir, { evidence: ev });
    evidence = readFileSync(join(reportDir, 'evidence.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    writeFileSync(join(dir, 'harness.config.yaml'), `qradar:\n  version: '16.0'\n  windowSlack: ${SLACK_MS / 1000}s\n  hostField: logSourceName\n  pollInterval: 1s\n`);
    writeFileSync(join(dir, 'targets.yaml'), `targets:\n  - name: ar-win-dc\n    os: windows\n    address: 10.0.0.7\n    user: purple\n    auth: { agent: true }\n    qradar: { logSourceName: '${LOG_SOURCE}' }\n`);
    tunedPath = join(TUNED, 't1587-003-cert-generation.aql');
    changed = join(dir, 'excluding-certutil.aql');
    writeFileSync(changed, readFileSync(tunedPath, 'utf8').replace('\nORDER BY', `\n  AND "Image" NOT ILIKE '%\\certutil.exe'\nORDER BY`));
  });

  beforeEach(async () => {
    h = await startDouble();
    env = { PATH: process.env.PATH!, HARNESS_QRADAR_URL: h.double.url, HARNESS_QRADAR_CA_FILE: h.caFile, QRADAR_TOKEN: TOKEN };
  });
  afterEach(async () => h?.double.stop());

  const rowsOf = (r: CliResult): Row[] => (JSON.parse(r.stdout) as { rows: Row[] }).rows;
  const flips = (rows: Row[]) => rows.map((x) => `${x.guid}:${x.before}->${x.after}`);

  it('the certutil exclusion: DETECTED -> MISSED for certutil -addstore, exit 1, the same before/after (and explanation) as the local evidence path', async () => {
    // The report's events, plus the same certutil event from another host in the window (it must not count).
    const other = evidence.map((e) => ({ ...e, logsourcename: 'OTHER-HOST @ 10.0.0.99', logsourceid: e.logsourceid + 1 }));
    h.double.ingest([...evidence, ...other]);
    const local = await runCli(['tune', '--rule', changed, '--replace', tunedPath, '--against', reportDir, '--json']);
    const qradar = await runCli(['tune', '--rule', changed, '--replace', tunedPath, '--against', reportDir, '--json', ...qradarArgs()], { env });
    expect(local.exitCode, local.stderr).to.equal(1);
    expect(qradar.exitCode, qradar.stderr + qradar.stdout).to.equal(1);
    const l = rowsOf(local);
    const q = rowsOf(qradar);
    expect(flips(q)).to.deep.equal(flips(l));
    expect(flips(q)).to.deep.equal([`${ADDSTORE_GUID}:DETECTED->MISSED`, `${URLCACHE_GUID}:DETECTED->DETECTED`]);
    expect(q[0].explanation).to.equal(l[0].explanation);
    expect(q[0].explanation).to.contain(`"Image" NOT ILIKE '%\\certutil.exe'`);
    // The replaced rule re-run in QRadar reproduces the report's verdicts.
    expect(q.map((x) => x.recheck)).to.deep.equal(['DETECTED', 'DETECTED']);
    const out = JSON.parse(qradar.stdout) as { backend: string; fetched: number; window: { start: number; stop: number } };
    expect(out).to.include({ backend: 'qradar', fetched: evidence.length });
    expect(out.window).to.deep.equal(window);
    // One signal fetch and one search per rule (new and replaced), each restricted to the run's host and window.
    const posted = requestsTo(h.double, 'POST', /^\/api\/ariel\/searches$/).map((p) => new URLSearchParams(p.body).get('query_expression')!);
    expect(posted).to.have.length(3);
    for (const aql of posted) {
      expect(aql).to.contain(`LOGSOURCENAME(logsourceid) = '${LOG_SOURCE}'`);
      expect(aql).to.match(new RegExp(`START ${window.start - SLACK_MS} STOP ${window.stop + SLACK_MS + 1}$`));
    }
    expect(posted.filter((a) => a.includes(`NOT ILIKE '%\\certutil.exe'`))).to.have.length(1);
    expect(qradar.stdout + qradar.stderr).to.not.contain(TOKEN);
  });

  it('the table: the same flagged line as the local path, plus the window and what QRadar returned', async () => {
    h.double.ingest(evidence);
    const r = await runCli(['tune', '--rule', changed, '--replace', tunedPath, '--against', reportDir, ...qradarArgs()], { env });
    expect(r.exitCode, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/!! DETECTED\s+-> MISSED\s+T1587\.003 Import certificate to Root with certutil @ ar-win-dc/);
    expect(r.stdout).to.contain(`re-run in QRadar over the run window ${new Date(window.start).toISOString()} .. ${new Date(window.stop).toISOString()}`);
    expect(r.stdout).to.contain(`${evidence.length} event(s) of the run's hosts`);
    expect(r.stdout).to.match(/1 regression\(s\)/);
    expect(r.stdout).to.not.contain('note: the replaced rule');
  });

  it('the unchanged rule: no flip, exit 0; without --replace the catalog rule (not the one the run used: other sha256) is not re-run', async () => {
    h.double.ingest(evidence);
    const r = await runCli(['tune', '--rule', tunedPath, '--against', reportDir, '--json', ...qradarArgs()], { env });
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(rowsOf(r).map((x) => `${x.before}->${x.after}`)).to.deep.equal(['DETECTED->DETECTED', 'DETECTED->DETECTED']);
    expect(rowsOf(r).map((x) => x.recheck)).to.deep.equal([undefined, undefined]);
    expect(requestsTo(h.double, 'POST', /^\/api\/ariel\/searches$/)).to.have.length(2);
  });

  it('events no longer in QRadar: INCONCLUSIVE (never MISSED), counted as not detected: exit 1, and the recheck says so', async () => {
    // Only the -urlcache recording is still searchable.
    const kept = evidence.filter((e) => !/addstore/i.test(e.payload));
    expect(kept.length).to.be.within(1, evidence.length - 1);
    h.double.ingest(kept);
    const r = await runCli(['tune', '--rule', tunedPath, '--replace', tunedPath, '--against', reportDir, ...qradarArgs()], { env });
    expect(r.exitCode, r.stderr).to.equal(1);
    expect(r.stdout, r.stdout).to.match(/!! DETECTED\s+-> INCONCLUSIVE\s+T1587\.003 Import certificate to Root with certutil @ ar-win-dc\n {3}QRadar returned 0 of the \d+ event\(s\)/);
    expect(r.stdout).to.match(/note: the replaced rule re-run in QRadar now gives INCONCLUSIVE, the report said DETECTED/);
    expect(r.stdout).to.match(/ {2}DETECTED\s+-> DETECTED\s+T1588\.004 Download with certutil -urlcache/);
    expect(r.stdout).to.not.match(/-> MISSED/);
    // The new and the replaced rule are the same text: one search (Ariel would de-duplicate two into one id).
    expect(requestsTo(h.double, 'POST', /^\/api\/ariel\/searches$/)).to.have.length(2);
  });

  it('a rule QRadar rejects (LOGSOURCETIME): "the new rule is rejected", DETECTED -> MISSED, exit 1', async () => {
    h.double.ingest(evidence);
    const bad = join(dir, 'with-logsourcetime.aql');
    writeFileSync(bad, readFileSync(tunedPath, 'utf8').replace('WHERE devicetype IN (11, 12)', 'WHERE LOGSOURCETIME > NOW() - 1 DAYS AND devicetype IN (11, 12)'));
    const r = await runCli(['tune', '--rule', bad, '--replace', tunedPath, '--against', reportDir, ...qradarArgs()], { env });
    expect(r.exitCode, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/the new rule is rejected: .*LOGSOURCETIME/);
    expect(r.stdout).to.match(/!! DETECTED\s+-> MISSED\s+T1587\.003/);
  });

  it('QRadar refuses the token: every re-judged row INCONCLUSIVE, exit 1, no stack, token not printed', async () => {
    const r = await runCli(['tune', '--rule', changed, '--replace', tunedPath, '--against', reportDir, ...qradarArgs()], { env: { ...env, QRADAR_TOKEN: 'wrong-SECRET-777' } });
    expect(r.stdout + r.stderr).to.not.contain('wrong-SECRET-777');
    expect(r.stdout + r.stderr).to.not.match(/\n\s+at /);
    // The failure reaches every row as INCONCLUSIVE (a back-end failure is never a gap), exit 1.
    expect(r.exitCode).to.equal(1);
    expect(r.stdout).to.match(/DETECTED\s+-> INCONCLUSIVE/);
    expect(r.stdout).to.match(/the event fetch failed: .*HTTP 401.*\[HARNESS_QRADAR_AUTH\]/);
  });

  it('bad input: the run\'s target missing from the targets file, or a replay report -> exit 2 with the fix', async () => {
    const empty = join(dir, 'other-targets.yaml');
    writeFileSync(empty, 'targets:\n  - name: somewhere-else\n    os: windows\n    address: 10.0.0.8\n    user: purple\n    auth: { agent: true }\n    qradar: { logSourceName: X }\n');
    const a = await runCli(['tune', '--rule', changed, '--replace', tunedPath, '--against', reportDir, '--backend', 'qradar', '--config', join(dir, 'harness.config.yaml'), '--targets', empty], { env });
    expect(a.exitCode).to.equal(2);
    expect(a.stderr).to.match(/ar-win-dc are not in .*other-targets\.yaml.*\[HARNESS_TUNE_TARGET_UNKNOWN\]\n {2}fix: pass the targets file the run used with --targets F/);
    const replayDir = join(dir, 'replay');
    const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8'));
    await writeReportSet({ ...report, backend: 'replay' }, replayDir, { evidence });
    const b = await runCli(['tune', '--rule', changed, '--replace', tunedPath, '--against', replayDir, ...qradarArgs()], { env });
    expect(b.exitCode).to.equal(2);
    expect(b.stderr).to.contain('[HARNESS_TUNE_REPLAY_WINDOW]');
    expect(a.stderr + b.stderr).to.not.match(/\n\s+at /);
    expect(requestsTo(h.double, 'POST', /^\/api\/ariel\/searches$/)).to.have.length(0);
  });
});
