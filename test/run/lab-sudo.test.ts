// Elevated atomics on a real Linux target whose login elevates with `sudo -n` (a lab host brought up with
// --sudo: real sshd, real sudo, the real kernel audit log). Everything goes through the target's own SSH
// connection, as on a remote host: the preflight (auditctl -s / -l and the daemon's comm through sudo), the
// audit-log offset and the collection (the log read through sudo), the elevated command and its elevated
// cleanup, and the kill of an elevated process tree at the whole-test timeout.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { executePlan, closeExecutors } from '../../harness/run/orchestrator.js';
import { planRun } from '../../harness/run/plan.js';
import { newRunId } from '../../harness/run/marker.js';
import { LocalBackend } from '../../harness/run/collect-local.js';
import { loadProfile } from '../../harness/telemetry/profile.js';
import type { AtomicFile } from '../../harness/model/catalog.js';
import { useLab } from '../helpers/lab.js';
import { fixtureAtomics, tempRunDir, testConfig } from './helpers.js';

const leftovers = (run8: string) => readdirSync('/tmp').filter((f) => f.includes(`ath-${run8}-`));
const rootProcesses = (marker: string): string[] => {
  try {
    return execFileSync('pgrep', ['-u', '0', '-f', marker], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

// The fixture's first (writes a file) and second (hangs) behaviours, marked elevation_required.
function elevated(): AtomicFile {
  const f = structuredClone(fixtureAtomics('T9999.001'));
  const [write, hang] = f.atomic_tests;
  write!.executor.command = 'id -u > #{harness_tmp}/#{harness_marker}.uid; cat #{harness_tmp}/#{harness_marker}.uid';
  write!.executor.cleanup_command = 'rm -f #{harness_tmp}/#{harness_marker}.uid';
  f.atomic_tests = [write!, hang!];
  for (const t of f.atomic_tests) t.executor.elevation_required = true;
  return f;
}

describe('run: elevated atomics through sudo -n on a lab host (real sshd, sudo, auditd)', function () {
  this.timeout(180_000);
  const lab = useLab(1, { sudo: true });

  it('preflight, offset and collection through sudo; the command and its cleanup run as root; a hung root tree is killed', async () => {
    const target = lab.targets[0]!;
    expect(target.sudo).to.equal(true);
    const runId = newRunId();
    const plan = planRun({ atomics: [elevated()], targets: [target] });
    // No logExecutorFor: the target's own login reads the audit log, through sudo.
    const run = await executePlan({ runId, runDir: tempRunDir(), plan, config: testConfig({ timeouts: { connectMs: 5000, execMs: 10_000, testMs: 3000 } }), keepConnections: true });
    try {
      const t = run.targets[0]!;
      expect(t.preflight.sensors.map((s) => [s.name, s.ok, s.detail])).to.deep.include(['auditd', true, 'auditd is running']);
      expect(t.preflight.ok, JSON.stringify(t.preflight)).to.equal(true);
      // The login (PAM gives it a login uid) as the harness read it: uid and auid both the lab user's.
      const login = statSync(`/home/${target.user}`).uid;
      expect(t.identity).to.deep.include({ uid: login, auid: login });
      expect(t.clockSkewMs).to.equal(0);
      expect(t.auditOffset?.offset).to.be.a('number');
      const [write, hang] = run.outcomes;
      expect(write!.ran, `${write!.notExecuted} ${write!.execution?.stderr}`).to.equal(true);
      expect(write!.execution!.exitCode).to.equal(0);
      expect(write!.execution!.stdout.trim()).to.equal('0'); // ran as root
      expect(write!.execution!.cleanup).to.deep.include({ ok: true, residue: [] }); // a root-owned file, removed by the elevated cleanup
      expect(hang!.execution!.timedOut).to.equal(true);
      await new Promise((r) => setTimeout(r, 500));
      expect(rootProcesses(hang!.marker), 'the elevated sleep was killed').to.deep.equal([]);
      expect(hang!.execution!.cleanup).to.deep.include({ ok: true, residue: [] });
      expect(leftovers(runId.slice(-8))).to.deep.equal([]);

      // The EXECVE of the elevated command, read over SSH through sudo: uid 0, the login's auid.
      const backend = LocalBackend.fromExecution(run, { profile: loadProfile('stock') });
      const window = { start: write!.window.start - 1000, stop: hang!.window.stop + 1000 };
      let mine: { properties: Record<string, unknown>; payload: string }[] = [];
      for (let i = 0; i < 40 && mine.length === 0; i++) {
        const f = await backend.fetchEvents({ window, targets: [target] });
        expect(f.ok, JSON.stringify(f).slice(0, 500)).to.equal(true);
        if (f.ok) mine = f.events.filter((e) => e.payload.includes('type=EXECVE') && e.payload.includes(`${write!.marker}.uid`));
        if (!mine.length) await new Promise((r) => setTimeout(r, 250));
      }
      expect(mine.length, 'the elevated command line in the audit log').to.be.at.least(1);
      const loginUid = String(statSync(`/home/${target.user}`).uid);
      expect(mine.some((e) => / uid=0 /.test(e.payload) && new RegExp(` auid=${loginUid} `).test(e.payload)), mine.map((e) => e.payload).join('\n').slice(0, 1500)).to.equal(true);
    } finally {
      await closeExecutors(run);
    }
    expect(existsSync(`/tmp/${run.outcomes[0]!.marker}.uid`)).to.equal(false);
  });
});
