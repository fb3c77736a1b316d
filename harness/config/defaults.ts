// The defaults every resolved configuration starts from (docs/config.md lists them).
import type { ResolvedConfig } from '../model/config.js';

export const DEFAULTS: Omit<ResolvedConfig, 'configFile' | 'targetsFile'> = {
  backend: 'local',
  profile: 'stock',
  reportDir: 'reports',
  failOn: 'regression',
  concurrency: 8,
  only: [],
  timeouts: { connectMs: 15_000, execMs: 120_000, testMs: 600_000 },
  setupSensors: false,
  baselines: [],
  qradar: {
    version: '20.0',
    tokenEnv: 'QRADAR_TOKEN',
    allowHttp: false,
    requestTimeoutMs: 60_000,
    pollIntervalMs: 5_000,
    maxConcurrentSearches: 4,
    windowSlackMs: 300_000,
    hostField: 'logSourceName',
  },
  timeZone: 'UTC',
};

export const BACKENDS = ['local', 'qradar'] as const;
export const FAIL_ON = ['regression', 'gap', 'any', 'never'] as const;
export const HOST_FIELDS = ['logSourceName', 'sourceIp', 'hostname'] as const;
