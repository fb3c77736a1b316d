// The lab's audit rules: execve (64 and 32 bit) and writes under /tmp, tagged with the lab's key so
// `down` deletes exactly these (`auditctl -D -k KEY`). Starts auditd when it is not running.
// Note: the kernel stops at the first matching exit rule, so when an earlier rule (another lab, the
// system's own) also matches execve, records carry THAT rule's key: find lab events by marker and
// uid, never by this key alone.
import { existsSync, readFileSync } from 'node:fs';
import { run, tryRun } from './run.js';
import { HarnessError } from '../errors.js';

// The auditctl argument lists the lab adds.
export function labAuditRules(key: string): string[][] {
  return [
    ['-a', 'always,exit', '-F', 'arch=b64', '-S', 'execve', '-k', key],
    ['-a', 'always,exit', '-F', 'arch=b32', '-S', 'execve', '-k', key],
    ['-w', '/tmp', '-p', 'wa', '-k', key],
  ];
}

// The pid of the auditd the kernel delivers records to (0 when none). The kernel keeps naming a daemon
// that died without deregistering (SIGKILL, a restored VM snapshot) until a delivery fails, so the pid
// counts only while that process is alive and is auditd.
export async function auditdPid(): Promise<number> {
  const r = await tryRun('auditctl', ['-s']);
  const pid = Number(/^pid (\d+)/m.exec(r.stdout)?.[1] ?? '0');
  return pid > 0 && isAuditd(pid) ? pid : 0;
}

// A live process called auditd: a zombie (exited, not yet reaped by its parent) still has the name.
function isAuditd(pid: number): boolean {
  try {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'auditd') return false;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Stops the auditd the lab started and waits until it no longer receives records (5 s at most), so a lab
 *  brought up next does not take the dying daemon for a running one. */
export async function stopStartedAuditd(pid: number): Promise<void> {
  if (!isAuditd(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && (await auditdPid()) === pid; i++) await new Promise((r) => setTimeout(r, 100));
}

// Starts auditd if needed; returns its pid when this call started it.
export async function ensureAuditd(): Promise<number | undefined> {
  if ((await auditdPid()) > 0) return undefined;
  const bin = ['/usr/sbin/auditd', '/sbin/auditd'].find((p) => existsSync(p));
  if (!bin) throw new HarnessError('HARNESS_LAB_NO_AUDITD', 'auditd is not installed', { phase: 'config', fix: 'apt-get install auditd' });
  await run(bin, []);
  for (let i = 0; i < 50; i++) {
    const pid = await auditdPid();
    if (pid > 0) return pid;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new HarnessError('HARNESS_LAB_AUDITD', 'auditd did not start', { phase: 'exec', fix: 'run `auditd -f` to see why' });
}

// Rules currently loaded with this key.
export async function rulesWithKey(key: string): Promise<string[]> {
  const r = await tryRun('auditctl', ['-l', '-k', key]);
  return r.stdout.split('\n').filter((l) => /(?:key=|-k )(\S+)\s*$/.exec(l)?.[1] === key);
}

// Adds the lab rules unless they are loaded already; returns the rules added.
export async function ensureAuditRules(key: string): Promise<string[][]> {
  const have = await rulesWithKey(key);
  if (have.length >= 3) return labAuditRules(key);
  if (have.length > 0) await run('auditctl', ['-D', '-k', key]);
  for (const rule of labAuditRules(key)) {
    const r = await tryRun('auditctl', rule);
    // A 32-bit rule may be refused on a kernel without compat support; execve b64 and /tmp are what matter.
    if (!r.ok && !rule.includes('arch=b32')) await run('auditctl', rule);
  }
  return labAuditRules(key);
}

// Deletes every rule carrying the lab key.
export async function removeAuditRules(key: string): Promise<void> {
  if ((await rulesWithKey(key)).length > 0) await run('auditctl', ['-D', '-k', key]);
}

export const LAB_BACKLOG = 8192;

// The kernel audit backlog limit (0 when unknown).
export async function backlogLimit(): Promise<number> {
  const m = /^backlog_limit (\d+)/m.exec((await tryRun('auditctl', ['-s'])).stdout);
  return m ? Number(m[1]) : 0;
}

// Raises the kernel's audit backlog: with execve recorded machine-wide, a small backlog (64 on some
// systems) overflows and records are lost. Returns the previous limit when this call changed it.
export async function ensureBacklog(min = LAB_BACKLOG): Promise<number | undefined> {
  const cur = await backlogLimit();
  if (cur === 0 || cur >= min) return undefined;
  await run('auditctl', ['-b', String(min)]);
  return cur;
}

// Puts the backlog limit back (the caller checks no other lab still needs it).
export async function restoreBacklog(previous: number): Promise<void> {
  if ((await backlogLimit()) === LAB_BACKLOG) await run('auditctl', ['-b', String(previous)]);
}
