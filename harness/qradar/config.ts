// From resolved configuration to a client: the QRadar part of the configuration comes from
// harness/config's resolveConfig (qradar: in harness.config.yaml, HARNESS_QRADAR_URL / _CA_FILE /
// _VERSION); the secret is read here, at the moment of use, from the variable or file it names.
import { resolve } from 'node:path';
import { resolveConfig } from '../config/index.js';
import { HarnessError } from '../errors.js';
import type { QRadarConfig } from '../model/config.js';
import { resolveAuth } from './auth.js';
import { ArielClient } from './client.js';

// The qradar section of the resolved configuration (--config F, else HARNESS_CONFIG, else ./harness.config.yaml if present).
export function qradarConfig(opts: { configFile?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): QRadarConfig {
  const cfg = resolveConfig({ cli: { config: opts.configFile }, env: opts.env ?? process.env, file: resolve(opts.cwd ?? process.cwd(), 'harness.config.yaml') });
  return cfg.qradar;
}

// Builds a client from resolved config; the secret is read now, from the environment or the token file.
export function clientFromConfig(cfg: QRadarConfig, env: NodeJS.ProcessEnv = process.env): ArielClient {
  if (!cfg.url) throw new HarnessError('HARNESS_QRADAR_URL', 'no QRadar console URL configured', { phase: 'config', fix: 'set qradar.url in harness.config.yaml or HARNESS_QRADAR_URL=https://<console>' });
  return new ArielClient({ url: cfg.url, version: cfg.version, auth: resolveAuth(cfg, env), caFile: cfg.caFile, allowHttp: cfg.allowHttp, requestTimeoutMs: cfg.requestTimeoutMs, pollIntervalMs: cfg.pollIntervalMs });
}
