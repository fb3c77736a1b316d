// Windows process-tree kill at a timeout or abort, checked against a fake SSH server, not a real Windows:
// ssh2's Server in-process on 127.0.0.1 records every exec request. It plays the Windows side with the
// documented-rules models of test/exec/models: it reads the kill command the way cmd.exe / PowerShell 5.1
// and CommandLineToArgvW would, takes the match pattern out of the PowerShell script, and closes (as
// taskkill would) only the hung channels whose command line that pattern matches. It also refuses an 11th
// open session, as OpenSSH's MaxSessions 10 does.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { AddressInfo } from 'node:net';
import { SshExecutor } from '../../harness/exec/ssh.js';
import { windowsKillCommand } from '../../harness/exec/ssh-windows.js';
import type { Target } from '../../harness/model/config.js';
import { parseCmdLine } from './models/cmd-model.js';
import { splitWindowsArgv } from './models/argv-model.js';
import { readSingleQuoted, legacyNativeArg } from './models/powershell-model.js';

const { Server, utils } = ssh2;
const MARKER = 'ath-1a2b3c4d-3';
const HUNG = `certutil -addstore Root C:\\Windows\\Temp\\${MARKER}.cer`;
const PREFIX = 'powershell.exe -NoProfile -NonInteractive -Command';
const ENV = { PATH: 'C:\\Windows', PID: '999', m: 'M', _: 'U', COMSPEC: 'C:\\Windows\\system32\\cmd.exe' };

interface Fake {
  port: number;
  hostKey: string;
  /** Exec requests in arrival order, with the session (channel) number they came on. */
  execs: { session: number; command: string }[];
  /** Hung commands the emulated taskkill ended (their channel closed with exit 1). */
  killed: string[];
  close(): Promise<void>;
}

// The powershell.exe argument the Windows side would see for a kill command line.
function scriptOf(line: string, shell: 'cmd' | 'powershell'): string {
  if (shell === 'cmd') {
    const p = parseCmdLine(line, ENV, 'cmdline');
    if (p.expanded.length || p.operators.length) throw new Error(`cmd.exe would expand ${p.expanded} / see operators ${p.operators}`);
    const argv = splitWindowsArgv(p.text);
    if (argv.slice(0, 4).join(' ') !== PREFIX || argv.length !== 5) throw new Error(`unexpected argv ${JSON.stringify(argv)}`);
    return argv[4];
  }
  const q = readSingleQuoted(line, PREFIX.length + 1);
  if (!line.startsWith(PREFIX + ' ') || q.end !== line.length) throw new Error('not prefix + one single-quoted argument');
  const argv = splitWindowsArgv(`powershell.exe -NoProfile -NonInteractive -Command ${legacyNativeArg(q.value)}`);
  return argv[4];
}

// The regex the script's `$m = '...'+'...';` evaluates to (.NET and JS agree on this subset; -match ignores case).
function patternOf(script: string): RegExp {
  const at = script.indexOf('$m = ') + 5;
  const a = readSingleQuoted(script, at);
  if (script[a.end] !== '+') throw new Error('expected a concatenation');
  const b = readSingleQuoted(script, a.end + 1);
  return new RegExp(a.value + b.value, 'i');
}

// ssh2's ed25519 generator strips a leading zero byte of the public key, so about 1 key in 256 cannot be
// parsed back (mscdex/ssh2 #1390, #1513; it failed a CI run): keep only a key pair ssh2 itself can read.
function hostKeyPair(): { private: string; public: string } {
  for (;;) {
    const key = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(key.private) instanceof Error) && !(utils.parseKey(key.public) instanceof Error)) return key;
  }
}

async function fakeServer(shell: 'cmd' | 'powershell', maxSessions = 10): Promise<Fake> {
  const key = hostKeyPair();
  const blob = Buffer.from(key.public.split(' ')[1], 'base64');
  const execs: Fake['execs'] = [];
  const killed: string[] = [];
  const hung = new Map<string, { command: string; stream: ssh2.ServerChannel }>();
  let sessions = 0;
  let openSessions = 0;
  const srv = new Server({ hostKeys: [key.private] }, (client) => {
    client.on('authentication', (ctx) => ctx.accept());
    client.on('error', () => undefined);
    client.on('ready', () => {
      client.on('session', (accept, reject) => {
        if (openSessions >= maxSessions) return reject();
        openSessions++;
        const n = ++sessions;
        const session = accept();
        session.once('close', () => openSessions--);
        session.once('exec', (acc, _rej, info) => {
          execs.push({ session: n, command: info.command });
          const stream = acc();
          if (!info.command.startsWith(PREFIX)) {
            const id = `${n}`;
            hung.set(id, { command: info.command, stream });
            stream.once('close', () => hung.delete(id));
            return;
          }
          // taskkill /T /F on every process whose CommandLine the pattern matches: their channels end.
          const re = patternOf(scriptOf(info.command, shell));
          for (const h of [...hung.values()]) {
            const cmdLine = shell === 'cmd' ? `"C:\\Windows\\system32\\cmd.exe" /c ${h.command}` : `"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -c "${h.command}"`;
            if (re.test(cmdLine)) {
              killed.push(h.command);
              h.stream.exit(1);
              h.stream.end();
            }
          }
          stream.exit(0);
          stream.end();
        });
      });
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    port: (srv.address() as AddressInfo).port,
    hostKey: 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, ''),
    execs,
    killed,
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}

function windowsTarget(f: Fake, shell: 'cmd' | 'powershell'): Target {
  return { name: 'win-fake', os: 'windows', transport: 'ssh', address: '127.0.0.1', port: f.port, user: 'lab', auth: { passwordEnv: 'ATH_FAKE_PW' }, hostKey: f.hostKey, shell, sudo: false };
}

for (const shell of ['cmd', 'powershell'] as const) {
  describe(`Windows kill on timeout/abort, default shell ${shell} (checked against a fake SSH server, not a real Windows)`, function () {
    this.timeout(20_000);
    let f: Fake;
    let ex: SshExecutor;
    beforeEach(async () => {
      f = await fakeServer(shell);
      ex = new SshExecutor(windowsTarget(f, shell), { env: { ATH_FAKE_PW: 'x' } });
      await ex.connect();
    });
    afterEach(async () => {
      await ex.close();
      await f.close();
    });

    it('a timeout sends the taskkill one-liner on a second channel, the marker quoted for the shell and split in two', async () => {
      const r = await ex.exec(HUNG, { timeoutMs: 300, killMatch: MARKER });
      expect([r.timedOut, r.aborted, r.exitCode, r.failed]).to.deep.equal([true, false, null, true]);
      expect(f.execs.map((e) => e.session)).to.deep.equal([1, 2]);
      expect(f.execs[0].command).to.equal(HUNG); // the atomic's command line is not wrapped or tagged
      const kill = f.execs[1].command;
      const script = "$m = '(?<![a-z0-9])a'+'th-1a2b3c4d-3(?![a-z0-9])'; Get-CimInstance Win32_Process | Where-Object { $_.CommandLine -match $m -and $_.ProcessId -ne $PID } | ForEach-Object { taskkill.exe /T /F /PID $_.ProcessId }";
      expect(kill).to.equal(shell === 'cmd' ? `${PREFIX} "${script}"` : `${PREFIX} '${script.replace(/'/g, "''")}'`);
      expect(scriptOf(kill, shell)).to.equal(script);
      expect(kill).to.not.include(MARKER); // the kill itself neither matches nor carries the marker into telemetry
      expect(f.killed).to.deep.equal([HUNG]);
      expect(r.durationMs).to.be.lessThan(4000); // ended by the kill, not by the 5 s backstop
    });

    it('the pattern takes the marker as a whole token: ath-...-3 kills its tree, not ath-...-31, nor the kill itself', async () => {
      const other = ex.exec(HUNG.replace(MARKER, `${MARKER}1`), { timeoutMs: 2000, killMatch: `${MARKER}1` });
      await new Promise((r) => setTimeout(r, 100));
      const r = await ex.exec(HUNG, { timeoutMs: 300, killMatch: MARKER });
      expect(r.timedOut).to.equal(true);
      expect(f.killed).to.deep.equal([HUNG]);
      const re = patternOf(scriptOf(f.execs[2].command, shell));
      expect(re.test(`"C:\\Windows\\system32\\cmd.exe" /c ${f.execs[2].command}`)).to.equal(false);
      expect(re.test(`certutil.exe -addstore Root C:\\T\\${MARKER.toUpperCase()}.cer`)).to.equal(true);
      expect((await other).timedOut).to.equal(true);
      expect(f.killed).to.deep.equal([HUNG, HUNG.replace(MARKER, `${MARKER}1`)]);
    });

    it('an abort sends the same kill', async () => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 200);
      const r = await ex.exec(HUNG, { signal: ac.signal, killMatch: MARKER });
      expect([r.aborted, r.timedOut, r.exitCode]).to.deep.equal([true, false, null]);
      expect(f.execs.map((e) => e.command)).to.deep.equal([HUNG, windowsKillCommand(MARKER, shell)]);
    });
  });
}

describe('Windows kill: refusals and reserved kill channels (checked against a fake SSH server, not a real Windows)', function () {
  this.timeout(20_000);
  let f: Fake;
  let ex: SshExecutor;
  beforeEach(async () => {
    f = await fakeServer('cmd');
    ex = new SshExecutor(windowsTarget(f, 'cmd'), { env: { ATH_FAKE_PW: 'x' } });
    await ex.connect();
  });
  afterEach(async () => {
    await ex.close();
    await f.close();
  });

  it('without killMatch a timeout only closes the channel (no kill request)', async () => {
    const r = await ex.exec(HUNG, { timeoutMs: 300 });
    expect(r.timedOut).to.equal(true);
    expect(f.execs.map((e) => e.command)).to.deep.equal([HUNG]);
  });

  it('refuses a killMatch outside [a-z0-9-] before anything runs (HARNESS_EXEC_KILL_MATCH)', async () => {
    for (const bad of ["ath-1'; calc", 'ATH-1', 'a', 'ath 1', 'ath-1"&x', 'a*b', '']) {
      const e = await ex.exec(HUNG, { timeoutMs: 300, killMatch: bad }).then(() => ({ code: 'none' }), (x: unknown) => x as { code: string });
      expect(e.code, bad).to.equal('HARNESS_EXEC_KILL_MATCH');
    }
    expect(f.execs).to.deep.equal([]);
  });

  it('8 hung commands timing out together on a MaxSessions-10 server: all 8 kills get a channel', async () => {
    const markers = Array.from({ length: 8 }, (_, i) => `ath-1a2b3c4d-${i + 1}`);
    const rs = await Promise.all(markers.map((m) => ex.exec(`ping -n 600 127.0.0.1 ${m}`, { timeoutMs: 500, killMatch: m })));
    expect(rs.every((r) => r.timedOut)).to.equal(true);
    const kills = f.execs.filter((e) => e.command.startsWith(PREFIX)).map((e) => e.command);
    expect(kills.sort()).to.deep.equal(markers.map((m) => windowsKillCommand(m, 'cmd')).sort());
    expect(f.killed.sort()).to.deep.equal(markers.map((m) => `ping -n 600 127.0.0.1 ${m}`).sort());
  });
});
