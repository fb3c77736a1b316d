// The orchestrator on the real local executor (execa): real openssl, real files in /tmp, HTTP on loopback.
import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { executePlan } from '../../harness/run/orchestrator.js';
import { planRun } from '../../harness/run/plan.js';
import { newRunId } from '../../harness/run/marker.js';
import { readJournal } from '../../harness/run/journal.js';
import type { ProgressEvent } from '../../harness/run/progress.js';
import { hasCommand, requireOrSkip } from '../helpers/env.js';
import { fixtureAtomics, localTarget, tempRunDir, testConfig } from './helpers.js';

const leftovers = (marker: string) => readdirSync('/tmp').filter((f) => new RegExp(`${marker}(\\D|$)`).test(f));
const alive = (marker: string) => {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

describe('run: orchestrator on the local executor (real openssl, files, loopback HTTP)', function () {
  this.timeout(60_000);
  before(function () {
    requireOrSkip(this, hasCommand('openssl'), 'openssl is not installed');
  });

  it('runs the openssl behaviour: marker in files and subject, artefact parsed, cleanup journaled, nothing left', async () => {
    const runId = newRunId();
    const runDir = tempRunDir();
    const plan = planRun({ atomics: [fixtureAtomics('T1587.003')], targets: [localTarget] });
    const events: ProgressEvent[] = [];
    const run = await executePlan({ runId, runDir, plan, config: testConfig(), onProgress: (e) => events.push(e) });
    expect(run.outcomes).to.have.length(1);
    const o = run.outcomes[0]!;
    expect(o.marker).to.equal(`ath-${runId.slice(-8)}-1`);
    expect(o.ran, o.notExecuted).to.equal(true);
    expect(o.args.harness_marker).to.equal(o.marker);
    expect(o.execution!.exitCode).to.equal(0);
    expect(o.execution!.prerequisites).to.deep.equal([{ description: 'openssl must be installed', ok: true }]);
    expect(o.execution!.artefact).to.include({ ok: true, subject: `CN=Microsoft IT TLS CA 5, OU=${o.marker}` });
    expect(o.execution!.artefact!.thumbprint).to.match(/^[0-9A-F]{40}$/);
    expect(o.execution!.cleanup).to.include({ ok: true });
    expect(o.execution!.cleanup.residue).to.deep.equal([]);
    expect(o.window.stop).to.be.at.least(o.window.start);
    expect(leftovers(o.marker)).to.deep.equal([]);
    const j = readJournal(runDir);
    expect(j.run!.runId).to.equal(runId);
    expect(j.tests.map((t) => [t.marker, t.state])).to.deep.equal([[o.marker, 'done']]);
    expect(j.tests[0]!.cleanup).to.contain(`rm -f /tmp/${o.marker}.key`);
    expect(run.targets[0]!.connected).to.equal(true);
    expect(events.map((e) => e.kind)).to.include.members(['target-connected', 'test-start', 'test-end', 'done']);
    expect(events.at(-1)).to.include({ kind: 'done', done: 1, total: 1 });
  });

  it('records a non-zero exit and a timeout as not executed, kills the hung process tree, and still cleans up', async () => {
    const runDir = tempRunDir();
    const plan = planRun({ atomics: [fixtureAtomics('T9999.001')], targets: [localTarget], only: ['T9999.001-1', 'T9999.001-2'] });
    const run = await executePlan({ runId: newRunId(), runDir, plan, config: testConfig({ timeouts: { connectMs: 5000, execMs: 10_000, testMs: 1500 } }) });
    const [fail, hang] = run.outcomes.filter((o) => !o.skipped);
    expect(fail!.ran).to.equal(false);
    expect(fail!.notExecuted).to.equal('exit code 3');
    expect(fail!.execution!.exitCode).to.equal(3);
    expect(fail!.execution!.cleanup.ok).to.equal(true);
    expect(leftovers(fail!.marker)).to.deep.equal([]);
    expect(hang!.ran).to.equal(false);
    expect(hang!.notExecuted).to.match(/^timed out after 1500 ms/);
    expect(hang!.execution!.timedOut).to.equal(true);
    expect(hang!.window.stop - hang!.window.start).to.be.below(10_000);
    expect(alive(hang!.marker)).to.equal('');
    expect(leftovers(hang!.marker)).to.deep.equal([]);
    expect(run.outcomes.filter((o) => o.skipped).every((o) => /filtered|platform/.test(o.skipped!))).to.equal(true);
  });

  it('turns a cleanup that forgets a file into residue, journaled as failed', async () => {
    const runDir = tempRunDir();
    const plan = planRun({ atomics: [fixtureAtomics('T9999.001')], targets: [localTarget], only: ['T9999.001-3'] });
    const run = await executePlan({ runId: newRunId(), runDir, plan, config: testConfig() });
    const o = run.outcomes.find((x) => !x.skipped)!;
    expect(o.ran).to.equal(true);
    expect(o.execution!.cleanup.ok).to.equal(false);
    expect(o.execution!.cleanup.residue).to.deep.equal([`file /tmp/${o.marker}.b`]);
    expect(readJournal(runDir).tests.find((t) => t.marker === o.marker)!.state).to.equal('failed');
    execFileSync('rm', ['-f', `/tmp/${o.marker}.b`]);
  });

  it('uploads a per-execution certificate and serves it at harness_url; the harness removes its own file', async () => {
    const plan = planRun({ atomics: [fixtureAtomics('T9999.001')], targets: [localTarget], only: ['T9999.001-4'] });
    const run = await executePlan({ runId: newRunId(), runDir: tempRunDir(), plan, config: testConfig() });
    const o = run.outcomes.find((x) => !x.skipped)!;
    expect(o.ran, `${o.notExecuted} ${o.execution?.stderr}`).to.equal(true);
    expect(o.args.harness_cert_path).to.equal(`/tmp/${o.marker}.cer`);
    expect(o.args.harness_cert_thumbprint).to.equal(o.thumbprint);
    expect(o.certSubject).to.equal(`CN=${o.marker}, O=atomic-harness`);
    expect(o.execution!.artefact).to.include({ ok: true, thumbprint: o.thumbprint });
    expect(o.execution!.cleanup).to.include({ ok: true });
    expect(existsSync(`/tmp/${o.marker}.cer`)).to.equal(false);
    expect(leftovers(o.marker)).to.deep.equal([]);
  });

  it('on abort (SIGINT) stops the running command, finishes its cleanup, and starts nothing more', async () => {
    const plan = planRun({ atomics: [fixtureAtomics('T9999.001')], targets: [localTarget], only: ['T9999.001-2', 'T9999.001-3'] });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 800);
    const runDir = tempRunDir();
    const run = await executePlan({ runId: newRunId(), runDir, plan, config: testConfig(), signal: ac.signal });
    expect(run.interrupted).to.equal(true);
    const [hang, next] = run.outcomes.filter((o) => !o.skipped);
    expect(hang!.notExecuted).to.match(/^interrupted/);
    expect(hang!.execution!.cleanup.ok).to.equal(true);
    expect(alive(hang!.marker)).to.equal('');
    expect(leftovers(hang!.marker)).to.deep.equal([]);
    expect(next!.notExecuted).to.equal('interrupted before it started');
    expect(readJournal(runDir).tests.map((t) => t.state)).to.deep.equal(['done']);
  });
});
