// Resolving the configuration once: CLI flags > environment (HARNESS_*) > harness.config.yaml > defaults.
// The result is deeply frozen; no module reads process.env or argv for these settings after this.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiagnosticsError, HarnessError, type Diagnostic } from '../errors.js';
import type { ResolvedConfig } from '../model/config.js';
import { tryParseDuration } from '../catalog/duration.js';
import { readConfigFile, isTimeZone, type ConfigLayer } from './config-file.js';
import { BACKENDS, DEFAULTS, FAIL_ON } from './defaults.js';

/** Flags as the CLI parsed them (all optional; undefined = not given). */
export interface CliOptions {
  config?: string;
  targets?: string;
  backend?: string;
  profile?: string;
  reportDir?: string;
  failOn?: string;
  concurrency?: string | number;
  only?: string[];
  setupSensors?: boolean;
  baselines?: string[];
  timeZone?: string;
  qradarUrl?: string;
}

export interface ResolveInput {
  cli?: CliOptions;
  env?: Record<string, string | undefined>;
  /** The config file to read when neither --config nor HARNESS_CONFIG names one (it may be absent). */
  file?: string;
}

/** Merges the layers, validates the result and freezes it; throws a DiagnosticsError naming each bad value. */
export function resolveConfig(input: ResolveInput = {}): Readonly<ResolvedConfig> {
  const cli = input.cli ?? {};
  const env = input.env ?? {};
  const problems: Diagnostic[] = [];
  const explicit = cli.config ?? env.HARNESS_CONFIG;
  const configPath = explicit ?? input.file;
  let fileLayer: ConfigLayer = {};
  if (configPath !== undefined) {
    if (explicit === undefined && !existsSync(configPath)) {
      // The implicit default file may be absent: defaults apply.
    } else {
      const r = readConfigFile(configPath);
      problems.push(...r.diagnostics.filter((d) => d.severity === 'error'));
      fileLayer = r.layer;
    }
  }
  const envLayer = fromEnv(env, problems);
  const cliLayer = fromCli(cli, problems);
  if (problems.length > 0) throw new DiagnosticsError(problems, 'invalid configuration');
  const merged = merge(merge(merge(structuredClone(DEFAULTS) as ResolvedConfig, fileLayer), envLayer), cliLayer);
  if (configPath !== undefined && existsSync(configPath)) merged.configFile = configPath;
  finalChecks(merged, fileLayer, envLayer, cliLayer);
  return deepFreeze(merged);
}

function fromEnv(env: Record<string, string | undefined>, problems: Diagnostic[]): ConfigLayer {
  const at = (name: string) => ({ file: `environment variable ${name}` });
  const bad = (name: string, msg: string, fix: string) => problems.push({ severity: 'error', code: 'HARNESS_CONFIG_BAD_ENV', message: `${name}=${JSON.stringify(env[name])}: ${msg}`, location: at(name), fix });
  const l: ConfigLayer = {};
  const get = (n: string) => (env[n] !== undefined && env[n] !== '' ? env[n] : undefined);
  if (get('HARNESS_BACKEND')) {
    if ((BACKENDS as readonly string[]).includes(env.HARNESS_BACKEND!)) l.backend = env.HARNESS_BACKEND as ResolvedConfig['backend'];
    else bad('HARNESS_BACKEND', `must be one of ${BACKENDS.join(', ')}`, 'export HARNESS_BACKEND=local');
  }
  if (get('HARNESS_PROFILE')) l.profile = env.HARNESS_PROFILE!;
  if (get('HARNESS_REPORT_DIR')) l.reportDir = resolve(env.HARNESS_REPORT_DIR!);
  if (get('HARNESS_TARGETS')) l.targetsFile = resolve(env.HARNESS_TARGETS!);
  if (get('HARNESS_FAIL_ON')) {
    if ((FAIL_ON as readonly string[]).includes(env.HARNESS_FAIL_ON!)) l.failOn = env.HARNESS_FAIL_ON as ResolvedConfig['failOn'];
    else bad('HARNESS_FAIL_ON', `must be one of ${FAIL_ON.join(', ')}`, 'export HARNESS_FAIL_ON=regression');
  }
  if (get('HARNESS_CONCURRENCY')) {
    const n = Number(env.HARNESS_CONCURRENCY);
    if (Number.isInteger(n) && n >= 1 && n <= 256) l.concurrency = n;
    else bad('HARNESS_CONCURRENCY', 'must be a whole number from 1 to 256', 'export HARNESS_CONCURRENCY=8');
  }
  if (get('HARNESS_TIME_ZONE')) {
    if (isTimeZone(env.HARNESS_TIME_ZONE!)) l.timeZone = env.HARNESS_TIME_ZONE!;
    else bad('HARNESS_TIME_ZONE', 'is not an IANA time zone', 'export HARNESS_TIME_ZONE=UTC');
  }
  const q: NonNullable<ConfigLayer['qradar']> = {};
  if (get('HARNESS_QRADAR_URL')) q.url = env.HARNESS_QRADAR_URL!;
  if (get('HARNESS_QRADAR_CA_FILE')) q.caFile = resolve(env.HARNESS_QRADAR_CA_FILE!);
  if (get('HARNESS_QRADAR_VERSION')) q.version = env.HARNESS_QRADAR_VERSION!;
  if (get('HARNESS_QRADAR_POLL_INTERVAL')) {
    const ms = tryParseDuration(env.HARNESS_QRADAR_POLL_INTERVAL);
    if (ms) q.pollIntervalMs = ms;
    else bad('HARNESS_QRADAR_POLL_INTERVAL', 'is not a duration', 'export HARNESS_QRADAR_POLL_INTERVAL=5s');
  }
  if (Object.keys(q).length) l.qradar = q;
  return l;
}

function fromCli(cli: CliOptions, problems: Diagnostic[]): ConfigLayer {
  const bad = (flag: string, value: unknown, msg: string) => problems.push({ severity: 'error', code: 'HARNESS_CONFIG_BAD_FLAG', message: `${flag} ${JSON.stringify(value)}: ${msg}`, location: { file: `command line ${flag}` }, fix: `see harness --help` });
  const l: ConfigLayer = {};
  if (cli.backend !== undefined) {
    if ((BACKENDS as readonly string[]).includes(cli.backend)) l.backend = cli.backend as ResolvedConfig['backend'];
    else bad('--backend', cli.backend, `must be one of ${BACKENDS.join(', ')}`);
  }
  if (cli.failOn !== undefined) {
    if ((FAIL_ON as readonly string[]).includes(cli.failOn)) l.failOn = cli.failOn as ResolvedConfig['failOn'];
    else bad('--fail-on', cli.failOn, `must be one of ${FAIL_ON.join(', ')}`);
  }
  if (cli.concurrency !== undefined) {
    const n = Number(cli.concurrency);
    if (Number.isInteger(n) && n >= 1 && n <= 256) l.concurrency = n;
    else bad('--concurrency', cli.concurrency, 'must be a whole number from 1 to 256');
  }
  if (cli.timeZone !== undefined) {
    if (isTimeZone(cli.timeZone)) l.timeZone = cli.timeZone;
    else bad('--time-zone', cli.timeZone, 'is not an IANA time zone');
  }
  if (cli.profile !== undefined) l.profile = cli.profile;
  if (cli.reportDir !== undefined) l.reportDir = resolve(cli.reportDir);
  if (cli.targets !== undefined) l.targetsFile = resolve(cli.targets);
  if (cli.only !== undefined) l.only = [...cli.only];
  if (cli.setupSensors !== undefined) l.setupSensors = cli.setupSensors;
  if (cli.baselines !== undefined) l.baselines = cli.baselines.map((b) => resolve(b));
  if (cli.qradarUrl !== undefined) l.qradar = { url: cli.qradarUrl };
  return l;
}

function merge(base: ResolvedConfig, layer: ConfigLayer): ResolvedConfig {
  const { timeouts, qradar, ...rest } = layer;
  Object.assign(base, rest);
  if (timeouts) Object.assign(base.timeouts, timeouts);
  if (qradar) Object.assign(base.qradar, qradar);
  return base;
}

// Checks that need the merged result (a QRadar back-end needs a URL; http needs an explicit opt-in).
function finalChecks(c: ResolvedConfig, ...layers: ConfigLayer[]): void {
  const from = (key: 'url') => (layers[2]?.qradar?.[key] !== undefined ? 'command line --qradar-url' : layers[1]?.qradar?.[key] !== undefined ? 'environment variable HARNESS_QRADAR_URL' : `${c.configFile ?? 'harness.config.yaml'} (qradar.url)`);
  if (c.qradar.url !== undefined) {
    let u: URL | undefined;
    try {
      u = new URL(c.qradar.url);
    } catch {
      throw new HarnessError('HARNESS_CONFIG_BAD_VALUE', `qradar.url ${JSON.stringify(c.qradar.url)} is not a URL`, { location: { file: from('url') }, fix: 'write https://qradar.example.com' });
    }
    if (u.protocol === 'http:' && !c.qradar.allowHttp) {
      throw new HarnessError('HARNESS_CONFIG_INSECURE_URL', `qradar.url uses plain http: the token would cross the network unencrypted`, { location: { file: from('url') }, fix: 'use https (with qradar.caFile for a private CA), or set qradar.allowHttp: true for a lab' });
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new HarnessError('HARNESS_CONFIG_BAD_VALUE', `qradar.url must be http(s), found ${u.protocol}`, { location: { file: from('url') }, fix: 'write https://qradar.example.com' });
    if (u.username || u.password) throw new HarnessError('HARNESS_CONFIG_INLINE_SECRET', 'qradar.url must not carry credentials', { location: { file: from('url') }, fix: 'remove user:password@ from the URL and use tokenEnv or tokenFile' });
  }
  if (c.backend === 'qradar' && c.qradar.url === undefined) {
    throw new HarnessError('HARNESS_CONFIG_MISSING_FIELD', 'the qradar back-end needs qradar.url', { location: { file: c.configFile ?? 'harness.config.yaml' }, fix: 'set qradar.url in harness.config.yaml or export HARNESS_QRADAR_URL=https://qradar.example.com' });
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
