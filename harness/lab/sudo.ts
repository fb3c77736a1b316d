// Optional sudo rights for the lab users (`harness lab up --sudo`): a Linux target whose login elevates
// with `sudo -n`, as an ops account usually does, so elevated atomics, the sudo preflight (auditctl and
// the audit log through sudo) and the kill of an elevated process tree run for real. One sudoers drop-in
// per lab instance, checked by visudo before sudo can read it, removed by `down`.
import { chmodSync, existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { HarnessError } from '../errors.js';
import { tryRun } from './run.js';

export const SUDO_BIN = ['/usr/bin/sudo', '/bin/sudo'].find((p) => existsSync(p));

// sudo reads every file of /etc/sudoers.d whose name has no '.' and does not end in '~'.
export function sudoersPath(instance: number): string {
  return `/etc/sudoers.d/atomic-harness-lab-${instance}`;
}

// The drop-in's text: each lab user may run anything as root without a password (no tty needed for -n).
export function sudoersText(users: string[]): string {
  return `# atomic-harness lab: the lab users elevate with sudo -n; removed by \`harness lab down\`\n${users.map((u) => `${u} ALL=(root) NOPASSWD: ALL`).join('\n')}\n`;
}

// Writes (or rewrites, after a resize) the drop-in for these users. The text goes to a name sudo ignores
// (it has a '.'), visudo checks it, and only then it is renamed into place: a bad file never locks sudo.
export async function ensureSudoers(path: string, users: string[]): Promise<void> {
  if (!SUDO_BIN) throw new HarnessError('HARNESS_LAB_NO_SUDO', 'lab up --sudo: sudo is not installed', { phase: 'config', fix: 'apt-get install sudo, or leave out --sudo' });
  if (!existsSync('/etc/sudoers.d')) throw new HarnessError('HARNESS_LAB_NO_SUDO', 'lab up --sudo: /etc/sudoers.d does not exist, so a drop-in would not be read', { phase: 'config', fix: 'add `@includedir /etc/sudoers.d` to /etc/sudoers (Debian has it), or leave out --sudo' });
  const tmp = `${path}.new`;
  writeFileSync(tmp, sudoersText(users), { mode: 0o440 });
  chmodSync(tmp, 0o440);
  const check = await tryRun('visudo', ['-cf', tmp]);
  if (!check.ok) {
    rmSync(tmp, { force: true });
    throw new HarnessError('HARNESS_LAB_COMMAND', `lab: visudo refused the sudoers drop-in: ${(check.stderr || check.stdout).trim()}`, { phase: 'config', fix: 'report this as a bug (the lab user names are generated)' });
  }
  renameSync(tmp, path);
}

export function removeSudoers(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.new`, { force: true });
}
