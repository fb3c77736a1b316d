// The network-namespace lab on this machine (root): up is idempotent and repairs, resizes, pins host
// keys that loadTargets accepts, makes auditd record each host's execve under its own uid, and down
// removes exactly what up made (namespaces, veths, bridge, sshds, users, audit rules, files).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { pidAlive } from '../../harness/lab/run.js';
import { randomBytes } from 'node:crypto';
import { claimInstance, labUnavailable } from '../helpers/lab.js';
import { requireOrSkip } from '../helpers/env.js';
import { runCli } from '../helpers/cli.js';
import { labUp, labDown, labStatus, type LabState } from '../../harness/lab/index.js';
import { loadTargets } from '../../harness/config/index.js';
import { createExecutor } from '../../harness/exec/index.js';

const sh = (file: string, args: string[]): string => {
  try {
    // ausearch output over a busy audit log is large: a small maxBuffer would truncate it silently.
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 });
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '');
  }
};
const netns = (): string[] => sh('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
const linkExists = (n: string): boolean => sh('ip', ['link', 'show', n]).includes(n);
const userExists = (u: string): boolean => sh('getent', ['passwd', u]).startsWith(`${u}:`);
const rules = (key: string): string[] => sh('auditctl', ['-l']).split('\n').filter((l) => l.includes(`key=${key}`) || l.endsWith(`-k ${key}`));
const uidOf = (u: string): string => sh('id', ['-u', u]).trim();

// By uid, not by key: the kernel tags a record with the first matching rule's key, which may be
// another lab's (or the system's) execve rule.
async function auditHas(uid: string, needle: string): Promise<boolean> {
  // auditd writes asynchronously and the machine may be busy: allow it 20 s.
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (sh('ausearch', ['-ts', 'recent', '-ui', uid, '--raw']).includes(needle)) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

describe('lab up/down/status (root, real namespaces, sshd and auditd)', function () {
  this.timeout(180_000);
  let instance = -1;
  let dir = '';
  let first: LabState;

  before(function () {
    const why = labUnavailable();
    requireOrSkip(this, why === undefined, why ?? '');
    ({ instance, dir } = claimInstance());
  });
  after(async () => {
    if (instance < 0) return;
    await labDown({ instance, dir });
    rmSync(dir, { recursive: true, force: true });
  });

  it('status before up: no lab', async () => {
    expect(await labStatus({ instance, dir })).to.equal(null);
    const r = await runCli(['lab', 'status', '--instance', String(instance), '--dir', dir]);
    expect([r.exitCode, r.stdout]).to.deep.equal([0, 'no lab is up']);
  });

  it('up --hosts 2: namespaces on the private bridge, sshd each, pinned targets.lab.yaml that loadTargets accepts', async () => {
    first = await labUp({ hosts: 2, instance, dir });
    expect(first.hosts.map((h) => [h.name, h.address, h.sshdAlive, h.netnsUp])).to.deep.equal([
      [`ath-lab${instance}-1`, `10.213.${instance}.11`, true, true],
      [`ath-lab${instance}-2`, `10.213.${instance}.12`, true, true],
    ]);
    expect(netns()).to.include.members(first.hosts.map((h) => h.netns));
    expect(sh('ip', ['-4', 'addr', 'show', 'dev', first.bridge])).to.include(`10.213.${instance}.1/24`);
    expect(rules(first.auditKey).length).to.be.at.least(2);
    // A 64-entry backlog overflows under machine-wide execve auditing and loses records.
    expect(Number(/^backlog_limit (\d+)/m.exec(sh('auditctl', ['-s']))?.[1])).to.be.at.least(8192);
    const targets = loadTargets(first.targetsFile);
    expect(targets.map((t) => [t.name, t.user, t.hostKey, t.port, t.os])).to.deep.equal(first.hosts.map((h) => [h.name, h.user, h.hostKey, 22, 'linux']));
    for (const t of targets) {
      const ex = createExecutor(t);
      await ex.connect();
      expect((await ex.exec('id -un')).stdout.trim()).to.equal(t.user);
      await ex.close();
    }
  });

  it('up again is idempotent: same host keys, same sshd processes', async () => {
    const again = await labUp({ hosts: 2, instance, dir });
    expect(again.hosts.map((h) => [h.hostKey, h.sshdPid])).to.deep.equal(first.hosts.map((h) => [h.hostKey, h.sshdPid]));
  });

  it('up repairs a dead sshd (same pinned key) and status reports it', async () => {
    process.kill(first.hosts[0].sshdPid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const down = await runCli(['lab', 'status', '--instance', String(instance), '--dir', dir]);
    expect(down.exitCode).to.equal(1);
    expect(down.stdout).to.match(/sshd DOWN/);
    const fixed = await labUp({ hosts: 2, instance, dir });
    expect(fixed.hosts[0].sshdAlive).to.equal(true);
    expect(fixed.hosts[0].hostKey).to.equal(first.hosts[0].hostKey);
    const st = await runCli(['lab', 'status', '--instance', String(instance), '--dir', dir]);
    expect(st.exitCode).to.equal(0);
    expect(st.stdout).to.include(`${fixed.hosts[0].address}`).and.include('sshd up (pid');
  });

  it('auditd records each host\'s execve under that host\'s own uid, and writes under /tmp', async () => {
    const st = (await labStatus({ instance, dir }))!;
    const targets = loadTargets(st.targetsFile);
    const marker = `athlabaudit${randomBytes(4).toString('hex')}`;
    for (const t of targets) {
      const ex = createExecutor(t);
      await ex.connect();
      const r = await ex.exec(`/bin/echo ${marker}${t.user}; touch /tmp/${marker}-${t.user}; rm -f /tmp/${marker}-${t.user}`);
      expect([r.exitCode, r.stdout]).to.deep.equal([0, `${marker}${t.user}\n`]);
      await ex.close();
    }
    const [u1, u2] = targets.map((t) => t.user!);
    const why = (): string => `audit rules:\n${sh('auditctl', ['-l'])}\nstatus:\n${sh('auditctl', ['-s'])}`;
    expect(await auditHas(uidOf(u1), `${marker}${u1}`), why()).to.equal(true);
    expect(await auditHas(uidOf(u2), `${marker}${u2}`)).to.equal(true);
    expect(sh('ausearch', ['-ts', 'recent', '-ui', uidOf(u2), '--raw'])).to.not.include(`${marker}${u1}`);
    expect(await auditHas(uidOf(u1), `/tmp/${marker}-${u1}`)).to.equal(true);
  });

  it('up --hosts 3 grows, --hosts 2 shrinks (host 3 removed completely)', async () => {
    const grown = await labUp({ hosts: 3, instance, dir });
    expect(grown.hosts).to.have.length(3);
    expect(loadTargets(grown.targetsFile)).to.have.length(3);
    const h3 = grown.hosts[2];
    const shrunk = await labUp({ hosts: 2, instance, dir });
    expect(shrunk.hosts.map((h) => h.name)).to.deep.equal(first.hosts.map((h) => h.name));
    expect(netns()).to.not.include(h3.netns);
    expect(userExists(h3.user)).to.equal(false);
    expect(loadTargets(shrunk.targetsFile)).to.have.length(2);
  });

  it('down removes exactly what up made; down again is a no-op', async () => {
    const st = (await labStatus({ instance, dir }))!;
    const pids = st.hosts.map((h) => h.sshdPid!);
    const r = await runCli(['lab', 'down', '--instance', String(instance), '--dir', dir]);
    expect([r.exitCode, r.stdout]).to.deep.equal([0, 'lab down']);
    for (const h of st.hosts) {
      expect(netns()).to.not.include(h.netns);
      expect(userExists(h.user), h.user).to.equal(false);
    }
    expect(linkExists(st.bridge)).to.equal(false);
    expect(rules(st.auditKey)).to.deep.equal([]);
    for (const pid of pids) expect(pidAlive(pid), `sshd ${pid}`).to.equal(false); // a zombie (unreaped by PID 1 here) is not alive
    expect(readdirSync(dir)).to.deep.equal([]); // the claimed directory itself is the test's
    await labDown({ instance, dir });
    expect(await labStatus({ instance, dir })).to.equal(null);
  });

  it('refuses a bad host count with a HarnessError (exit 2 from the CLI)', async () => {
    const r = await runCli(['lab', 'up', '--hosts', 'zero', '--instance', String(instance), '--dir', dir]);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.include('HARNESS_LAB_HOSTS');
    expect(r.stderr).to.not.match(/\n\s+at /);
  });
});
