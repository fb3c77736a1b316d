// The network-namespace lab: N Linux targets on one machine, each a namespace on a private bridge with
// its own sshd (pinned host key, key-only auth, its own user) and auditd recording execve and /tmp
// writes. `labUp` is idempotent; `labDown` removes exactly what the state file says `up` made.
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import { labLayout, LAB_ROOT, MAX_HOSTS, type LabLayout } from './layout.js';
import { readState, writeState, type LabStateFile, type HostState } from './state.js';
import { checkSubnetFree, ensureBridge, ensureHostNet, removeHostNet, removeBridge, netnsExists } from './net.js';
import { ensureUser, removeUser } from './users.js';
import { ensureSudoers, removeSudoers, sudoersPath } from './sudo.js';
import { ensureAuditd, ensureAuditRules, removeAuditRules, ensureBacklog, restoreBacklog, stopStartedAuditd } from './audit.js';
import { ensureKey, ensureSshd, stopSshd, sshdPid, sshdFiles } from './sshd.js';
import { writeTargetsFile } from './targets-file.js';
import { pidAlive, tryRun } from './run.js';

export interface LabOptions {
  /** Lab state directory (default /var/lib/atomic-harness/lab, or lab-<instance>). */
  dir?: string;
  /** Lab instance: 0 is `harness lab`'s; tests use others so labs can coexist. */
  instance?: number;
}

export interface LabUpOptions extends LabOptions {
  hosts: number;
  /** Give the lab users passwordless sudo (targets get `sudo: true`); kept on a re-run of up. */
  sudo?: boolean;
}

export interface LabHostStatus {
  name: string;
  address: string;
  port: number;
  user: string;
  netns: string;
  hostKey: string;
  sshdPid?: number;
  netnsUp: boolean;
  sshdAlive: boolean;
}

export interface LabState {
  instance: number;
  dir: string;
  bridge: string;
  subnet: string;
  gateway: string;
  targetsFile: string;
  clientKey: string;
  auditKey: string;
  /** The lab users have passwordless sudo (`up --sudo`). */
  sudo: boolean;
  hosts: LabHostStatus[];
}

function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new HarnessError('HARNESS_LAB_NOT_ROOT', 'the lab creates network namespaces, users and audit rules: it needs root', { phase: 'config', fix: 'run `sudo harness lab ...`' });
  }
}

function freshState(l: LabLayout, createdDir: boolean): LabStateFile {
  return { version: 1, instance: l.instance, dir: l.dir, bridge: l.bridge, createdBridge: false, subnet: l.subnet, gateway: l.gateway, clientKey: l.clientKey, targetsFile: l.targetsFile, auditKey: l.auditKey, auditRules: [], createdDir, hosts: [] };
}

// Brings the lab up with `hosts` hosts (idempotent: re-running repairs and resizes); writes targets.lab.yaml.
export async function labUp(opts: LabUpOptions): Promise<LabState> {
  requireRoot();
  if (!Number.isInteger(opts.hosts) || opts.hosts < 1 || opts.hosts > MAX_HOSTS) {
    throw new HarnessError('HARNESS_LAB_HOSTS', `--hosts must be a whole number from 1 to ${MAX_HOSTS}, got ${opts.hosts}`, { phase: 'config', fix: 'e.g. --hosts 3' });
  }
  const l = labLayout(opts.instance ?? 0, opts.dir);
  const createdDir = !existsSync(l.dir);
  mkdirSync(l.dir, { recursive: true, mode: 0o755 });
  const s = readState(l.stateFile) ?? freshState(l, createdDir);
  const save = (): void => writeState(l.stateFile, s);
  save();
  await checkSubnetFree(l);
  s.startedAuditd ??= await ensureAuditd();
  save();
  s.auditRules = await ensureAuditRules(l.auditKey);
  s.previousBacklogLimit ??= await ensureBacklog();
  save();
  await ensureKey(l.clientKey, `atomic-harness lab ${l.instance} client`);
  writeFileSync(l.authorizedKeys, readFileSync(`${l.clientKey}.pub`, 'utf8'), { mode: 0o644 });
  s.createdBridge = (await ensureBridge(l)) || s.createdBridge;
  save();
  for (let i = 1; i <= opts.hosts; i++) {
    const h = l.host(i);
    let hs = s.hosts.find((x) => x.index === i);
    if (!hs) {
      const f = sshdFiles(h);
      hs = { index: i, name: h.name, netns: h.netns, vethHost: h.vethHost, address: h.address, port: 22, user: h.user, createdUser: false, sshdPidFile: f.pidFile, sshdConfig: f.config, hostKeyFingerprint: '' };
      s.hosts.push(hs);
    }
    hs.createdUser = (await ensureUser(h.user)) || hs.createdUser;
    save();
    await ensureHostNet(l, h);
    hs.hostKeyFingerprint = (await ensureSshd(l, h)).fingerprint;
    save();
  }
  for (const extra of s.hosts.filter((x) => x.index > opts.hosts)) await removeHost(extra);
  s.hosts = s.hosts.filter((x) => x.index <= opts.hosts).sort((a, b) => a.index - b.index);
  save();
  if (opts.sudo || s.sudoers) {
    s.sudoers = sudoersPath(l.instance);
    save();
    await ensureSudoers(s.sudoers, s.hosts.map((h) => h.user));
  }
  writeTargetsFile(s);
  return (await labStatus(opts))!;
}

async function removeHost(h: HostState): Promise<void> {
  await stopSshd(h.sshdPidFile);
  // Whatever still runs inside the namespace (session sshds, commands) was started through the lab.
  if (await netnsExists(h.netns)) {
    const pids = (await tryRun('ip', ['netns', 'pids', h.netns])).stdout.split('\n').filter(Boolean).map(Number);
    for (const pid of pids) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }
  await removeHostNet(h);
  if (h.createdUser) await removeUser(h.user);
  rmSync(join(h.sshdPidFile, '..'), { recursive: true, force: true });
}

// Removes exactly what labUp made (namespaces, veths, bridge, sshds, users, audit rules, files).
export async function labDown(opts: LabOptions = {}): Promise<void> {
  requireRoot();
  const l = labLayout(opts.instance ?? 0, opts.dir);
  const s = readState(l.stateFile);
  if (!s) return;
  for (const h of [...s.hosts]) {
    await removeHost(h);
    s.hosts = s.hosts.filter((x) => x !== h);
    writeState(l.stateFile, s);
  }
  if (s.createdBridge) await removeBridge(s.bridge);
  await removeAuditRules(s.auditKey);
  if (s.previousBacklogLimit !== undefined && !otherLabsUp(l.dir)) await restoreBacklog(s.previousBacklogLimit);
  if (s.sudoers) removeSudoers(s.sudoers);
  // Another lab still up shares this auditd: leave it to the last one down.
  if (s.startedAuditd && pidAlive(s.startedAuditd) && !otherLabsUp(l.dir)) await stopStartedAuditd(s.startedAuditd);
  for (const f of [s.targetsFile, s.clientKey, `${s.clientKey}.pub`, l.authorizedKeys, l.stateFile]) rmSync(f, { force: true });
  if (s.createdDir) rmSync(l.dir, { recursive: true, force: true });
}

// True when another lab under the default root still has a state file (it still needs the backlog).
function otherLabsUp(ownDir: string): boolean {
  if (!existsSync(LAB_ROOT)) return false;
  return readdirSync(LAB_ROOT).some((d) => join(LAB_ROOT, d) !== ownDir && existsSync(join(LAB_ROOT, d, 'state.json')));
}

// The lab as recorded, with liveness of each namespace and sshd (null when no lab is up).
export async function labStatus(opts: LabOptions = {}): Promise<LabState | null> {
  const l = labLayout(opts.instance ?? 0, opts.dir);
  const s = readState(l.stateFile);
  if (!s) return null;
  const hosts: LabHostStatus[] = [];
  for (const h of s.hosts) {
    const pid = sshdPid({ pidFile: h.sshdPidFile, config: h.sshdConfig, hostKey: '', log: '' });
    hosts.push({ name: h.name, address: h.address, port: h.port, user: h.user, netns: h.netns, hostKey: h.hostKeyFingerprint, sshdPid: pid, netnsUp: await netnsExists(h.netns), sshdAlive: pid !== undefined });
  }
  return { instance: s.instance, dir: s.dir, bridge: s.bridge, subnet: s.subnet, gateway: s.gateway, targetsFile: s.targetsFile, clientKey: s.clientKey, auditKey: s.auditKey, sudo: s.sudoers !== undefined, hosts };
}

export { labLayout } from './layout.js';
