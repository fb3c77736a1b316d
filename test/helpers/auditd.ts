// The real Linux audit subsystem for live tests: make sure auditd runs, add a temporary execve rule, and
// read what the kernel logged after a byte offset. Only what the helper added is removed afterwards.
import { execFileSync } from 'node:child_process';
import { auditdPid, ensureAuditd as ensureAuditDaemon } from '../../harness/lab/audit.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseReadSince, readSinceCommand, type AuditOffset } from '../../harness/run/audit-offset.js';
import { hasCommand, isRoot } from './env.js';

/** Why live audit tests cannot run here, or null if they can. */
export function auditUnavailable(): string | null {
  if (!isRoot) return 'not root (auditctl needs CAP_AUDIT_CONTROL)';
  if (!hasCommand('auditctl') && !existsSync('/usr/sbin/auditctl')) return 'auditd is not installed (Debian package auditd)';
  return null;
}

function auditctl(args: string[]): string {
  return execFileSync('auditctl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The audit log auditd writes (auditd.conf's log_file). */
export function auditLogPath(): string {
  try {
    return /^\s*log_file\s*=\s*(\S+)/m.exec(readFileSync('/etc/audit/auditd.conf', 'utf8'))?.[1] ?? '/var/log/audit/audit.log';
  } catch {
    return '/var/log/audit/audit.log';
  }
}

/**
 * Makes sure a live auditd receives the kernel's records (starting it when none does, as on a fresh CI
 * machine, or when the kernel still names a daemon that died) and auditing is enabled; returns the log
 * path. The same check the lab uses, so a stale registration is never taken for a running daemon.
 */
export async function ensureAuditd(): Promise<string> {
  await ensureAuditDaemon();
  if (/^enabled 0/m.test(auditctl(['-s']))) auditctl(['-e', '1']);
  return auditLogPath();
}

/**
 * Tests that stop this machine's auditd (to prove the harness starts it, as on a fresh machine) run as
 * root in CI, or where ATH_TEST_STOP_AUDITD=1 allows it: on a workstation auditd belongs to systemd.
 */
export const mayStopAuditd = isRoot && (process.env.CI !== undefined || process.env.ATH_TEST_STOP_AUDITD === '1');
export const STOP_AUDITD_WHY = 'stops the machine\'s auditd: runs as root in CI, or with ATH_TEST_STOP_AUDITD=1';

/** The pid the kernel names as its audit daemon (0 when none), whether or not that process is alive. */
export function kernelAuditPid(): number {
  return Number(/^pid (\d+)/m.exec(auditctl(['-s']))?.[1] ?? '0');
}

/**
 * Stops the live auditd. 'clean' (SIGTERM): it deregisters. 'kill' (SIGKILL): it cannot, and the kernel
 * keeps naming the dead pid until a delivery fails, which is the state a restored VM or a killed session
 * leaves. Returns the pid that was stopped (0 when none ran).
 */
export async function stopAuditd(how: 'clean' | 'kill'): Promise<number> {
  const pid = await auditdPid(); // the live daemon only (harness/lab/audit.ts)
  if (pid === 0) return 0;
  process.kill(pid, how === 'clean' ? 'SIGTERM' : 'SIGKILL');
  for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 50));
  if (how === 'clean') for (let i = 0; i < 100 && kernelAuditPid() !== 0; i++) await new Promise((r) => setTimeout(r, 50));
  return pid;
}

/** Adds `-a always,exit -F arch=b64 -S execve -k <key>`; returns the function that removes exactly it. */
export function addExecveRule(key: string): () => void {
  const rule = ['always,exit', '-F', 'arch=b64', '-S', 'execve', '-k', key];
  auditctl(['-a', ...rule]);
  return () => {
    try { auditctl(['-d', ...rule]); } catch { /* already gone */ }
  };
}

/** Where the log ended: its inode and size (the place to read from later, across rotations). */
export type LogMark = AuditOffset;

export function logOffset(log: string): LogMark {
  const st = existsSync(log) ? statSync(log) : undefined;
  return { file: log, inode: st?.ino ?? 0, offset: st?.size ?? 0, at: Date.now() };
}

/**
 * Text appended to the log since `mark`, by the product's own rotation-aware read (auditd rotates the log
 * every few minutes while the lab audits every execve). A read that fails (a rotation during it) is empty:
 * the caller polls again.
 */
export function readSince(log: string, mark: LogMark): string {
  try {
    return parseReadSince(execFileSync('sh', ['-c', readSinceCommand({ sudo: false }, { ...mark, file: log })], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }), log).text;
  } catch {
    return '';
  }
}

/**
 * Polls the log until `needle` appears after `mark` and the event holding it is whole (its PROCTITLE
 * record, the kernel's last, is written: auditd writes an event's records one line at a time, and a
 * long argument spans several EXECVE records), or the time is up.
 */
export async function waitForLog(log: string, mark: LogMark, needle: string, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text = readSince(log, mark);
    if ((text.includes(needle) && eventWhole(text, needle)) || Date.now() > until) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function eventWhole(text: string, needle: string): boolean {
  const at = text.indexOf(needle);
  const line = text.slice(text.lastIndexOf('\n', at) + 1, text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at));
  const stamp = /msg=audit\(([^)]+)\)/.exec(line)?.[1];
  return stamp === undefined || text.includes(`type=PROCTITLE msg=audit(${stamp})`);
}
