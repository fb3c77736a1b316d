// The real Linux audit subsystem for live tests: make sure auditd runs, add a temporary execve rule, and
// read what the kernel logged after a byte offset. Only what the helper added is removed afterwards.
import { execFileSync } from 'node:child_process';
import { auditdPid, ensureAuditd as ensureAuditDaemon } from '../../harness/lab/audit.js';
import { existsSync, readFileSync, statSync, openSync, readSync, closeSync } from 'node:fs';
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
export interface LogMark { inode: number; offset: number }

export function logOffset(log: string): LogMark {
  return existsSync(log) ? { inode: statSync(log).ino, offset: statSync(log).size } : { inode: 0, offset: 0 };
}

/**
 * Text appended to the log since `mark`. auditd rotates the log every few minutes while the lab audits
 * every execve: then the rest of the rotated file holding the mark (`.1`, `.2`, ...), the newer rotated
 * files and the current log are read, oldest first.
 */
export function readSince(log: string, mark: LogMark): string {
  if (!existsSync(log)) return '';
  if (statSync(log).ino === mark.inode) return readFrom(log, mark.offset);
  const rotated: string[] = [];
  for (let i = 1; existsSync(`${log}.${i}`); i++) {
    rotated.push(`${log}.${i}`);
    if (statSync(`${log}.${i}`).ino === mark.inode) break;
  }
  const holder = rotated.at(-1);
  const found = holder !== undefined && statSync(holder).ino === mark.inode;
  // Oldest first: the rest of the file holding the mark, the newer rotated files whole, then the log.
  const parts = found ? [readFrom(holder, mark.offset), ...rotated.slice(0, -1).reverse().map((f) => readFrom(f, 0))] : [];
  return parts.join('') + readFrom(log, 0);
}

function readFrom(file: string, from: number): string {
  const fd = openSync(file, 'r');
  try {
    const size = statSync(file).size;
    const buf = Buffer.alloc(Math.max(0, size - from));
    readSync(fd, buf, 0, buf.length, Math.min(from, size));
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
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
