// `harness lab up --sudo` (root, real sudo and visudo): the lab users get passwordless sudo through one
// sudoers drop-in that visudo accepts, the targets say `sudo: true`, `sudo -n` works over a real SSH login,
// a resize keeps it (the new user included), and `down` removes the drop-in.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { claimInstance, labUnavailable } from '../helpers/lab.js';
import { hasCommand, requireOrSkip } from '../helpers/env.js';
import { runCli } from '../helpers/cli.js';
import { labDown, labStatus } from '../../harness/lab/index.js';
import { sudoersPath } from '../../harness/lab/sudo.js';
import { loadTargets } from '../../harness/config/index.js';
import { createExecutor } from '../../harness/exec/index.js';

describe('lab up --sudo (root, real sudo, visudo and sshd)', function () {
  this.timeout(180_000);
  let instance = -1;
  let dir = '';

  before(function () {
    const why = labUnavailable();
    requireOrSkip(this, why === undefined, why ?? '');
    requireOrSkip(this, hasCommand('sudo') && hasCommand('visudo'), 'sudo is not installed (Debian package sudo)');
    ({ instance, dir } = claimInstance());
  });
  after(async () => {
    if (instance < 0) return;
    await labDown({ instance, dir });
    rmSync(dir, { recursive: true, force: true });
  });

  it('up --hosts 2 --sudo: a drop-in visudo accepts, targets with sudo: true, `sudo -n` as root over SSH', async () => {
    const r = await runCli(['lab', 'up', '--hosts', '2', '--sudo', '--instance', String(instance), '--dir', dir]);
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('users with sudo');
    const path = sudoersPath(instance);
    expect((statSync(path).mode & 0o777).toString(8)).to.equal('440');
    execFileSync('visudo', ['-c'], { stdio: 'ignore' }); // the whole sudoers configuration still parses
    const st = (await labStatus({ instance, dir }))!;
    expect(st.sudo).to.equal(true);
    expect(readFileSync(path, 'utf8').trim().split('\n').slice(1)).to.deep.equal(st.hosts.map((h) => `${h.user} ALL=(root) NOPASSWD: ALL`));
    const targets = loadTargets(st.targetsFile);
    expect(targets.map((t) => t.sudo)).to.deep.equal([true, true]);
    const ex = createExecutor(targets[1]!);
    await ex.connect();
    try {
      expect((await ex.exec('id -un')).stdout.trim()).to.equal(st.hosts[1]!.user);
      expect((await ex.exec('sudo -n id -u')).stdout.trim()).to.equal('0');
      expect((await ex.exec('sudo -n auditctl -s')).stdout).to.match(/^enabled [12]/m);
    } finally {
      await ex.close();
    }
  });

  it('up --hosts 3 without --sudo keeps sudo, for the new user too', async () => {
    const r = await runCli(['lab', 'up', '--hosts', '3', '--instance', String(instance), '--dir', dir]);
    expect(r.exitCode, r.stderr).to.equal(0);
    const st = (await labStatus({ instance, dir }))!;
    expect(readFileSync(sudoersPath(instance), 'utf8')).to.contain(`${st.hosts[2]!.user} ALL=(root) NOPASSWD: ALL`);
    expect(loadTargets(st.targetsFile).map((t) => t.sudo)).to.deep.equal([true, true, true]);
  });

  it('down removes the drop-in (and nothing sudo reads is left behind)', async () => {
    const r = await runCli(['lab', 'down', '--instance', String(instance), '--dir', dir]);
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(existsSync(sudoersPath(instance))).to.equal(false);
    expect(existsSync(`${sudoersPath(instance)}.new`)).to.equal(false);
    execFileSync('visudo', ['-c'], { stdio: 'ignore' });
  });
});
