// The SSH executor (ssh2): one connection per target, one channel per command on it, keep-alive,
// pinned host key. On Linux each command runs in its own process group (sshd's session); the group id
// comes back first on stderr (a marker line that is stripped), so a timeout or abort kills the whole remote
// tree through a second channel: TERM, then KILL.
import { Client, type ClientChannel, type SFTPWrapper } from 'ssh2';
import { Semaphore } from './semaphore.js';
import { connect as netConnect } from 'node:net';
import type { Target } from '../model/config.js';
import type { ExecOptions, ExecResult, Executor, PortForward } from './types.js';
import { HarnessError } from '../errors.js';
import { BoundedBuffer, DEFAULT_MAX_OUTPUT } from './output.js';
import { fingerprintOf } from './hostkey.js';
import { connectConfig, connectError, hostKeyError, pinnedFingerprints, type SshOptions } from './ssh-config.js';
import { PgidMarkerFilter, linuxWrap, killGroupCommand, withEnv } from './ssh-linux.js';

const CLOSE_GRACE_MS = 5000;

export class SshExecutor implements Executor {
  readonly target: string;
  readonly os: 'windows' | 'linux';
  private client?: Client;
  private ready = false;
  private sftpP?: Promise<SFTPWrapper>;
  private forwards = new Map<string, { host: string; port: number }>();
  // Channels open at once: sshd's MaxSessions (default 10) bounds them per connection; extra commands queue.
  private readonly channels: Semaphore;

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
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      // Many small request/response packets: without TCP_NODELAY, Nagle + delayed ACK add ~40 ms per command.
      client.once('connect', () => client.setNoDelay(true));
      client.once('error', (e: Error & { level?: string }) => {
        if (offered && !pinned.fingerprints.includes(offered)) reject(hostKeyError(this.t, offered, pinned));
        else reject(connectError(this.t, e));
      });
      client.connect(cfg);
    });
    client.on('error', () => { this.ready = false; }); // later faults surface through the channels
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
    const stream = await new Promise<ClientChannel>((resolve, reject) => {
      client.exec(line, (e, s) => {
        if (e) return reject(this.channelError(e));
        // Synchronously, inside the callback: a fast command's exit-status can arrive in the same
        // packet batch, and ssh2 emits 'exit' before an awaiting caller would get to listen.
        s.on('exit', (code: number | null, signal?: string) => {
          gotExit = true;
          exitCode = code ?? null;
          exitSignal = signal ?? null;
        });
        resolve(s);
      });
    });
    const marker = new PgidMarkerFilter((chunk) => err.push(chunk));
    let timedOut = false;
    let aborted = false;
    stream.on('data', (c: Buffer) => out.push(c));
    stream.stderr.on('data', (c: Buffer) => (linux ? marker.push(c) : err.push(c)));
    stream.end(opts.stdin ?? undefined);
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    let forceTimer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      // Windows: no process id comes back over cmd.exe, so closing the channel is all we can do (see report).
      if (!linux) return void stream.close();
      // An early abort may come before the group id: wait briefly for the marker line.
      void Promise.race([marker.known, new Promise((r) => setTimeout(r, 2000).unref())])
        .then(() => this.killRemote(marker.pgid))
        .finally(() => {
          // If the tree is gone the channel closes by itself; this is the backstop.
          forceTimer = setTimeout(() => stream.close(), CLOSE_GRACE_MS).unref();
        });
    };
    const timer = opts.timeoutMs ? setTimeout(() => { timedOut = true; kill(); }, opts.timeoutMs) : undefined;
    const onAbort = (): void => { aborted = true; kill(); };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    await closed;
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
    const finishedAt = Date.now();
    const code = timedOut || aborted ? null : exitCode;
    return {
      command,
      target: this.target,
      exitCode: code,
      signal: exitSignal,
      stdout: out.text(),
      stderr: err.text(),
      startedAt,
      finishedAt,
      durationMs: finishedAt - startedAt,
      timedOut,
      aborted,
      truncated: out.truncated || err.truncated,
      failed: code !== 0 || timedOut || aborted,
    };
  }

  // Kills a remote Linux process tree (its process group) through a second channel.
  private async killRemote(pgid: number | undefined): Promise<void> {
    if (pgid === undefined || !this.ready || !this.client) return;
    const cmd = killGroupCommand(pgid, this.t.sudo);
    await new Promise<void>((resolve) => {
      this.client!.exec(cmd, (e, s) => {
        if (e) return resolve();
        s.on('close', () => resolve()).resume();
        s.stderr.resume();
      });
    });
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

function windowsCommand(command: string, env?: Record<string, string>): string {
  if (env && Object.keys(env).length > 0) {
    throw new HarnessError('HARNESS_EXEC_ENV', 'environment variables are not supported for Windows SSH targets', { phase: 'exec', fix: 'put the values in the command as quoted input arguments' });
  }
  return command;
}
