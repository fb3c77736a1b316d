// Runs the system tools the lab drives (ip, ssh-keygen, useradd, auditctl, sshd) and turns a failure
// into a HarnessError that shows the command and what it printed.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { HarnessError } from '../errors.js';

export interface Ran {
  ok: boolean;
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

// Runs a program without a shell; never throws.
export async function tryRun(file: string, args: string[]): Promise<Ran> {
  const r = await execa(file, args, { reject: false, timeout: 30_000, stdin: 'ignore' });
  return { ok: r.exitCode === 0, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? null };
}

// Runs a program and throws HARNESS_LAB_COMMAND when it fails.
export async function run(file: string, args: string[], fix = 'see the message; `harness lab down` then `up` starts clean'): Promise<string> {
  const r = await tryRun(file, args);
  if (!r.ok) {
    throw new HarnessError('HARNESS_LAB_COMMAND', `lab: \`${[file, ...args].join(' ')}\` failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ')}`, { phase: 'exec', fix });
  }
  return r.stdout;
}

// True when a process with this pid exists and is not a zombie (a killed daemon whose parent never
// reaps it still answers kill(pid, 0)).
export function pidAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

// The process's command line (empty when it is gone).
export function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
