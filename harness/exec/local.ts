// The local executor: runs commands on this machine through execa (a target with `transport: local`).
// Same contract as ssh.ts: a non-zero exit is a result; a timeout or abort kills the whole process
// group (the command runs detached as a group leader); upload/download are copies; a port forward is a
// no-op because the target is the harness machine itself.
import { execa } from 'execa';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Target } from '../model/config.js';
import type { ExecOptions, ExecResult, Executor, PortForward } from './types.js';
import { BoundedBuffer, DEFAULT_MAX_OUTPUT, buildResult } from './output.js';
import { HarnessError } from '../errors.js';
import { relay } from './relay.js';

const KILL_GRACE_MS = 2000;

export class LocalExecutor implements Executor {
  readonly target: string;
  readonly os: 'windows' | 'linux';
  private connected = false;

  constructor(target: Pick<Target, 'name' | 'os'>) {
    this.target = target.name;
    this.os = target.os;
  }

  // Nothing to open; marks the executor usable.
  async connect(): Promise<void> {
    this.connected = true;
  }

  isConnected(): boolean {
    return this.connected;
  }

  // Runs `command` through /bin/sh -c (cmd.exe /c on Windows) in its own process group.
  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const startedAt = Date.now();
    const windows = process.platform === 'win32';
    const out = new BoundedBuffer(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
    const err = new BoundedBuffer(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
    const child = execa(windows ? 'cmd.exe' : '/bin/sh', windows ? ['/d', '/s', '/c', command] : ['-c', command], {
      reject: false,
      buffer: false,
      detached: !windows, // own process group, so the whole tree can be signalled
      windowsVerbatimArguments: windows,
      input: opts.stdin,
      stdin: opts.stdin === undefined ? 'ignore' : 'pipe',
      env: opts.env,
      extendEnv: true,
    });
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    let timedOut = false;
    let aborted = false;
    const kill = (): void => {
      killTree(child.pid, windows);
      setTimeout(() => killTree(child.pid, windows, 'SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = opts.timeoutMs ? setTimeout(() => { timedOut = true; kill(); }, opts.timeoutMs) : undefined;
    const onAbort = (): void => { aborted = true; kill(); };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    const r = await child;
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    return buildResult({ command, target: this.target, exitCode: r.exitCode ?? null, signal: r.signal ?? null, out, err, startedAt, timedOut, aborted });
  }

  // Copies a file (the "remote" is this machine).
  async upload(localPath: string, remotePath: string): Promise<void> {
    await copy(localPath, remotePath);
  }

  // Copies a file (the "remote" is this machine).
  async download(remotePath: string, localPath: string): Promise<void> {
    await copy(remotePath, localPath);
  }

  // Same machine: a no-op when the ports are equal, else a loopback TCP relay remotePort -> localPort.
  async forwardRemotePort(remotePort: number, localHost: string, localPort: number, remoteHost = '127.0.0.1'): Promise<PortForward> {
    if (remotePort === localPort) return { close: async () => undefined };
    return relay(remoteHost, remotePort, localHost, localPort);
  }

  async close(): Promise<void> {
    this.connected = false;
  }
}

function killTree(pid: number | undefined, windows: boolean, sig: NodeJS.Signals = 'SIGTERM'): void {
  if (!pid) return;
  try {
    if (windows) void execa('taskkill', ['/T', '/F', '/PID', String(pid)], { reject: false });
    else process.kill(-pid, sig); // negative pid: the whole process group
  } catch {
    /* already gone */
  }
}

async function copy(from: string, to: string): Promise<void> {
  try {
    await mkdir(dirname(to), { recursive: true });
    await copyFile(from, to);
  } catch (e) {
    throw new HarnessError('HARNESS_EXEC_TRANSFER', `cannot copy ${from} to ${to}: ${(e as Error).message}`, { phase: 'io', fix: 'check both paths and permissions', cause: e });
  }
}
