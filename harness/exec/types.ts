// The Executor plug-in point: how the harness reaches a target. Implementations side by side:
// ssh.ts (ssh2) and local.ts (execa). A non-zero exit is a result, not an exception; only connection,
// authentication and host-key problems throw (HarnessError with a phase).

export interface ExecOptions {
  /** Kill the remote process tree after this many ms (result.timedOut = true). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Bytes kept of stdout/stderr each (the rest is dropped, result.truncated = true). */
  maxOutputBytes?: number;
  stdin?: string;
  env?: Record<string, string>;
  /**
   * Windows targets: a token ([a-z0-9-], normally the execution marker) on the command lines of the process
   * tree to kill at a timeout or abort (taskkill /T /F on every process whose CommandLine holds it). Without
   * it, a Windows timeout only closes the channel. Checked on every target (HARNESS_EXEC_KILL_MATCH), unused on
   * Linux (the process group is known).
   */
  killMatch?: string;
}

export interface ExecResult {
  command: string;
  target: string;
  exitCode: number | null;
  signal?: string | null;
  stdout: string;
  stderr: string;
  startedAt: number; // epoch ms
  finishedAt: number;
  durationMs: number;
  timedOut: boolean;
  aborted: boolean;
  truncated: boolean;
  /** exitCode !== 0 || timedOut || aborted */
  failed: boolean;
}

export interface PortForward {
  /** Stop forwarding. */
  close(): Promise<void>;
}

export interface Executor {
  readonly target: string;
  readonly os: 'windows' | 'linux';
  connect(): Promise<void>;
  /** Runs one already-rendered command line in the target's default shell. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  upload(localPath: string, remotePath: string): Promise<void>;
  download(remotePath: string, localPath: string): Promise<void>;
  /** Makes the target's remoteHost:remotePort reach localHost:localPort on the harness machine. */
  forwardRemotePort(remotePort: number, localHost: string, localPort: number, remoteHost?: string): Promise<PortForward>;
  isConnected(): boolean;
  close(): Promise<void>;
}
