// Resolved configuration and targets. Resolved once (CLI > environment > file > defaults), then frozen:
// no module reads process.env or argv after that point.

export type TargetAuth =
  | { privateKeyPath: string; passphraseEnv?: string }
  | { agent: true }
  | { passwordEnv: string };

export interface Target {
  name: string;
  os: 'windows' | 'linux';
  transport: 'ssh' | 'local';
  address?: string;
  port: number;
  user?: string;
  auth?: TargetAuth;
  /** Pinned host key fingerprint, `SHA256:...` as ssh-keygen -l prints it. */
  hostKey?: string;
  knownHostsFile?: string;
  /** Default shell of an OpenSSH server on Windows. */
  shell?: 'cmd' | 'powershell';
  sudo: boolean;
  /** How QRadar knows this host (the search restriction per target). */
  qradar?: { logSourceName?: string; sourceIp?: string; hostname?: string };
  /**
   * Where the `local` back-end reads this target's logs (Linux only). 'target' (default): through its own
   * connection. 'local': on the harness machine, because the target shares this machine's kernel audit log
   * (the lab's network namespaces do); its events are still told apart by marker and by its login's uid/auid.
   */
  logs?: 'target' | 'local';
  /** The file the target came from, for errors. */
  file?: string;
}

export type Backend = 'local' | 'qradar';
export type FailOn = 'regression' | 'gap' | 'any' | 'never';

export interface QRadarConfig {
  url?: string;
  version: string;
  caFile?: string;
  tokenEnv?: string;
  tokenFile?: string;
  user?: string;
  passwordEnv?: string;
  allowHttp: boolean;
  requestTimeoutMs: number;
  pollIntervalMs: number;
  maxConcurrentSearches: number;
  windowSlackMs: number;
  /** How each target is restricted in searches. */
  hostField: 'logSourceName' | 'sourceIp' | 'hostname';
}

export interface ResolvedConfig {
  configFile?: string;
  targetsFile?: string;
  backend: Backend;
  profile: string;
  reportDir: string;
  failOn: FailOn;
  concurrency: number;
  only: string[];
  timeouts: { connectMs: number; execMs: number; testMs: number };
  setupSensors: boolean;
  baselines: string[];
  qradar: QRadarConfig;
  /** Time zone for DATEFORMAT (IANA name), default UTC. */
  timeZone: string;
}
