// Where the audit log stood before the run: inode and size of /var/log/audit/audit.log, so live
// collection reads only what the run added, and still finds it after a rotation (audit.log.1).
import type { Executor } from '../exec/types.js';
import type { Target } from '../model/config.js';

export const AUDIT_LOG = '/var/log/audit/audit.log';

export interface AuditOffset {
  file: string;
  inode: number;
  /** Byte offset: everything before it was written before the run. */
  offset: number;
  /** When it was taken (epoch ms). */
  at: number;
}

// `sudo -n` when the target allows it and the login is not root (the audit log is root:adm 0640).
export function sudoVar(target: Pick<Target, 'sudo'>): string {
  return target.sudo ? 'S=; [ "$(id -u)" = 0 ] || S="sudo -n";' : 'S=;';
}

// Records the current end of the audit log; a HarnessError-free result: undefined with `error` when unreadable.
export async function recordAuditOffset(exec: Executor, target: Pick<Target, 'sudo'>, file = AUDIT_LOG): Promise<{ offset?: AuditOffset; error?: string }> {
  const r = await exec.exec(`${sudoVar(target)} $S stat -c '%i %s' '${file}'`, { timeoutMs: 30_000 });
  const m = /^(\d+) (\d+)\s*$/.exec(r.stdout);
  if (r.exitCode !== 0 || !m) return { error: `cannot stat ${file}: ${(r.stderr || r.stdout).trim() || `exit ${r.exitCode}`}` };
  return { offset: { file, inode: Number(m[1]), offset: Number(m[2]), at: Date.now() } };
}

// One sh command printing the log from `from`: same inode -> the file from the offset (from 0 if it
// shrank); rotated -> the rest of the rotated file (audit.log.1 with that inode), then the new file whole.
// The first output line is `ATH-POS <inode> <size>`: where the next read continues.
export function readSinceCommand(target: Pick<Target, 'sudo'>, from: AuditOffset): string {
  const f = `'${from.file}'`;
  return [
    sudoVar(target),
    `ino=$($S stat -c %i ${f}) || exit 3; size=$($S stat -c %s ${f});`,
    `echo "ATH-POS $ino $size";`,
    `if [ "$ino" = "${from.inode}" ]; then`,
    `  if [ "$size" -ge ${from.offset} ]; then $S tail -c +${from.offset + 1} ${f} | head -c $(( size - ${from.offset} )); else $S head -c "$size" ${f}; fi;`,
    `else`,
    `  if [ "$($S stat -c %i ${f}.1 2>/dev/null)" = "${from.inode}" ]; then $S tail -c +${from.offset + 1} ${f}.1; fi;`,
    `  $S head -c "$size" ${f};`,
    `fi`,
  ].join(' ');
}

// Splits the output of readSinceCommand into the new position and the log text.
export function parseReadSince(stdout: string, file: string): { pos?: AuditOffset; text: string } {
  const nl = stdout.indexOf('\n');
  const head = /^ATH-POS (\d+) (\d+)$/.exec(nl < 0 ? stdout : stdout.slice(0, nl));
  if (!head) return { text: '' };
  return { pos: { file, inode: Number(head[1]), offset: Number(head[2]), at: Date.now() }, text: nl < 0 ? '' : stdout.slice(nl + 1) };
}
