// The real Linux audit subsystem for live tests: make sure auditd runs, add a temporary execve rule, and
// read what the kernel logged after a byte offset. Only what the helper added is removed afterwards.
import { execFileSync, spawnSync } from 'node:child_process';
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

/** Starts auditd if no daemon is registered with the kernel; returns the audit log path. */
export function ensureAuditd(): string {
  const status = auditctl(['-s']);
  const pid = Number(/^pid (\d+)/m.exec(status)?.[1] ?? '0');
  if (pid === 0) {
    const r = spawnSync('auditd', [], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`could not start auditd: ${r.stderr}`);
    for (let i = 0; i < 50; i++) {
      if (Number(/^pid (\d+)/m.exec(auditctl(['-s']))?.[1] ?? '0') !== 0) break;
      spawnSync('sleep', ['0.1']);
    }
  }
  if (/^enabled 0/m.test(auditctl(['-s']))) auditctl(['-e', '1']);
  let log = '/var/log/audit/audit.log';
  try {
    const conf = readFileSync('/etc/audit/auditd.conf', 'utf8');
    log = /^\s*log_file\s*=\s*(\S+)/m.exec(conf)?.[1] ?? log;
  } catch { /* default path */ }
  return log;
}

/** Adds `-a always,exit -F arch=b64 -S execve -k <key>`; returns the function that removes exactly it. */
export function addExecveRule(key: string): () => void {
  const rule = ['always,exit', '-F', 'arch=b64', '-S', 'execve', '-k', key];
  auditctl(['-a', ...rule]);
  return () => {
    try { auditctl(['-d', ...rule]); } catch { /* already gone */ }
  };
}

/** Current size of the log (the offset to read from later). */
export function logOffset(log: string): number {
  return existsSync(log) ? statSync(log).size : 0;
}

/** Text appended to the log since `offset` (rotation: if the file shrank, read it from the start). */
export function readSince(log: string, offset: number): string {
  const size = logOffset(log);
  const from = size < offset ? 0 : offset;
  const fd = openSync(log, 'r');
  try {
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Polls the log until `needle` appears after `offset` (auditd writes asynchronously), or the time is up. */
export async function waitForLog(log: string, offset: number, needle: string, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text = readSince(log, offset);
    if (text.includes(needle) || Date.now() > until) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
}
