// harness.config.yaml: back-end and run options as a partial layer (file values only), validated with
// errors naming file, field path and fix. Durations are written 15s / 2m; secrets only by reference.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { QRadarConfig, ResolvedConfig } from '../model/config.js';
import { loadYamlFile } from '../util/yaml.js';
import type { YamlPath } from '../util/yaml.js';
import { checkKeys, Collector, isPlainObject, typeName } from '../catalog/schema.js';
import { tryParseDuration } from '../catalog/duration.js';
import { BACKENDS, FAIL_ON, HOST_FIELDS } from './defaults.js';
import { isInlineSecretKey, refuseInlineSecrets } from './secrets.js';

export type ConfigLayer = Partial<Omit<ResolvedConfig, 'timeouts' | 'qradar'>> & {
  timeouts?: Partial<ResolvedConfig['timeouts']>;
  qradar?: Partial<QRadarConfig>;
};

const TOP_KEYS = ['backend', 'profile', 'reportDir', 'failOn', 'concurrency', 'timeouts', 'setupSensors', 'baselines', 'timeZone', 'targets', 'qradar'];
const QRADAR_KEYS = ['url', 'version', 'caFile', 'tokenEnv', 'tokenFile', 'user', 'passwordEnv', 'allowHttp', 'requestTimeout', 'pollInterval', 'maxConcurrentSearches', 'windowSlack', 'hostField'];

/** Reads and validates a harness.config.yaml into a layer (paths resolved against the file's directory). */
export function readConfigFile(path: string): { layer: ConfigLayer; diagnostics: Diagnostic[] } {
  const yaml = loadYamlFile(path);
  if (yaml.diagnostics.some((d) => d.severity === 'error')) return { layer: {}, diagnostics: yaml.diagnostics };
  const c = new Collector(yaml);
  const doc = yaml.value;
  const layer: ConfigLayer = { configFile: path };
  if (!isPlainObject(doc)) {
    c.error([], 'HARNESS_CONFIG_WRONG_TYPE', `harness.config.yaml must be a mapping, found ${typeName(doc)}`, 'see docs/config.md');
    return { layer, diagnostics: [...yaml.diagnostics, ...c.diagnostics] };
  }
  const base = dirname(path);
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  refuseInlineSecrets(c, [], doc);
  checkKeys(c, [], withoutSecrets(doc), TOP_KEYS, 'HARNESS_CONFIG_UNKNOWN_FIELD', 'harness.config.yaml');
  const v = new Fields(c);
  if (doc.backend !== undefined) layer.backend = v.oneOf(['backend'], doc.backend, BACKENDS);
  if (doc.profile !== undefined) layer.profile = v.text(['profile'], doc.profile);
  if (doc.reportDir !== undefined) layer.reportDir = mapDef(v.text(['reportDir'], doc.reportDir), rel);
  if (doc.failOn !== undefined) layer.failOn = v.oneOf(['failOn'], doc.failOn, FAIL_ON);
  if (doc.concurrency !== undefined) layer.concurrency = v.int(['concurrency'], doc.concurrency, 1, 256);
  if (doc.setupSensors !== undefined) layer.setupSensors = v.bool(['setupSensors'], doc.setupSensors);
  if (doc.timeZone !== undefined) layer.timeZone = v.timeZone(['timeZone'], doc.timeZone);
  if (doc.targets !== undefined) layer.targetsFile = mapDef(v.text(['targets'], doc.targets), rel);
  if (doc.baselines !== undefined) {
    if (!Array.isArray(doc.baselines) || !doc.baselines.every((b) => typeof b === 'string')) c.error(['baselines'], 'HARNESS_CONFIG_WRONG_TYPE', `baselines must be a list of event files, found ${typeName(doc.baselines)}`, 'write baselines: [baseline/benign.jsonl]');
    else layer.baselines = doc.baselines.map(rel);
  }
  if (doc.timeouts !== undefined) {
    if (!isPlainObject(doc.timeouts)) c.error(['timeouts'], 'HARNESS_CONFIG_WRONG_TYPE', `timeouts must be a mapping {connect, exec, test}, found ${typeName(doc.timeouts)}`, 'write timeouts: { connect: 15s, exec: 2m, test: 10m }');
    else {
      checkKeys(c, ['timeouts'], doc.timeouts, ['connect', 'exec', 'test'], 'HARNESS_CONFIG_UNKNOWN_FIELD', 'timeouts');
      const t = doc.timeouts;
      layer.timeouts = {};
      if (t.connect !== undefined) layer.timeouts.connectMs = v.duration(['timeouts', 'connect'], t.connect);
      if (t.exec !== undefined) layer.timeouts.execMs = v.duration(['timeouts', 'exec'], t.exec);
      if (t.test !== undefined) layer.timeouts.testMs = v.duration(['timeouts', 'test'], t.test);
    }
  }
  if (doc.qradar !== undefined) layer.qradar = readQRadar(c, v, doc.qradar, rel);
  return { layer: stripUndefined(layer), diagnostics: [...yaml.diagnostics, ...c.diagnostics] };
}

function readQRadar(c: Collector, v: Fields, q: unknown, rel: (p: string) => string): Partial<QRadarConfig> | undefined {
  if (!isPlainObject(q)) {
    c.error(['qradar'], 'HARNESS_CONFIG_WRONG_TYPE', `qradar must be a mapping, found ${typeName(q)}`, 'write qradar: { url: https://qradar.example.com, tokenEnv: QRADAR_TOKEN }');
    return undefined;
  }
  refuseInlineSecrets(c, ['qradar'], q);
  checkKeys(c, ['qradar'], withoutSecrets(q), QRADAR_KEYS, 'HARNESS_CONFIG_UNKNOWN_FIELD', 'qradar');
  const p = (k: string): YamlPath => ['qradar', k];
  const out: Partial<QRadarConfig> = {};
  if (q.url !== undefined) out.url = v.text(p('url'), q.url);
  if (q.version !== undefined) out.version = v.text(p('version'), typeof q.version === 'number' ? q.version.toFixed(1) : q.version);
  if (q.caFile !== undefined) out.caFile = mapDef(v.text(p('caFile'), q.caFile), rel);
  if (q.tokenEnv !== undefined) out.tokenEnv = v.envName(p('tokenEnv'), q.tokenEnv);
  if (q.tokenFile !== undefined) out.tokenFile = mapDef(v.text(p('tokenFile'), q.tokenFile), rel);
  if (q.user !== undefined) out.user = v.text(p('user'), q.user);
  if (q.passwordEnv !== undefined) out.passwordEnv = v.envName(p('passwordEnv'), q.passwordEnv);
  if (q.allowHttp !== undefined) out.allowHttp = v.bool(p('allowHttp'), q.allowHttp);
  if (q.requestTimeout !== undefined) out.requestTimeoutMs = v.duration(p('requestTimeout'), q.requestTimeout);
  if (q.pollInterval !== undefined) out.pollIntervalMs = v.duration(p('pollInterval'), q.pollInterval);
  if (q.windowSlack !== undefined) out.windowSlackMs = v.duration(p('windowSlack'), q.windowSlack);
  if (q.maxConcurrentSearches !== undefined) out.maxConcurrentSearches = v.int(p('maxConcurrentSearches'), q.maxConcurrentSearches, 1, 64);
  if (q.hostField !== undefined) out.hostField = v.oneOf(p('hostField'), q.hostField, HOST_FIELDS);
  return out;
}

/** Typed field readers that record a located error and return undefined on a wrong value. */
class Fields {
  constructor(private readonly c: Collector) {}
  text(p: YamlPath, x: unknown): string | undefined {
    if (typeof x === 'string' && x !== '') return x;
    this.c.error(p, 'HARNESS_CONFIG_WRONG_TYPE', `${p.join('.')} must be text, found ${typeName(x)}`);
    return undefined;
  }
  oneOf<T extends string>(p: YamlPath, x: unknown, allowed: readonly T[]): T | undefined {
    if (allowed.includes(x as T)) return x as T;
    this.c.error(p, 'HARNESS_CONFIG_BAD_VALUE', `${p.join('.')} must be one of ${allowed.join(', ')}, found ${typeName(x)}`, `write ${String(p[p.length - 1])}: ${allowed[0]}`);
    return undefined;
  }
  int(p: YamlPath, x: unknown, min: number, max: number): number | undefined {
    if (typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max) return x;
    this.c.error(p, 'HARNESS_CONFIG_BAD_VALUE', `${p.join('.')} must be a whole number from ${min} to ${max}, found ${typeName(x)}`);
    return undefined;
  }
  bool(p: YamlPath, x: unknown): boolean | undefined {
    if (typeof x === 'boolean') return x;
    this.c.error(p, 'HARNESS_CONFIG_WRONG_TYPE', `${p.join('.')} must be true or false, found ${typeName(x)}`);
    return undefined;
  }
  duration(p: YamlPath, x: unknown): number | undefined {
    const ms = tryParseDuration(x);
    if (ms !== undefined && ms > 0) return ms;
    this.c.error(p, 'HARNESS_DURATION_INVALID', `${p.join('.')} must be a duration, found ${typeName(x)}`, 'write a number with a unit: 500ms, 15s, 2m, 1h');
    return undefined;
  }
  envName(p: YamlPath, x: unknown): string | undefined {
    if (typeof x === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(x)) return x;
    this.c.error(p, 'HARNESS_CONFIG_BAD_VALUE', `${p.join('.')} must name an environment variable (letters, digits, _)`, `write ${String(p[p.length - 1])}: QRADAR_TOKEN and export the secret in that variable`);
    return undefined;
  }
  timeZone(p: YamlPath, x: unknown): string | undefined {
    if (typeof x === 'string' && isTimeZone(x)) return x;
    this.c.error(p, 'HARNESS_CONFIG_BAD_VALUE', `${p.join('.')} must be an IANA time zone, found ${typeName(x)}`, 'write timeZone: UTC or Europe/Berlin');
    return undefined;
  }
}

/** True for an IANA zone name this Node knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function withoutSecrets(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !isInlineSecretKey(k)));
}

function mapDef<T, U>(x: T | undefined, f: (x: T) => U): U | undefined {
  return x === undefined ? undefined : f(x);
}

function stripUndefined<T extends object>(o: T): T {
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) delete (o as Record<string, unknown>)[k];
    else if (isPlainObject(v)) stripUndefined(v);
  }
  return o;
}
