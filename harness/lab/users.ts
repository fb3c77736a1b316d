// Per-host login users (athlab1, ...): the kernel audit log is shared by every namespace, so each lab
// host logs in as its own user and its records differ by auid/uid.
import { readFileSync } from 'node:fs';
import { run, tryRun } from './run.js';

// True when the user exists in /etc/passwd.
export function userExists(user: string): boolean {
  return readFileSync('/etc/passwd', 'utf8').split('\n').some((l) => l.startsWith(`${user}:`));
}

// Creates the user with a home and bash; '*' as password hash (no password login, yet not "locked",
// which sshd without PAM would refuse). Returns true when this call created it.
export async function ensureUser(user: string): Promise<boolean> {
  if (userExists(user)) return false;
  await run('useradd', ['-m', '-s', '/bin/bash', '-p', '*', '-c', 'atomic-harness lab', user]);
  return true;
}

// Ends the user's remaining processes (by pid) and deletes the user with its home.
export async function removeUser(user: string): Promise<void> {
  if (!userExists(user)) return;
  const pids = (await tryRun('pgrep', ['-u', user])).stdout.split('\n').filter(Boolean).map(Number);
  for (const pid of pids) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  await new Promise((r) => setTimeout(r, pids.length ? 200 : 0));
  await run('userdel', ['-r', '-f', user]);
}
