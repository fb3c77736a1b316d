// targets.yaml (DESIGN section 5): the hosts a run executes on. Validated with errors naming file,
// field path and fix; secrets only by reference (privateKeyPath, agent, passwordEnv).
import { homedir } from 'node:os';
import { DiagnosticsError, type Diagnostic } from '../errors.js';
import type { Target, TargetAuth } from '../model/config.js';
import { loadYamlFile } from '../util/yaml.js';
import type { YamlPath } from '../util/yaml.js';
import { checkKeys, Collector, isPlainObject, kindOf, typeName } from '../catalog/schema.js';
import { isInlineSecretKey, refuseInlineSecrets } from './secrets.js';

const TARGET_KEYS = ['name', 'os', 'transport', 'address', 'port', 'user', 'auth', 'hostKey', 'knownHostsFile', 'shell', 'sudo', 'qradar', 'logs'];
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HOSTKEY_RE = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

/** Loads targets.yaml; throws a DiagnosticsError listing every problem when it is invalid. */
export function loadTargets(path: string): Target[] {
  const r = checkTargetsFile(path);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new DiagnosticsError(errors, `invalid targets file ${path}`);
  return r.targets;
}

/** Validates targets.yaml and returns the targets found with every problem (for `harness check`). */
export function checkTargetsFile(path: string): { targets: Target[]; diagnostics: Diagnostic[] } {
  const yaml = loadYamlFile(path);
  if (yaml.diagnostics.some((d) => d.severity === 'error')) return { targets: [], diagnostics: yaml.diagnostics };
  const c = new Collector(yaml);
  const doc = yaml.value;
  const targets: Target[] = [];
  if (!isPlainObject(doc) || !Array.isArray(doc.targets)) {
    c.error(isPlainObject(doc) && doc.targets !== undefined ? ['targets'] : [], 'HARNESS_CONFIG_WRONG_TYPE', `a targets file must be a mapping with a 'targets' list, found ${typeName(isPlainObject(doc) ? doc.targets : doc)}`, 'write targets: [ {name: lnx-01, os: linux, address: 10.0.0.9, user: purple, auth: {agent: true}} ]');
    return { targets, diagnostics: [...yaml.diagnostics, ...c.diagnostics] };
  }
  checkKeys(c, [], doc, ['targets'], 'HARNESS_CONFIG_UNKNOWN_FIELD', 'the targets file');
  const names = new Set<string>();
  doc.targets.forEach((raw, i) => {
    const t = parseTarget(c, ['targets', i], raw, path);
    if (!t) return;
    if (names.has(t.name)) c.error(['targets', i, 'name'], 'HARNESS_CONFIG_DUPLICATE_TARGET', `target name ${JSON.stringify(t.name)} is used twice`, 'give each target its own name');
    names.add(t.name);
    targets.push(t);
  });
  return { targets: c.errorCount > 0 ? [] : targets, diagnostics: [...yaml.diagnostics, ...c.diagnostics] };
}

function parseTarget(c: Collector, p: YamlPath, raw: unknown, file: string): Target | undefined {
  if (!isPlainObject(raw)) {
    c.error(p, 'HARNESS_CONFIG_WRONG_TYPE', `a target must be a mapping, found ${typeName(raw)}`);
    return undefined;
  }
  const before = c.errorCount;
  refuseInlineSecrets(c, p, raw);
  checkKeys(c, p, Object.fromEntries(Object.entries(raw).filter(([k]) => !isInlineSecretKey(k))), TARGET_KEYS, 'HARNESS_CONFIG_UNKNOWN_FIELD', 'a target');
  const where = `targets[${p[1]}]`;
  const name = raw.name;
  if (typeof name !== 'string' || !NAME_RE.test(name)) c.error(name === undefined ? p : [...p, 'name'], 'HARNESS_CONFIG_BAD_VALUE', `${where}.name must be letters, digits, '.', '_' or '-', found ${typeName(name)}`, 'write name: win-ws01');
  const transport = raw.transport ?? (name === 'local' ? 'local' : 'ssh');
  if (transport !== 'ssh' && transport !== 'local') c.error([...p, 'transport'], 'HARNESS_CONFIG_BAD_VALUE', `${where}.transport must be ssh or local, found ${typeName(transport)}`, 'omit it for ssh');
  const os = raw.os ?? (transport === 'local' ? 'linux' : undefined);
  if (os !== 'windows' && os !== 'linux') c.error(raw.os === undefined ? p : [...p, 'os'], 'HARNESS_CONFIG_BAD_VALUE', `${where}.os must be windows or linux, found ${typeName(raw.os)}`, 'write os: windows or os: linux');
  const port = raw.port ?? 22;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) c.error([...p, 'port'], 'HARNESS_CONFIG_BAD_VALUE', `${where}.port must be a TCP port 1-65535, found ${typeName(port)}`, 'write port: 22');
  if (raw.sudo !== undefined && typeof raw.sudo !== 'boolean') c.error([...p, 'sudo'], 'HARNESS_CONFIG_BAD_VALUE', `${where}.sudo must be true or false, found ${typeName(raw.sudo)}`);
  const t: Target = { name: name as string, os: os as Target['os'], transport: transport as Target['transport'], port: port as number, sudo: raw.sudo === true, file };
  if (transport === 'ssh') {
    if (typeof raw.address !== 'string' || raw.address.trim() === '') c.error(raw.address === undefined ? p : [...p, 'address'], 'HARNESS_CONFIG_MISSING_FIELD', `${where}.address is required for an ssh target`, 'write address: 10.0.0.5 (or a host name); for this machine use name: local, transport: local');
    else t.address = raw.address;
    if (typeof raw.user !== 'string' || raw.user === '') c.error(raw.user === undefined ? p : [...p, 'user'], 'HARNESS_CONFIG_MISSING_FIELD', `${where}.user is required for an ssh target`, 'write user: purple');
    else t.user = raw.user;
    const auth = parseAuth(c, [...p, 'auth'], raw.auth, where);
    if (auth) t.auth = auth;
    if (raw.hostKey === undefined && raw.knownHostsFile === undefined) {
      c.warn(p, 'HARNESS_CONFIG_HOSTKEY_UNPINNED', `${where} (${String(name)}) does not pin its host key`, "add hostKey: 'SHA256:...' (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the target) or knownHostsFile");
    }
  } else if (raw.address !== undefined || raw.auth !== undefined) {
    c.warn(p, 'HARNESS_CONFIG_IGNORED_FIELD', `${where} uses transport local: address and auth are ignored`, 'remove them');
  }
  if (raw.hostKey !== undefined) {
    if (typeof raw.hostKey !== 'string' || !HOSTKEY_RE.test(raw.hostKey)) c.error([...p, 'hostKey'], 'HARNESS_CONFIG_BAD_VALUE', `${where}.hostKey must look like SHA256:<43 base64 characters>, found ${typeName(raw.hostKey)}`, 'copy the fingerprint ssh-keygen -lf prints');
    else t.hostKey = raw.hostKey;
  }
  if (raw.knownHostsFile !== undefined) {
    if (typeof raw.knownHostsFile !== 'string') c.error([...p, 'knownHostsFile'], 'HARNESS_CONFIG_BAD_VALUE', `${where}.knownHostsFile must be a path`);
    else t.knownHostsFile = expandHome(raw.knownHostsFile);
  }
  if (raw.shell !== undefined) {
    if (raw.shell !== 'cmd' && raw.shell !== 'powershell') c.error([...p, 'shell'], 'HARNESS_CONFIG_BAD_VALUE', `${where}.shell must be cmd or powershell, found ${typeName(raw.shell)}`, 'the OpenSSH default shell on Windows is cmd');
    else if (os !== 'windows') c.error([...p, 'shell'], 'HARNESS_CONFIG_BAD_VALUE', `${where}.shell applies to Windows targets only`, 'remove shell for a Linux target');
    else t.shell = raw.shell;
  } else if (os === 'windows') t.shell = 'cmd';
  if (raw.qradar !== undefined) {
    const q = raw.qradar;
    if (!isPlainObject(q) || !Object.values(q).every((v) => typeof v === 'string')) c.error([...p, 'qradar'], 'HARNESS_CONFIG_WRONG_TYPE', `${where}.qradar must map logSourceName / sourceIp / hostname to text`, "write qradar: { logSourceName: 'WIN-WS01 @ 10.0.0.5' }");
    else {
      checkKeys(c, [...p, 'qradar'], q, ['logSourceName', 'sourceIp', 'hostname'], 'HARNESS_CONFIG_UNKNOWN_FIELD', `${where}.qradar`);
      t.qradar = q as Target['qradar'];
    }
  }
  if (raw.logs !== undefined) {
    if (raw.logs !== 'target' && raw.logs !== 'local') c.error([...p, 'logs'], 'HARNESS_CONFIG_BAD_VALUE', `${where}.logs must be target or local, found ${typeName(raw.logs)}`, 'write logs: local only when the target shares this machine\'s kernel audit log (lab namespaces); omit it otherwise');
    else if (raw.logs === 'local' && os !== 'linux') c.error([...p, 'logs'], 'HARNESS_CONFIG_BAD_VALUE', `${where}.logs: local applies to Linux targets only (their kernel audit log); a Windows target's event logs are read on the target`, 'remove logs from this target');
    else if (raw.logs === 'local') t.logs = 'local';
  }
  return c.errorCount > before ? undefined : t;
}

function parseAuth(c: Collector, p: YamlPath, raw: unknown, where: string): TargetAuth | undefined {
  const fix = 'write auth: { privateKeyPath: ~/.ssh/id_ed25519 } or { agent: true } or { passwordEnv: WIN_PASS }';
  if (raw === undefined) {
    c.error(p.slice(0, -1), 'HARNESS_CONFIG_MISSING_FIELD', `${where}.auth is required for an ssh target`, fix);
    return undefined;
  }
  if (!isPlainObject(raw)) {
    c.error(p, 'HARNESS_CONFIG_WRONG_TYPE', `${where}.auth must be a mapping, found ${kindOf(raw)}`, fix);
    return undefined;
  }
  refuseInlineSecrets(c, p, raw);
  const keys = Object.keys(raw).filter((k) => !isInlineSecretKey(k));
  checkKeys(c, p, Object.fromEntries(keys.map((k) => [k, raw[k]])), ['privateKeyPath', 'passphraseEnv', 'agent', 'passwordEnv'], 'HARNESS_CONFIG_UNKNOWN_FIELD', `${where}.auth`);
  const kinds = ['privateKeyPath', 'agent', 'passwordEnv'].filter((k) => k in raw);
  if (kinds.length !== 1) {
    if (!keys.some((k) => isInlineSecretKey(k)) || kinds.length > 1) c.error(p, 'HARNESS_CONFIG_BAD_VALUE', `${where}.auth must use exactly one of privateKeyPath, agent, passwordEnv (found ${kinds.join(', ') || 'none'})`, fix);
    return undefined;
  }
  if (typeof raw.privateKeyPath === 'string') {
    if (raw.passphraseEnv !== undefined && typeof raw.passphraseEnv !== 'string') c.error([...p, 'passphraseEnv'], 'HARNESS_CONFIG_BAD_VALUE', 'passphraseEnv must name an environment variable');
    return { privateKeyPath: expandHome(raw.privateKeyPath), ...(typeof raw.passphraseEnv === 'string' ? { passphraseEnv: raw.passphraseEnv } : {}) };
  }
  if (raw.agent === true) return { agent: true };
  if (typeof raw.passwordEnv === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(raw.passwordEnv)) return { passwordEnv: raw.passwordEnv };
  c.error([...p, kinds[0]!], 'HARNESS_CONFIG_BAD_VALUE', `${where}.auth.${kinds[0]} has a wrong value (${kindOf(raw[kinds[0]!])})`, fix);
  return undefined;
}

/** `~/x` -> `$HOME/x` (paths in targets files are written the way people type them). */
export function expandHome(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? homedir() + p.slice(1) : p;
}
