// Where the audit log stood before the run: inode and size of /var/log/audit/audit.log, so live
// collection reads only what the run added, and still finds it after rotations (audit.log.1, .2, ...).
import type { Executor } from '../exec/types.js';
import type { Target } from '../model/config.js';
import { shQuote } from './residue.js';

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

// One POSIX sh command printing the log from `from`. Same inode: the file from the offset (from 0 if it
// shrank). Rotated (auditd renames audit.log -> .1 -> .2 ... on each rotation, so several may have
// happened since the last read): the old inode is looked for in .1, .2, ... (while they exist), and the
// rest of that file, the newer rotated files whole and the current file are printed, oldest first. The
// old inode not found means events were rotated away: exit 4, never a silent success with data missing.
// A rotation during the read: exit 5 (the next read retries from the same place).
// The first output line is `ATH-POS <inode> <size>`: where the next read continues.
export function readSinceCommand(target: Pick<Target, 'sudo'>, from: AuditOffset): string {
  const f = shQuote(from.file);
  const o = from.offset;
  const gone = shQuote(`${from.file} rotated away before it was read to the end (inode ${from.inode} is in none of ${from.file}.1, .2, ...): `
    + 'the events written since then are lost. Fix: keep more rotated logs (num_logs, max_log_file in auditd.conf) or run fewer tests per run, then rerun');
  const moved = shQuote(`${from.file} rotated while being read; the next read retries`);
  return [
    sudoVar(target),
    `ino=$($S stat -c %i ${f}) || exit 3; size=$($S stat -c %s ${f}) || exit 3;`,
    `echo "ATH-POS $ino $size";`,
    `if [ "$ino" = "${from.inode}" ]; then`,
    `  if [ "$size" -ge ${o} ]; then $S tail -c +${o + 1} ${f} | head -c $(( size - ${o} )); else $S head -c "$size" ${f}; fi;`,
    `else`,
    `  n=0; i=1; while r=$($S stat -c %i ${f}.$i 2>/dev/null); do if [ "$r" = "${from.inode}" ]; then n=$i; break; fi; i=$((i + 1)); done;`,
    `  if [ "$n" = 0 ]; then echo ${gone} >&2; exit 4; fi;`,
    `  $S tail -c +${o + 1} ${f}.$n || exit 6; i=$((n - 1));`,
    `  while [ "$i" -ge 1 ]; do $S cat ${f}.$i || exit 6; i=$((i - 1)); done;`,
    `  $S head -c "$size" ${f} || exit 6;`,
    `fi;`,
    // Every rotation renames the current file: the same inode at the end means no rotation moved the files read.
    `[ "$($S stat -c %i ${f})" = "$ino" ] || { echo ${moved} >&2; exit 5; }`,
  ].join(' ');
}

// Splits the output of readSinceCommand into the new position and the log text.
export function parseReadSince(stdout: string, file: string): { pos?: AuditOffset; text: string } {
  const nl = stdout.indexOf('\n');
  const head = /^ATH-POS (\d+) (\d+)$/.exec(nl < 0 ? stdout : stdout.slice(0, nl));
  if (!head) return { text: '' };
  return { pos: { file, inode: Number(head[1]), offset: Number(head[2]), at: Date.now() }, text: nl < 0 ? '' : stdout.slice(nl + 1) };
}
