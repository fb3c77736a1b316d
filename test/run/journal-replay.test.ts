// Journal and replay on the real local executor: a "crash" after the test ran and before its cleanup
// leaves a pending entry; replay (library and `harness cleanup --run`) removes the files, zero residue.
import { expect } from 'chai';
import { appendFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTest } from '../../harness/run/execute-test.js';
import { replayCleanups, resolveRunDir } from '../../harness/run/cleanup.js';
import { appendJournal, readJournal, unfinished } from '../../harness/run/journal.js';
import { planRun } from '../../harness/run/plan.js';
import { newRunId } from '../../harness/run/marker.js';
import { generateKeyPem } from '../../harness/run/certificates.js';
import { LocalExecutor } from '../../harness/exec/local.js';
import { runCli } from '../helpers/cli.js';
import { fixtureAtomics, localTarget, tempRunDir, testConfig } from './helpers.js';

const leftovers = (marker: string) => readdirSync('/tmp').filter((f) => new RegExp(`${marker}(\\D|$)`).test(f));

// Runs the openssl fixture up to its cleanup and stops there, as a SIGKILL would.
async function crashAfterExecution(runDir: string, runId: string) {
  const exec = new LocalExecutor(localTarget);
  await exec.connect();
  const [p] = planRun({ atomics: [fixtureAtomics('T1587.003')], targets: [localTarget] });
  appendJournal(runDir, { kind: 'run', runId, startedAt: new Date().toISOString(), targets: [localTarget] });
  let key: string | undefined;
  const tr = await runTest(exec, p!, { runId, runDir, config: testConfig(), tmp: '/tmp', keyPem: () => (key ??= generateKeyPem()) });
  await exec.close();
  return tr;
}

describe('run: cleanup journal and replay (local executor, real files)', function () {
  this.timeout(60_000);

  it('journals the rendered cleanup as pending before execution; replay removes what the test left', async () => {
    const runDir = tempRunDir();
    const tr = await crashAfterExecution(runDir, newRunId());
    expect(tr.ran).to.equal(true);
    expect(leftovers(tr.marker).sort()).to.deep.equal([`${tr.marker}.key`, `${tr.marker}.pem`, `${tr.marker}.pfx`]);
    const before = readJournal(runDir);
    expect(unfinished(before).map((e) => [e.marker, e.state])).to.deep.equal([[tr.marker, 'pending']]);
    const r = await replayCleanups({ runDir, executorFactory: (t) => new LocalExecutor(t) });
    expect(r.ok).to.equal(true);
    expect(r.residue).to.equal(0);
    expect(r.entries).to.have.length(1);
    expect(r.entries[0]).to.include({ marker: tr.marker, was: 'pending', ok: true });
    expect(leftovers(tr.marker)).to.deep.equal([]);
    expect(unfinished(readJournal(runDir))).to.deep.equal([]);
    // A second replay has nothing left to do.
    expect((await replayCleanups({ runDir, executorFactory: (t) => new LocalExecutor(t) })).entries).to.deep.equal([]);
  });

  it('tolerates a journal line cut short by a crash', async () => {
    const runDir = tempRunDir();
    const tr = await crashAfterExecution(runDir, newRunId());
    appendFileSync(join(runDir, 'journal.jsonl'), '{"kind":"test","seq":2,"tar');
    const j = readJournal(runDir);
    expect(j.badLines).to.have.length(1);
    const r = await replayCleanups({ runDir, executorFactory: (t) => new LocalExecutor(t) });
    expect(r.ok).to.equal(true);
    expect(leftovers(tr.marker)).to.deep.equal([]);
  });

  it('`harness cleanup --run DIR` replays and prints zero residue; exit 0; again: nothing pending', async () => {
    const runDir = tempRunDir();
    const runId = newRunId();
    const tr = await crashAfterExecution(runDir, runId);
    const r = await runCli(['cleanup', '--run', runDir]);
    expect(r.stderr).to.equal('');
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.contain(`local #1 ${tr.marker} (was pending): clean`);
    expect(r.stdout).to.contain(`run ${runId}: 1 cleanup(s) replayed, 0 not clean, residue: 0`);
    expect(existsSync(`/tmp/${tr.marker}.pem`)).to.equal(false);
    const again = await runCli(['cleanup', '--run', runDir, '--json']);
    expect(JSON.parse(again.stdout)).to.include({ ok: true, residue: 0 });
  });

  it('`harness cleanup --targets FILE`: definitions from the file replace the journal\'s (the recorded address no longer answers)', async () => {
    const runDir = tempRunDir();
    const runId = newRunId();
    const marker = `ath-${runId.slice(-8)}-1`;
    // The run went to 'local' over SSH at an address that is gone now (port 1 refuses).
    const gone = { name: 'local', os: 'linux' as const, transport: 'ssh' as const, address: '127.0.0.1', port: 1, user: 'nobody', auth: { agent: true as const }, hostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', sudo: false };
    appendJournal(runDir, { kind: 'run', runId, startedAt: new Date().toISOString(), targets: [gone] });
    appendJournal(runDir, { kind: 'test', seq: 1, target: 'local', guid: 'g', marker, os: 'linux', state: 'pending', cleanup: `rm -f /tmp/${marker}.a`, remove: [], residueChecks: [{ kind: 'marker-files', dir: '/tmp', marker }], at: new Date().toISOString() });
    appendFileSync(`/tmp/${marker}.a`, 'x');
    const stale = await runCli(['cleanup', '--run', runDir, '--timeout', '5000']);
    expect(stale.exitCode).to.equal(1);
    expect(stale.stdout).to.match(new RegExp(`local #1 ${marker} \\(was pending\\): FAILED: cannot connect to local`));
    expect(existsSync(`/tmp/${marker}.a`)).to.equal(true);
    const file = join(runDir, 'targets.now.yaml');
    writeFileSync(file, 'targets:\n  - name: local\n    transport: local\n    os: linux\n');
    const r = await runCli(['cleanup', '--run', runDir, '--targets', file]);
    expect(r.exitCode, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`local #1 ${marker} (was pending): clean`);
    expect(existsSync(`/tmp/${marker}.a`)).to.equal(false);
    const bad = await runCli(['cleanup', '--run', runDir, '--targets', join(runDir, 'nope.yaml')]);
    expect(bad.exitCode).to.equal(2);
    expect(bad.stderr).to.contain('nope.yaml');
  });

  it('reports residue a replay cannot remove (exit 1), and a missing journal as a usage error (exit 2)', async () => {
    const runDir = tempRunDir();
    const runId = newRunId();
    const marker = `ath-${runId.slice(-8)}-1`;
    appendJournal(runDir, { kind: 'run', runId, startedAt: new Date().toISOString(), targets: [localTarget] });
    appendJournal(runDir, { kind: 'test', seq: 1, target: 'local', guid: 'g', marker, os: 'linux', state: 'pending', cleanup: `rm -f /tmp/${marker}.a`, remove: [], residueChecks: [{ kind: 'marker-files', dir: '/tmp', marker }], at: new Date().toISOString() });
    appendFileSync(`/tmp/${marker}.a`, 'x');
    appendFileSync(`/tmp/${marker}.b`, 'x');
    appendFileSync(`/tmp/${marker}0.keep`, 'x'); // ath-...-10 is another execution's file, not residue of -1
    try {
      const r = await runCli(['cleanup', '--run', runDir]);
      expect(r.exitCode).to.equal(1);
      expect(r.stdout).to.contain(`RESIDUE: file /tmp/${marker}.b`);
      expect(r.stdout).to.not.contain(`${marker}0.keep`);
      expect(existsSync(`/tmp/${marker}.a`)).to.equal(false);
    } finally {
      for (const f of [`${marker}.b`, `${marker}0.keep`]) if (existsSync(`/tmp/${f}`)) await import('node:fs').then((fs) => fs.unlinkSync(`/tmp/${f}`));
    }
    const missing = await runCli(['cleanup', '--run', '20261122T000000Z-00000000']);
    expect(missing.exitCode).to.equal(2);
    expect(missing.stderr).to.match(/no run journal found .*\[HARNESS_RUN_NO_JOURNAL\]\n  fix: /);
    expect(() => resolveRunDir('/nonexistent/x')).to.throw(/HARNESS_RUN_NO_JOURNAL|no run journal/);
  });
});
