// The auditd preflight on this machine's real kernel and daemon: a stopped auditd, and the state a killed
// session or a restored VM leaves (the kernel still names a dead daemon, and every record is lost). Both
// must be reported as "not running", and `--setup-sensors` must start auditd so that records arrive.
// This is what a fresh CI machine looked like when the CI run found NO_TELEMETRY everywhere.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { LocalExecutor } from '../../harness/exec/local.js';
import { runPreflight, type Preflight, type SensorState } from '../../harness/run/preflight.js';
import { requireOrSkip } from '../helpers/env.js';
import { auditUnavailable, ensureAuditd, kernelAuditPid, logOffset, mayStopAuditd, STOP_AUDITD_WHY, stopAuditd, waitForLog } from '../helpers/auditd.js';
import { localTarget } from './helpers.js';

const auditdSensor = (p: Preflight): SensorState => p.sensors.find((s) => s.name === 'auditd')!;

describe('run: auditd preflight against the real daemon (stopped, stale, started by --setup-sensors)', function () {
  this.timeout(60_000);
  const exec = new LocalExecutor({ name: 'local', os: 'linux' });
  before(async function () {
    const why = auditUnavailable();
    requireOrSkip(this, why === null, why ?? '');
    requireOrSkip(this, mayStopAuditd, STOP_AUDITD_WHY);
    await exec.connect();
  });
  // Whatever a test did, the machine ends with a live auditd, as the other live tests expect.
  after(async () => {
    if (mayStopAuditd && auditUnavailable() === null) await ensureAuditd();
  });

  for (const how of ['clean', 'kill'] as const) {
    it(`auditd ${how === 'clean' ? 'stopped cleanly' : 'SIGKILLed (the kernel still names its pid)'}: reported down; --setup-sensors starts it and records arrive`, async () => {
      const key = `ath-pre-${randomBytes(3).toString('hex')}`;
      // The kernel drops a dead daemon's registration at the first record it fails to deliver (any
      // process's, on a shared machine): a round where that happened before the preflight read it proves
      // nothing about the stale state, so it is tried again (3 rounds at most).
      let proven = false;
      for (let round = 0; round < 3 && !proven; round++) {
        await ensureAuditd();
        const pid = await stopAuditd(how);
        expect(pid, 'an auditd was running to stop').to.be.greaterThan(0);
        if (how === 'kill' && kernelAuditPid() !== pid) continue;
        if (how === 'clean') expect(kernelAuditPid()).to.equal(0);
        const down = await runPreflight(exec, localTarget, { key });
        try {
          if (how === 'kill' && kernelAuditPid() !== pid) continue;
          const s = auditdSensor(down.preflight);
          expect(s.ok).to.equal(false);
          expect(s.detail).to.match(how === 'kill' ? new RegExp(`still names pid ${pid}, a daemon that ended without deregistering`) : /^auditd is not running: no auditd telemetry will arrive$/);
          expect(s.fix).to.match(/--setup-sensors/);
          expect(down.preflight.ok).to.equal(false);
          proven = true;
        } finally {
          await down.teardown();
        }
      }
      expect(proven, 'the kernel kept the dead daemon registered through the preflight in one of 3 rounds').to.equal(true);

      const up = await runPreflight(exec, localTarget, { key, setupSensors: true });
      try {
        const started = auditdSensor(up.preflight);
        expect(started.ok, started.detail).to.equal(true);
        // After a kill the kernel may have dropped the dead registration by now (a failed delivery).
        if (how === 'kill') expect(started.detail).to.match(/^auditd is running \(started by --setup-sensors( after a stale registration)?, left running\)$/);
        else expect(started.detail).to.equal('auditd is running (started by --setup-sensors, left running)');
        expect(up.preflight.sensors.find((x) => x.name === 'auditd-execve-rule')!.ok).to.equal(true);
        // Records really reach the log again: an execve under the temporary rule, found by its marker.
        const log = await ensureAuditd();
        const offset = logOffset(log);
        const marker = `ath-${randomBytes(4).toString('hex')}-9`;
        execFileSync('/bin/echo', [marker], { stdio: 'ignore' });
        expect(await waitForLog(log, offset, marker)).to.contain(marker);
      } finally {
        await up.teardown();
      }
      expect(execFileSync('auditctl', ['-l'], { encoding: 'utf8' })).to.not.contain(key);
    });
  }
});
