// Builds ssh2 connect options from a Target (auth from files/agent/environment, never logged) and
// turns connection failures into HarnessErrors with the phase and the fix.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { ConnectConfig } from 'ssh2';
import type { Target } from '../model/config.js';
import { HarnessError } from '../errors.js';
import { knownHostsFingerprints, normaliseFingerprint } from './hostkey.js';

export interface SshOptions {
  connectTimeoutMs?: number;
  keepaliveMs?: number;
  knownHostsFile?: string;
  /** Exec channels open at once on the connection (default 8; sshd's MaxSessions defaults to 10). */
  maxChannels?: number;
  /** Where passwords/passphrases/agent socket are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

function where(t: Target): string {
  return t.file ? `target '${t.name}' (${t.file})` : `target '${t.name}'`;
}

// Expands a leading ~ in a key path.
export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p;
}

// The fingerprints a target accepts: its pinned hostKey, or the entries of its known_hosts file.
export function pinnedFingerprints(t: Target, opts: SshOptions): { fingerprints: string[]; source: string } {
  if (t.hostKey) return { fingerprints: [normaliseFingerprint(t.hostKey)], source: 'hostKey' };
  const file = t.knownHostsFile ?? opts.knownHostsFile;
  if (file) return { fingerprints: knownHostsFingerprints(expandHome(file), t.address ?? '', t.port), source: expandHome(file) };
  return { fingerprints: [], source: 'nothing (no hostKey, no knownHostsFile)' };
}

// ssh2 ConnectConfig without the host verifier (the executor adds it).
export function connectConfig(t: Target, opts: SshOptions): ConnectConfig {
  const env = opts.env ?? process.env;
  if (!t.address) throw new HarnessError('HARNESS_EXEC_CONFIG', `${where(t)} has no address`, { phase: 'config', fix: 'set address: in the targets file' });
  if (!t.user) throw new HarnessError('HARNESS_EXEC_CONFIG', `${where(t)} has no user`, { phase: 'config', fix: 'set user: in the targets file' });
  const cfg: ConnectConfig = {
    host: t.address,
    port: t.port || 22,
    username: t.user,
    readyTimeout: opts.connectTimeoutMs ?? 15_000,
    keepaliveInterval: opts.keepaliveMs ?? 10_000,
    keepaliveCountMax: 3,
  };
  const auth = t.auth;
  if (!auth) throw new HarnessError('HARNESS_EXEC_CONFIG', `${where(t)} has no auth`, { phase: 'config', fix: 'set auth: { privateKeyPath: ... } or { agent: true } or { passwordEnv: VAR }' });
  if ('privateKeyPath' in auth) {
    const path = expandHome(auth.privateKeyPath);
    try {
      cfg.privateKey = readFileSync(path);
    } catch (e) {
      throw new HarnessError('HARNESS_EXEC_KEY_UNREADABLE', `${where(t)}: cannot read private key ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { phase: 'auth', fix: 'check auth.privateKeyPath and its permissions' });
    }
    if (auth.passphraseEnv) cfg.passphrase = secretFromEnv(t, env, auth.passphraseEnv);
  } else if ('agent' in auth) {
    if (!env.SSH_AUTH_SOCK) throw new HarnessError('HARNESS_EXEC_NO_AGENT', `${where(t)} uses agent auth but SSH_AUTH_SOCK is not set`, { phase: 'auth', fix: 'start ssh-agent and ssh-add the key, or use privateKeyPath' });
    cfg.agent = env.SSH_AUTH_SOCK;
  } else if ('passwordEnv' in auth) {
    cfg.password = secretFromEnv(t, env, auth.passwordEnv);
    cfg.tryKeyboard = false;
  }
  return cfg;
}

function secretFromEnv(t: Target, env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (v === undefined || v === '') {
    throw new HarnessError('HARNESS_EXEC_SECRET_MISSING', `${where(t)}: environment variable ${name} is not set`, { phase: 'auth', fix: `export ${name}=... before running (the value is never written anywhere)` });
  }
  return v;
}

// The refusal for an unknown or mismatched host key: both fingerprints and the deliberate way to trust.
export function hostKeyError(t: Target, seen: string, pinned: { fingerprints: string[]; source: string }): HarnessError {
  const known = pinned.fingerprints.length > 0;
  const msg = known
    ? `host key of ${where(t)} at ${t.address}:${t.port} does not match: the server offered ${seen}, pinned (${pinned.source}) is ${pinned.fingerprints.join(' or ')}`
    : `host key of ${where(t)} at ${t.address}:${t.port} is unknown: the server offered ${seen}, pinned is none (${pinned.source})`;
  return new HarnessError(known ? 'HARNESS_EXEC_HOSTKEY_MISMATCH' : 'HARNESS_EXEC_HOSTKEY_UNKNOWN', msg, {
    phase: 'hostkey',
    fix: `verify ${seen} out of band, then run: harness targets trust ${t.name}${t.file ? ` --targets ${t.file}` : ''} --write`,
    details: { target: t.name, offered: seen, pinned: pinned.fingerprints },
  });
}

// Maps an ssh2 connection error to a HarnessError (never includes a secret: ssh2 messages hold none).
export function connectError(t: Target, e: Error & { level?: string; code?: string }): HarnessError {
  if (e.level === 'client-authentication') {
    return new HarnessError('HARNESS_EXEC_AUTH', `authentication to ${where(t)} as ${t.user} failed`, { phase: 'auth', fix: 'check user and auth in the targets file, and that the key is authorised on the host', cause: e });
  }
  if (e.level === 'client-timeout' || /timed out/i.test(e.message)) {
    return new HarnessError('HARNESS_EXEC_CONNECT_TIMEOUT', `connecting to ${where(t)} at ${t.address}:${t.port} timed out`, { phase: 'timeout', fix: 'check the address, port and firewall; raise the connect timeout if the host is slow', cause: e });
  }
  return new HarnessError('HARNESS_EXEC_CONNECT', `cannot connect to ${where(t)} at ${t.address}:${t.port}: ${e.code ?? e.message}`, { phase: 'connect', fix: 'check that sshd runs on the host and the address and port are right', cause: e });
}
