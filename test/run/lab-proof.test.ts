// The proof on real parts: a 3-host network-namespace lab (real sshd per host, real kernel audit log,
// real openssl). The behaviour runs on every host over SSH, its EXECVE records are found by marker,
// the artefact check passes, nothing is left; then the faults: sshd killed mid-run, the harness
// SIGKILLed mid-run and `harness cleanup --run`, a hung command killed remotely at its timeout.
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { executePlan, closeExecutors } from '../../harness/run/orchestrator.js';
import { planRun } from '../../harness/run/plan.js';
import { newRunId } from '../../harness/run/marker.js';
import { LocalBackend } from '../../harness/run/collect-local.js';
import { readJournal, unfinished } from '../../harness/run/journal.js';
import { LocalExecutor } from '../../harness/exec/local.js';
import { loadProfile } from '../../harness/telemetry/profile.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import type { ProgressEvent } from '../../harness/run/progress.js';
import { useLab } from '../helpers/lab.js';
import { runCli } from '../helpers/cli.js';
import { packageRoot } from '../../harness/util/paths.js';
import { FIXTURES, fixtureAtomics, projectAtomics, tempRunDir, testConfig } from './helpers.js';

const leftovers = (run8: string) => readdirSync('/tmp').filter((f) => f.includes(`ath-${run8}-`));
const pids = (pattern: string) => {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
// Lab hosts share this machine's filesystem and process table, and its kernel audit log (read as root here).
const logReader = new LocalExecutor({ name: 'lab-log-reader', os: 'linux' });

describe('run: 3-host lab proof (real sshd, auditd, openssl over SSH)', function () {
  this.timeout(180_000);
  const lab = useLab(3);

  it('runs the openssl behaviour on every host; EXECVE records found by marker per host; artefact ok; zero residue', async () => {
    const runId = newRunId();
    const run8 = runId.slice(-8);
    // The project's own atomic (its Windows tests are skipped on these Linux hosts by the plan).
    const plan = planRun({ atomics: [projectAtomics('T1587.003')], targets: lab.targets });
    const run = await executePlan({ runId, runDir: tempRunDir(), plan, config: testConfig(), keepConnections: true, logExecutorFor: () => logReader });
    run.outcomes = run.outcomes.filter((o) => !o.skipped);
    try {
      expect(run.targets.map((t) => [t.target.name, t.connected, t.preflight.ok])).to.deep.equal(lab.targets.map((t) => [t.name, true, true]), JSON.stringify(run.targets.map((t) => t.preflight)));
      const uids = run.targets.map((t) => t.identity!.uid);
      expect(new Set(uids).size).to.equal(3);
      expect(run.outcomes).to.have.length(3);
      for (const o of run.outcomes) {
        expect(o.ran, `${o.planned.target.name}: ${o.notExecuted} ${o.execution?.stderr}`).to.equal(true);
        expect(o.execution!.artefact).to.include({ ok: true, subject: `CN=Microsoft IT TLS CA 5, OU=${o.marker}` });
        expect(o.execution!.cleanup).to.deep.include({ ok: true, residue: [] });
      }
      expect(leftovers(run8)).to.deep.equal([]);
      const backend = LocalBackend.fromExecution(run, { profile: loadProfile('stock'), logExecutorFor: () => logReader });
      const window = { start: Math.min(...run.outcomes.map((o) => o.window.start)) - 1000, stop: Math.max(...run.outcomes.map((o) => o.window.stop)) + 1000 };
      const found = (events: NormalizedEvent[], target: string, marker: string) =>
        events.filter((e) => e.hostname === target && String(e.properties.cmdline ?? '').startsWith('openssl req -x509') && String(e.properties.cmdline).includes(marker));
      let events: NormalizedEvent[] = [];
      for (let i = 0; i < 40; i++) {
        const f = await backend.fetchEvents({ window, targets: lab.targets });
        expect(f.ok, JSON.stringify(f)).to.equal(true);
        if (f.ok) events = f.events;
        if (run.outcomes.every((o) => found(events, o.planned.target.name, o.marker).length > 0)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      for (const o of run.outcomes) {
        const mine = found(events, o.planned.target.name, o.marker);
        expect(mine.length, `EXECVE of openssl with ${o.marker} on ${o.planned.target.name}`).to.be.at.least(1);
        expect(mine[0]!.payload).to.contain('type=EXECVE');
        // Tied to the right host: no host's events carry another host's marker.
        const others = run.outcomes.filter((x) => x !== o).map((x) => x.marker);
        expect(events.filter((e) => e.hostname === o.planned.target.name && others.some((m) => e.payload.includes(m)))).to.deep.equal([]);
      }
    } finally {
      await closeExecutors(run);
    }
  });

  it('serves the per-execution certificate over SFTP and through the reverse forward (target 127.0.0.1:8080)', async () => {
    const plan = planRun({ atomics: [fixtureAtomics('T9999.001')], targets: lab.targets, only: ['T9999.001-4'] });
    const run = await executePlan({ runId: newRunId(), runDir: tempRunDir(), plan, config: testConfig(), logExecutorFor: () => logReader });
    const ran = run.outcomes.filter((o) => !o.skipped);
    expect(ran).to.have.length(3);
    for (const o of ran) {
      expect(o.ran, `${o.planned.target.name}: ${o.notExecuted} ${o.execution?.stderr}`).to.equal(true);
      expect(o.args.harness_url).to.equal(`http://127.0.0.1:8080/${o.marker}.cer`);
      expect(o.execution!.artefact).to.include({ ok: true, thumbprint: o.thumbprint, subject: `CN=${o.marker}, O=atomic-harness` });
      expect(o.execution!.cleanup).to.deep.include({ ok: true, residue: [] });
    }
  });

  it('a hung command is killed at the whole-test timeout, its remote process included', async () => {
    const runId = newRunId();
    const plan = planRun({ atomics: [fixtureAtomics('T9999.001')], targets: [lab.targets[0]!], only: ['T9999.001-2'] });
    const run = await executePlan({ runId, runDir: tempRunDir(), plan, config: testConfig({ timeouts: { connectMs: 5000, execMs: 10_000, testMs: 2000 } }), logExecutorFor: () => logReader });
    const o = run.outcomes.find((x) => !x.skipped)!;
    expect(o.execution!.timedOut).to.equal(true);
    expect(o.notExecuted).to.match(/^timed out after 2000 ms/);
    await new Promise((r) => setTimeout(r, 500));
    expect(pids(o.marker)).to.deep.equal([]);
    expect(o.execution!.cleanup).to.deep.include({ ok: true, residue: [] });
  });
  it('a dropped connection (sshd alive) is reconnected: cleanup runs, and a later #{harness_url} test still downloads through a re-opened reverse forward', async () => {
    const runId = newRunId();
    const runDir = tempRunDir();
    const host = lab.state.hosts[0]!;
    const fx = fixtureAtomics('T9999.001');
    const slow = structuredClone(fx);
    slow.atomic_tests = [slow.atomic_tests[0]!];
    slow.atomic_tests[0]!.executor.command = 'touch #{harness_tmp}/#{harness_marker}.slow; sleep 5';
    slow.atomic_tests[0]!.executor.cleanup_command = 'rm -f #{harness_tmp}/#{harness_marker}.slow';
    const cert = structuredClone(fx);
    cert.atomic_tests = [cert.atomic_tests[3]!]; // "Uses the harness certificate": needs #{harness_url}
    const plan = planRun({ atomics: [cert, slow, structuredClone(cert)], targets: [lab.targets[0]!] });
    // While the slow test runs, kill only the per-connection sshd processes: the listener stays, so the
    // reconnect succeeds.
    let killer: NodeJS.Timeout | undefined;
    const dropConnection = () => {
      const inNs = execFileSync('ip', ['netns', 'pids', host.netns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
      for (const pid of inNs) {
        let comm = '';
        try { comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { continue; }
        if (pid !== host.sshdPid && comm === 'sshd') try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
    };
    const onProgress = (p: ProgressEvent) => {
      if (p.kind === 'test-start' && /Exits non-zero/.test(p.test ?? '') && !killer) killer = setTimeout(dropConnection, 1500);
    };
    const run = await executePlan({ runId, runDir, plan, config: testConfig({ timeouts: { connectMs: 5000, execMs: 10_000, testMs: 20_000 } }), logExecutorFor: () => logReader, onProgress });
    clearTimeout(killer);
    expect(killer, 'the slow test started').to.not.equal(undefined);
    const [first, dropped, last] = run.outcomes;
    expect(first!.ran, first!.notExecuted).to.equal(true);
    expect(dropped!.ran).to.equal(false);
    expect(dropped!.notExecuted).to.match(/^connection lost/);
    // Reconnected for cleanup: the slow test's marker file is gone.
    expect(dropped!.execution!.cleanup).to.deep.include({ ok: true, residue: [] });
    expect(run.targets[0]!.connectionLost).to.equal(undefined);
    // The test after the drop ran on the new connection and fetched the certificate over #{harness_url}.
    expect(last!.ran, `${last!.notExecuted} ${last!.execution?.stderr}`).to.equal(true);
    expect(last!.execution!.exitCode, last!.execution!.stderr).to.equal(0);
    expect(last!.execution!.cleanup.ok).to.equal(true);
    expect(leftovers(runId.slice(-8))).to.deep.equal([]);
  });

  // Last in the suite: it leaves that host's sshd dead.
  it('a host whose sshd dies mid-run: its tests are not executed (connection lost), the others are unaffected', async () => {
    const runId = newRunId();
    const runDir = tempRunDir();
    // Per host: a 3 s behaviour, then the openssl one.
    const slow = structuredClone(fixtureAtomics('T9999.001'));
    slow.atomic_tests = [slow.atomic_tests[0]!];
    slow.atomic_tests[0]!.executor.command = 'sleep 3; touch #{harness_tmp}/#{harness_marker}.slow';
    slow.atomic_tests[0]!.executor.cleanup_command = 'rm -f #{harness_tmp}/#{harness_marker}.slow';
    const plan = planRun({ atomics: [slow, fixtureAtomics('T1587.003')], targets: lab.targets });
    const victim = lab.state.hosts[1]!;
    // Killed while its first test (the 3 s one) runs: everything in the host's namespace, i.e. the
    // listening sshd, the session's sshd and the command.
    let killer: NodeJS.Timeout | undefined;
    const kill = () => {
      const inNs = execFileSync('ip', ['netns', 'pids', victim.netns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
      for (const pid of inNs) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    };
    const onProgress = (p: ProgressEvent) => {
      if (p.kind === 'test-start' && p.target === victim.name && !killer) killer = setTimeout(kill, 1000);
    };
    const run = await executePlan({ runId, runDir, plan, config: testConfig({ timeouts: { connectMs: 3000, execMs: 10_000, testMs: 20_000 } }), logExecutorFor: () => logReader, onProgress });
    clearTimeout(killer);
    expect(killer, 'the victim started its first test').to.not.equal(undefined);
    for (const o of run.outcomes) {
      if (o.planned.target.name === victim.name) {
        expect(o.ran).to.equal(false);
        expect(o.notExecuted).to.match(/^connection lost/);
      } else {
        expect(o.ran, `${o.planned.target.name}: ${o.notExecuted}`).to.equal(true);
        expect(o.execution!.cleanup.ok).to.equal(true);
      }
    }
    expect(run.targets.find((t) => t.target.name === victim.name)!.connectionLost).to.match(/reconnect failed/);
    // The victim's cleanup stays pending in the journal; replaying it (files are on this machine) leaves nothing.
    const pending = unfinished(readJournal(runDir));
    expect(pending.map((e) => e.target)).to.deep.equal([victim.name]);
    const { replayCleanups } = await import('../../harness/run/cleanup.js');
    const r = await replayCleanups({ runDir, executorFactory: () => new LocalExecutor({ name: victim.name, os: 'linux' }) });
    expect(r).to.include({ ok: true, residue: 0 });
    expect(leftovers(runId.slice(-8))).to.deep.equal([]);
  });
});

describe('run: harness SIGKILLed mid-run, then `harness cleanup --run` (real sshd lab)', function () {
  this.timeout(180_000);
  const lab = useLab(2);

  it('replays the pending cleanups over SSH from the journal alone: zero residue', async () => {
    const runId = newRunId();
    const run8 = runId.slice(-8);
    const runDir = tempRunDir();
    // Per host: the harness certificate behaviour (uploaded over SFTP, fetched through the reverse forward), then a hang.
    const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'crash-run.ts'), lab.state.targetsFile, runDir, runId, 'T9999.001-4', 'T9999.001-2'], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the run never reached the hang on both hosts:\n${out}\n${err}`)), 90_000);
      child.stdout.on('data', (c) => {
        out += c;
        const hangs = out.split('\n').filter((l) => /^STARTED \S+ \d+$/.test(l)).length;
        if (hangs >= 4) {
          clearTimeout(t);
          setTimeout(resolve, 500); // let the hang command start
        }
      });
      child.on('exit', () => reject(new Error(`the run ended early:\n${out}\n${err}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const journal = readJournal(runDir);
    // The certificate behaviours finished (cleanup done) before the kill; the hangs are pending.
    expect(journal.tests.filter((t) => t.state === 'done').map((t) => t.seq).sort()).to.deep.equal([1, 2]);
    const before = unfinished(journal);
    expect(before.map((t) => t.seq).sort()).to.deep.equal([3, 4]);
    expect(leftovers(run8).length).to.be.at.least(2);
    const r = await runCli(['cleanup', '--run', runDir]);
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.match(new RegExp(`run ${runId}: 2 cleanup\\(s\\) replayed, 0 not clean, residue: 0`));
    expect(r.exitCode).to.equal(0);
    expect(leftovers(run8)).to.deep.equal([]);
    expect(unfinished(readJournal(runDir))).to.deep.equal([]);
    // The orphaned remote sleeps of the killed run (ours, by pid).
    for (const pid of pids(`ath-${run8}-`)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  });
});
