// The SSH executor (ssh2): one connection per target, one channel per command on it, keep-alive,
// pinned host key. On Linux each command runs in its own process group (sshd's session); the group id
// comes back first on stderr (a marker line that is stripped), so a timeout or abort kills the whole remote
// tree through a second channel: TERM, then KILL. On Windows the tree is found by the execution's marker on
// its command lines (ExecOptions.killMatch) and killed with taskkill /T /F (ssh-windows.ts). Kill channels
// have their own reserved slots, so a kill never waits behind the very commands it has to end.
import { Client, type ClientChannel, type SFTPWrapper } from 'ssh2';
import { Semaphore } from './semaphore.js';
import { connect as netConnect } from 'node:net';
import type { Target } from '../model/config.js';
import type { ExecOptions, ExecResult, Executor, PortForward } from './types.js';
import { HarnessError } from '../errors.js';
import { BoundedBuffer, DEFAULT_MAX_OUTPUT, buildResult } from './output.js';
import { fingerprintOf } from './hostkey.js';
import { connectConfig, connectError, hostKeyError, pinnedFingerprints, type SshOptions } from './ssh-config.js';
import { PgidMarkerFilter, linuxWrap, killGroupCommand, withEnv } from './ssh-linux.js';
import { checkKillMatch, windowsCommand, windowsKillCommand } from './ssh-windows.js';

const CLOSE_GRACE_MS = 5000;
/** Channels kept for kills on top of maxChannels: 8 + 2 = OpenSSH's default MaxSessions (10). */
export const KILL_CHANNELS = 2;
const KILL_RETRIES = 20;
const KILL_RETRY_MS = 250;
/** A kill command still running after this is left behind (Windows PowerShell + CIM can take seconds). */
const KILL_TIMEOUT_MS = 30_000;

export class SshExecutor implements Executor {
  readonly target: string;
  readonly os: 'windows' | 'linux';
  private client?: Client;
  private ready = false;
  private sftpP?: Promise<SFTPWrapper>;
  private forwards = new Map<string, { host: string; port: number }>();
  // Channels open at once: sshd's MaxSessions (default 10) bounds them per connection; extra commands queue.
  // Kills use their own slots so that maxChannels hung commands can still all be killed.
  private readonly channels: Semaphore;
  private readonly killChannels = new Semaphore(KILL_CHANNELS);

  constructor(private readonly t: Target, private readonly opts: SshOptions = {}) {
    this.target = t.name;
    this.os = t.os;
    this.channels = new Semaphore(opts.maxChannels ?? 8);
  }

  // Opens (or re-opens after a drop) the connection; refuses an unpinned or mismatched host key.
  async connect(): Promise<void> {
    if (this.ready) return;
    const cfg = connectConfig(this.t, this.opts);
    const pinned = pinnedFingerprints(this.t, this.opts);
    let offered: string | undefined;
    cfg.hostVerifier = (key: Buffer) => {
      offered = fingerprintOf(key);
      return pinned.fingerprints.includes(offered);
    };
    const client = new Client();
    // One listener for the client's whole life, on before connect(): ssh2 can emit 'error' twice for one
    // failed attempt (a socket reset, then 'Connection lost before handshake' on close), and an 'error'
    // with no listener is an uncaught exception that takes the whole run down. The first settles connect();
    // later ones only mark the connection down (running commands see it through their channels).
    let settle: ((e?: Error & { level?: string }) => void) | undefined;
    client.on('error', (e: Error & { level?: string }) => {
      this.ready = false;
      settle?.(e);
    });
    await new Promise<void>((resolve, reject) => {
      settle = (e) => {
        settle = undefined;
        if (!e) return resolve();
        if (offered && !pinned.fingerprints.includes(offered)) reject(hostKeyError(this.t, offered, pinned));
        else reject(connectError(this.t, e));
        client.destroy();
      };
      client.once('ready', () => settle?.());
      // Many small request/response packets: without TCP_NODELAY, Nagle + delayed ACK add ~40 ms per command.
      client.once('connect', () => client.setNoDelay(true));
      client.connect(cfg);
    });
    client.on('close', () => { this.ready = false; this.sftpP = undefined; });
    client.on('tcp connection', (info, accept, rejectConn) => {
      const to = this.forwards.get(`${info.destIP}:${info.destPort}`);
      if (!to) return rejectConn();
      const remote = accept();
      const local = netConnect(to.port, to.host);
      const drop = (): void => { local.destroy(); remote.destroy(); };
      local.on('error', drop);
      remote.on('error', drop);
      remote.pipe(local).pipe(remote);
    });
    this.client = client;
    this.ready = true;
  }

  isConnected(): boolean {
    return this.ready;
  }

  // Runs one rendered command line; a non-zero exit, timeout or abort is a result, a lost connection throws.
  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    this.requireClient();
    if (opts.killMatch !== undefined) checkKillMatch(opts.killMatch);
    await this.channels.acquire();
    try {
      return await this.execOnChannel(command, opts);
    } finally {
      this.channels.release();
    }
  }

  private async execOnChannel(command: string, opts: ExecOptions): Promise<ExecResult> {
    const client = this.requireClient();
    const startedAt = Date.now();
    const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const out = new BoundedBuffer(max);
    const err = new BoundedBuffer(max);
    const linux = this.os === 'linux';
    const line = linux ? linuxWrap(withEnv(command, opts.env)) : windowsCommand(command, opts.env);
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let gotExit = false;
    const onStatus = (code: unknown, signal: unknown): void => {
      if (gotExit || (typeof code !== 'number' && typeof signal !== 'string')) return;
      gotExit = true;
      exitCode = typeof code === 'number' ? code : null;
      exitSignal = typeof signal === 'string' ? signal : null;
    };
    const marker = new PgidMarkerFilter((chunk) => err.push(chunk));
    let closed!: Promise<void>;
    const stream = await new Promise<ClientChannel>((resolve, reject) => {
      client.exec(line, (e, s) => {
        if (e) return reject(this.channelError(e));
        // Every listener goes on here, synchronously, never after an await: ssh2 handles a whole socket read
        // in one go, so under load CHANNEL_SUCCESS (this callback), the output, exit-status, EOF and CLOSE of
        // a quick command come in one batch and 'exit' is emitted before an awaiting caller could listen
        // (its exitCode would be null). 'close' repeats the status as arguments (ssh2 fills both from the
        // same exit-status/exit-signal request), so it is taken from there as well.
        s.on('exit', onStatus);
        closed = new Promise<void>((done) => s.once('close', (code: unknown, signal: unknown) => { onStatus(code, signal); done(); }));
        s.on('data', (c: Buffer) => out.push(c));
        s.stderr.on('data', (c: Buffer) => (linux ? marker.push(c) : err.push(c)));
        resolve(s);
      });
    });
    let timedOut = false;
    let aborted = false;
    stream.end(opts.stdin ?? undefined);
    let forceTimer: NodeJS.Timeout | undefined;
    let giveUpTimer: NodeJS.Timeout | undefined;
    let giveUp!: () => void;
    const givenUp = new Promise<void>((resolve) => (giveUp = resolve));
    // OpenSSH answers a channel close only once the session's child has exited (session_close_by_channel),
    // so a tree the kill missed would hold the channel forever: after closing it, stop waiting for it.
    const closeAndGiveUp = (): void => {
      stream.close();
      giveUpTimer = setTimeout(giveUp, CLOSE_GRACE_MS).unref();
    };
    let killing = false;
    const kill = (): void => {
      if (killing) return; // an abort after the timeout (or the reverse) kills once
      killing = true;
      if (!linux) {
        // Windows: without a marker there is nothing to find the tree by; closing the channel is all we can do.
        if (opts.killMatch === undefined) return closeAndGiveUp();
        void this.killRemote(windowsKillCommand(opts.killMatch, this.t.shell ?? 'cmd')).finally(closeAndGiveUp);
        return;
      }
      // An early abort may come before the group id: wait briefly for the marker line.
      void Promise.race([marker.known, new Promise((r) => setTimeout(r, 2000).unref())])
        .then(() => (marker.pgid === undefined ? undefined : this.killRemote(killGroupCommand(marker.pgid, this.t.sudo))))
        .finally(() => {
          // If the tree is gone the channel closes by itself; this is the backstop.
          forceTimer = setTimeout(closeAndGiveUp, CLOSE_GRACE_MS).unref();
        });
    };
    const timer = opts.timeoutMs ? setTimeout(() => { timedOut = true; kill(); }, opts.timeoutMs) : undefined;
    const onAbort = (): void => { aborted = true; kill(); };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    await Promise.race([closed, givenUp]);
    if (giveUpTimer) clearTimeout(giveUpTimer);
    if (timer) clearTimeout(timer);
    if (forceTimer) clearTimeout(forceTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    marker.flush();
    if (!gotExit && !timedOut && !aborted && !this.ready) {
      throw new HarnessError('HARNESS_EXEC_CONNECTION_LOST', `the connection to target '${this.target}' dropped while running a command`, {
        phase: 'connect',
        fix: 'check the host and network; call connect() again to reconnect (the command may or may not have run)',
      });
    }
    return buildResult({ command, target: this.target, exitCode, signal: exitSignal, out, err, startedAt, timedOut, aborted });
  }

  // Runs a kill command on a second channel from the reserved kill slots. A refused channel is tried again:
  // sshd's MaxSessions also counts channels this executor does not bound (SFTP), so one can free up.
  private async killRemote(cmd: string): Promise<void> {
    await this.killChannels.acquire();
    try {
      for (let i = 0; i < KILL_RETRIES && this.ready && this.client; i++) {
        const ran = await new Promise<boolean>((resolve) => {
          this.client!.exec(cmd, (e, s) => {
            if (e) return resolve(false);
            const stuck = setTimeout(() => { s.close(); resolve(true); }, KILL_TIMEOUT_MS).unref();
            s.on('close', () => { clearTimeout(stuck); resolve(true); }).resume();
            s.stderr.resume();
          });
        });
        if (ran) return;
        await new Promise((r) => setTimeout(r, KILL_RETRY_MS));
      }
    } finally {
      this.killChannels.release();
    }
  }

  // SFTP upload.
  async upload(localPath: string, remotePath: string): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) => sftp.fastPut(localPath, this.sftpPath(remotePath), (e) => (e ? reject(this.transferError('upload', localPath, remotePath, e)) : resolve())));
  }

  // SFTP download.
  async download(remotePath: string, localPath: string): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) => sftp.fastGet(this.sftpPath(remotePath), localPath, (e) => (e ? reject(this.transferError('download', remotePath, localPath, e)) : resolve())));
  }

  // Reverse forward: connections to the target's remoteHost:remotePort reach localHost:localPort here.
  async forwardRemotePort(remotePort: number, localHost: string, localPort: number, remoteHost = '127.0.0.1'): Promise<PortForward> {
    const client = this.requireClient();
    await new Promise<void>((resolve, reject) => {
      client.forwardIn(remoteHost, remotePort, (e) => (e ? reject(new HarnessError('HARNESS_EXEC_FORWARD', `target '${this.target}' refused to forward ${remoteHost}:${remotePort}: ${e.message}`, { phase: 'exec', fix: 'allow AllowTcpForwarding in the target sshd_config and free that port on the target' })) : resolve()));
    });
    const key = `${remoteHost}:${remotePort}`;
    this.forwards.set(key, { host: localHost, port: localPort });
    return {
      close: async () => {
        this.forwards.delete(key);
        if (!this.ready) return;
        await new Promise<void>((resolve) => client.unforwardIn(remoteHost, remotePort, () => resolve()));
      },
    };
  }

  // Ends the connection (idempotent).
  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.sftpP = undefined;
    if (!c) return;
    if (!this.ready) return void c.destroy();
    this.ready = false;
    await new Promise<void>((resolve) => {
      c.once('close', () => resolve());
      c.end();
      setTimeout(() => { c.destroy(); resolve(); }, 2000).unref();
    });
  }

  private requireClient(): Client {
    if (!this.client || !this.ready) {
      throw new HarnessError('HARNESS_EXEC_NOT_CONNECTED', `target '${this.target}' is not connected`, { phase: 'connect', fix: 'call connect() first (again after a dropped connection)' });
    }
    return this.client;
  }

  private sftp(): Promise<SFTPWrapper> {
    const client = this.requireClient();
    this.sftpP ??= new Promise<SFTPWrapper>((resolve, reject) => client.sftp((e, s) => (e ? reject(this.channelError(e)) : resolve(s))));
    return this.sftpP;
  }

  // Windows SFTP servers name C:\x as /C:/x.
  private sftpPath(p: string): string {
    return this.os === 'windows' && /^[A-Za-z]:[\\/]/.test(p) ? '/' + p.replace(/\\/g, '/') : p;
  }

  private channelError(e: Error): HarnessError {
    return new HarnessError('HARNESS_EXEC_CHANNEL', `target '${this.target}' refused a channel: ${e.message}`, { phase: 'exec', fix: 'raise MaxSessions in the target sshd_config or lower concurrency per target' });
  }

  private transferError(what: string, from: string, to: string, e: Error): HarnessError {
    return new HarnessError('HARNESS_EXEC_TRANSFER', `${what} ${from} -> ${to} on target '${this.target}' failed: ${e.message}`, { phase: 'io', fix: 'check both paths and permissions' });
  }
}
