// The SSH executor against real OpenSSH sshd in a lab namespace: pinned host keys (refusals show both
// fingerprints), exec results, a hung command killed with its remote process tree, SFTP, the reverse
// forward, one connection with many channels, a dropped connection.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLab } from '../helpers/lab.js';
import { runCli } from '../helpers/cli.js';
import { createExecutor, fingerprintOf } from '../../harness/exec/index.js';
import { SshExecutor } from '../../harness/exec/ssh.js';
import type { Executor } from '../../harness/exec/types.js';
import type { Target } from '../../harness/model/config.js';
import { waitForPort } from '../../harness/lab/sshd.js';

async function refused(t: Target): Promise<{ code: string; message: string; fix?: string; phase?: string }> {
  try {
    await createExecutor(t).connect();
  } catch (e) {
    return e as { code: string; message: string; fix?: string };
  }
  throw new Error('connected although it should have been refused');
}

// Live (non-zombie) processes whose command line holds `marker`.
function liveWith(marker: string): string[] {
  return execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(marker) && !/^\s*Z/.test(l));
}

// Live (non-zombie) processes pgrep -f finds with `marker` in their command line.
function pgrepLive(marker: string): string[] {
  let out = '';
  try {
    out = execFileSync('pgrep', ['-f', '-a', marker], { encoding: 'utf8' });
  } catch {
    return []; // exit 1: none
  }
  return out.split('\n').filter(Boolean).filter((l) => {
    try {
      return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${l.split(' ')[0]}/stat`, 'utf8'));
    } catch {
      return false; // gone meanwhile
    }
  });
}

describe('SSH executor against a real sshd (lab namespace)', function () {
  this.timeout(120_000);
  const lab = useLab(1);
  let t: Target;
  let ex: Executor;
  const work = mkdtempSync(join(tmpdir(), 'ath-ssh-test-'));

  before(async () => {
    t = lab.targets[0];
    ex = createExecutor(t);
    await ex.connect();
  });
  after(async () => {
    await ex?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('connects with the host key pinned in targets.lab.yaml, which equals ssh-keygen -lf of the host key', async () => {
    expect(ex.isConnected()).to.equal(true);
    const pub = join(lab.state.dir, 'host1', 'ssh_host_ed25519_key.pub');
    const keygen = execFileSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' }).split(' ')[1];
    expect(t.hostKey).to.equal(keygen);
    expect(fingerprintOf(Buffer.from(readFileSync(pub, 'utf8').split(' ')[1], 'base64'))).to.equal(keygen);
  });

  it('refuses a wrong pinned host key, naming both fingerprints and `harness targets trust NAME`', async () => {
    const wrong = 'SHA256:' + createHash('sha256').update('not the key').digest('base64').replace(/=+$/, '');
    const e = await refused({ ...t, hostKey: wrong });
    expect(e.code).to.equal('HARNESS_EXEC_HOSTKEY_MISMATCH');
    expect(e.phase).to.equal('hostkey');
    expect(e.message).to.include(t.hostKey!).and.include(wrong);
    expect(e.fix).to.include(`harness targets trust ${t.name}`);
  });

  it('refuses an unknown host key (nothing pinned)', async () => {
    const e = await refused({ ...t, hostKey: undefined });
    expect(e.code).to.equal('HARNESS_EXEC_HOSTKEY_UNKNOWN');
    expect(e.message).to.include(t.hostKey!);
  });

  it('`harness targets trust NAME --known-hosts F` pins through a known_hosts file (also hashed with ssh-keygen -H)', async () => {
    const kh = join(work, 'known_hosts');
    const r = await runCli(['targets', 'trust', t.name, '--targets', lab.state.targetsFile, '--known-hosts', kh]);
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.stdout).to.include(t.hostKey!).and.include('(matches)');
    const viaFile = createExecutor({ ...t, hostKey: undefined, knownHostsFile: kh });
    await viaFile.connect();
    await viaFile.close();
    execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
    expect(readFileSync(kh, 'utf8')).to.match(/^\|1\|/);
    const hashed = createExecutor({ ...t, hostKey: undefined }, { knownHostsFile: kh });
    await hashed.connect();
    await hashed.close();
  });

  it('`harness targets trust NAME` reports a mismatch (exit 1); --write pins the offered key, keeping the file\'s comments', async () => {
    const file = join(work, 'targets.yaml');
    const text = readFileSync(lab.state.targetsFile, 'utf8').replace(t.hostKey!, 'SHA256:' + 'A'.repeat(43));
    writeFileSync(file, `# my targets\n${text}`);
    const look = await runCli(['targets', 'trust', t.name, '--targets', file]);
    expect(look.exitCode).to.equal(1);
    expect(look.stdout).to.include(t.hostKey!).and.include('(differs)');
    expect(readFileSync(file, 'utf8')).to.not.include(t.hostKey!);
    const pin = await runCli(['targets', 'trust', t.name, '--targets', file, '--write']);
    expect(pin.exitCode, pin.stderr).to.equal(0);
    expect(readFileSync(file, 'utf8')).to.include(`hostKey: ${t.hostKey}`).and.match(/^# my targets/);
    const missing = await runCli(['targets', 'trust', 'no-such-host', '--targets', file]);
    expect(missing.exitCode).to.equal(2);
    expect(missing.stderr).to.include('HARNESS_EXEC_UNKNOWN_TARGET');
  });

  it('exec: exit code, stdout, stderr, stdin and env are results, not exceptions', async () => {
    const r = await ex.exec('echo out; echo err >&2; exit 7');
    expect([r.exitCode, r.stdout, r.stderr, r.failed, r.timedOut]).to.deep.equal([7, 'out\n', 'err\n', true, false]);
    const ok = await ex.exec('cat; printf "%s" "$ATH_X"', { stdin: 'in;put\n', env: { ATH_X: "it's $(x)" } });
    expect([ok.exitCode, ok.stdout, ok.failed]).to.deep.equal([0, "in;put\nit's $(x)", false]);
    const big = await ex.exec('head -c 100000 /dev/zero', { maxOutputBytes: 1000 });
    expect([big.stdout.length, big.truncated]).to.deep.equal([1000, true]);
  });

  it('kills a hung command at its timeout, remote child processes included', async () => {
    const marker = `ath-hung-${randomBytes(4).toString('hex')}`;
    const r = await ex.exec(`bash -c 'exec -a ${marker}-child sleep 600 & exec -a ${marker}-main sleep 601'`, { timeoutMs: 1500 });
    expect(r.timedOut).to.equal(true);
    expect(r.exitCode).to.equal(null);
    expect(r.failed).to.equal(true);
    expect(r.durationMs).to.be.lessThan(10_000);
    for (let i = 0; i < 40 && liveWith(marker).length > 0; i++) await new Promise((res) => setTimeout(res, 100));
    expect(liveWith(marker)).to.deep.equal([]);
    expect(ex.isConnected()).to.equal(true);
  });

  it('an abort signal kills the remote tree the same way', async () => {
    const marker = `ath-abort-${randomBytes(4).toString('hex')}`;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 500);
    const r = await ex.exec(`bash -c 'exec -a ${marker} sleep 600'`, { signal: ac.signal });
    expect([r.aborted, r.timedOut, r.exitCode]).to.deep.equal([true, false, null]);
    for (let i = 0; i < 40 && liveWith(marker).length > 0; i++) await new Promise((res) => setTimeout(res, 100));
    expect(liveWith(marker)).to.deep.equal([]);
  });

  it('a signal aborted before the command starts still kills it remotely', async () => {
    const marker = `ath-early-${randomBytes(4).toString('hex')}`;
    const r = await ex.exec(`bash -c 'exec -a ${marker} sleep 600'`, { signal: AbortSignal.abort() });
    expect(r.aborted).to.equal(true);
    for (let i = 0; i < 40 && liveWith(marker).length > 0; i++) await new Promise((res) => setTimeout(res, 100));
    expect(liveWith(marker)).to.deep.equal([]);
  });

  it('8 hung commands timing out together, with an SFTP channel open, on an sshd with MaxSessions 10: every tree is killed (reserved kill channels)', async () => {
    // A second sshd in the same namespace, as the lab's but with OpenSSH's default MaxSessions 10, so
    // 8 commands + SFTP + 1 kill fill it: a kill must use the reserved slots and retry a refused channel.
    const h = lab.state.hosts[0];
    const conf = join(work, 'sshd_config_max10');
    const pidFile = join(work, 'sshd_max10.pid');
    const text = readFileSync(join(lab.state.dir, 'host1', 'sshd_config'), 'utf8')
      .replace(/^ListenAddress (.*):22$/m, 'ListenAddress $1:2222').replace(/^PidFile .*$/m, `PidFile ${pidFile}`).replace(/^MaxSessions .*$/m, 'MaxSessions 10');
    writeFileSync(conf, text);
    execFileSync('ip', ['netns', 'exec', h.netns, existsSync('/usr/sbin/sshd') ? '/usr/sbin/sshd' : '/sbin/sshd', '-f', conf, '-E', join(work, 'sshd_max10.log')]);
    const own = new SshExecutor({ ...t, port: 2222 });
    const marker = `ath-eight-${randomBytes(4).toString('hex')}`;
    try {
      await waitForPort(t.address!, 2222, 10_000);
      await own.connect();
      writeFileSync(join(work, 'small.txt'), 'x');
      await own.upload(join(work, 'small.txt'), `/tmp/${marker}.txt`); // keeps the SFTP channel open
      const rs = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        own.exec(`bash -c 'exec -a ${marker}-${i}-child sleep 600 & exec -a ${marker}-${i} sleep 601'`, { timeoutMs: 1500 })));
      expect(rs.map((r) => r.timedOut)).to.deep.equal(Array(8).fill(true));
      expect(rs.every((r) => r.durationMs < 10_000)).to.equal(true);
      for (let i = 0; i < 50 && pgrepLive(marker).length > 0; i++) await new Promise((res) => setTimeout(res, 100));
      expect(pgrepLive(marker)).to.deep.equal([]);
      expect((await own.exec(`rm -f /tmp/${marker}.txt; echo ok`)).stdout).to.equal('ok\n');
    } finally {
      await own.close();
      rmSync(`/tmp/${marker}.txt`, { force: true }); // lab hosts share this filesystem: also when an assertion failed
      if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
    }
  });

  it('SFTP upload and download round-trip byte for byte', async () => {
    const data = randomBytes(1_500_000);
    const src = join(work, 'up.bin');
    const back = join(work, 'down.bin');
    writeFileSync(src, data);
    const remote = `/tmp/ath-sftp-${randomBytes(4).toString('hex')}.bin`;
    await ex.upload(src, remote);
    const sum = await ex.exec(`sha256sum ${remote}`);
    expect(sum.stdout.split(' ')[0]).to.equal(createHash('sha256').update(data).digest('hex'));
    await ex.download(remote, back);
    expect(readFileSync(back).equals(data)).to.equal(true);
    await ex.exec(`rm -f ${remote}`);
    const e = await ex.download('/nonexistent/x', back).then(() => ({ code: 'none' }), (x: unknown) => x as { code: string });
    expect(e.code).to.equal('HARNESS_EXEC_TRANSFER');
  });

  it("reverse forward: the target's 127.0.0.1:8080 reaches an HTTP server of the harness", async () => {
    const body = `cert-${randomBytes(4).toString('hex')}`;
    const srv = createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    const fw = await ex.forwardRemotePort(8080, '127.0.0.1', port);
    try {
      const r = await ex.exec(`bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080; printf "GET /x HTTP/1.0\\r\\n\\r\\n" >&3; cat <&3'`, { timeoutMs: 10_000 });
      expect(r.exitCode, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^HTTP\/1\.1 200 OK/).and.include(body);
    } finally {
      await fw.close();
      srv.close();
    }
    const after = await ex.exec(`bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080' 2>/dev/null`);
    expect(after.exitCode).to.not.equal(0);
  });

  it('one connection per target: 30 concurrent commands share it as channels', async () => {
    const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => ex.exec(`echo ${i}`)));
    expect(rs.map((r) => r.stdout)).to.deep.equal(Array.from({ length: 30 }, (_, i) => `${i}\n`));
    const ss = execFileSync('ip', ['netns', 'exec', lab.state.hosts[0].netns, 'ss', '-Htn', 'state', 'established', '( sport = :22 )'], { encoding: 'utf8' });
    expect(ss.trim().split('\n').filter(Boolean)).to.have.length(1);
  });

  it('a dropped connection fails the running command with HARNESS_EXEC_CONNECTION_LOST; connect() reconnects', async () => {
    const own = new SshExecutor(t);
    await own.connect();
    const running = own.exec('sleep 30').catch((e: unknown) => e as { code: string });
    await new Promise((r) => setTimeout(r, 500));
    // Kill the per-connection sshd processes (not the listener) inside the namespace.
    const listener = lab.state.hosts[0].sshdPid;
    const pids = execFileSync('ip', ['netns', 'pids', lab.state.hosts[0].netns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    for (const pid of pids) {
      let comm = '';
      try {
        comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        continue; // exited meanwhile
      }
      if (pid !== listener && comm === 'sshd') process.kill(pid, 'SIGKILL');
    }
    const e = (await running) as { code: string };
    expect(e.code).to.equal('HARNESS_EXEC_CONNECTION_LOST');
    expect(own.isConnected()).to.equal(false);
    await own.connect();
    expect((await own.exec('echo back')).stdout).to.equal('back\n');
    await own.close();
    await ex.close();
    await ex.connect();
  });

  it('authentication and connection failures are HarnessErrors with a fix, and never show a secret', async () => {
    const otherKey = join(work, 'other_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    expect((await refused({ ...t, auth: { privateKeyPath: otherKey } })).code).to.equal('HARNESS_EXEC_AUTH');
    expect((await refused({ ...t, auth: { passwordEnv: 'ATH_TEST_UNSET_PASSWORD' } })).code).to.equal('HARNESS_EXEC_SECRET_MISSING');
    process.env.ATH_TEST_PASSWORD = 's3cr3t-Do-Not-Print';
    try {
      const e = await refused({ ...t, auth: { passwordEnv: 'ATH_TEST_PASSWORD' } });
      expect(e.code).to.equal('HARNESS_EXEC_AUTH');
      expect(JSON.stringify({ m: e.message, f: e.fix })).to.not.include('s3cr3t');
    } finally {
      delete process.env.ATH_TEST_PASSWORD;
    }
    expect((await refused({ ...t, port: 2 })).code).to.equal('HARNESS_EXEC_CONNECT');
  });
});
