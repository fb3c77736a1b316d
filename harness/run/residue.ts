// The residue check: after cleanup, is anything the execution made still there? A leftover trusted root
// certificate is a real hole on the target, so anything found becomes a loud RESIDUE finding.
import type { Executor } from '../exec/types.js';
import type { ResidueCheck } from './journal.js';

export interface ResidueResult {
  /** What is still there (`file /tmp/ath-...-3.pem`, `cert Cert:\LocalMachine\Root\<T>`). */
  residue: string[];
  /** The check itself could not run (connection lost, ...): residue unknown, never reported as clean. */
  error?: string;
}

// Runs the checks on the target; an empty `residue` with no `error` means clean.
export async function checkResidue(exec: Executor, checks: ResidueCheck[], shell?: 'cmd' | 'powershell', timeoutMs = 30_000): Promise<ResidueResult> {
  if (checks.length === 0) return { residue: [] };
  const command = exec.os === 'windows' ? windowsResidueCommand(checks, shell) : linuxResidueCommand(checks);
  try {
    let r = await exec.exec(command, { timeoutMs, maxOutputBytes: 64 * 1024 });
    // Read-only: a check whose channel closed without an exit status is asked again once.
    if (r.exitCode === null && !r.timedOut && !r.aborted && exec.isConnected()) r = await exec.exec(command, { timeoutMs, maxOutputBytes: 64 * 1024 });
    if (r.timedOut || r.aborted) return { residue: [], error: `residue check did not finish (${r.timedOut ? 'timed out' : 'aborted'})` };
    // The check prints one finding per line and exits 0 either way; anything else is a failed check.
    if (r.exitCode !== 0) return { residue: [], error: `residue check exited ${r.exitCode}: ${r.stderr.trim().slice(0, 300)}` };
    return { residue: r.stdout.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '') };
  } catch (e) {
    return { residue: [], error: `residue check failed: ${(e as Error).message}` };
  }
}

// POSIX single-quote quoting for the harness's own commands (atomic commands go through the shell renderers).
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

// Markers only hold [a-z0-9-]; the check refuses anything else rather than build a glob from it.
function safeMarker(m: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(m)) throw new Error(`unsafe marker ${JSON.stringify(m)}`);
  return m;
}

// One sh command printing `file <path>` per leftover; `*<m>[!0-9]*` so ath-x-1 does not match ath-x-10.
export function linuxResidueCommand(checks: ResidueCheck[]): string {
  const parts: string[] = [];
  for (const c of checks) {
    if (c.kind === 'marker-files') {
      const m = safeMarker(c.marker);
      parts.push(
        `find ${shQuote(c.dir)} -maxdepth 1 \\( -name '*${m}' -o -name '*${m}[!0-9]*' \\) -printf 'file %p\\n' 2>/dev/null`,
        // The system trust anchors, where a behaviour installing a root certificate would put it.
        `find /usr/local/share/ca-certificates /etc/pki/ca-trust/source/anchors -maxdepth 2 \\( -name '*${m}' -o -name '*${m}[!0-9]*' \\) -printf 'trust-anchor %p\\n' 2>/dev/null`,
      );
    } else {
      const t = safeMarker(c.thumbprint);
      // The trust bundle's certificates by SHA-1 (only when a bundle exists; cheap enough for one check).
      parts.push(
        `for f in /usr/local/share/ca-certificates/*.crt /etc/pki/ca-trust/source/anchors/*; do [ -f "$f" ] && openssl x509 -in "$f" -noout -fingerprint -sha1 2>/dev/null | tr -d : | grep -qi '=${t}$' && printf 'trust-anchor %s (%s)\\n' "$f" '${t}'; done`,
      );
    }
  }
  return `{ ${parts.join('; ')}; } ; true`;
}

// A PowerShell script printing `cert <path>` / `file <path>` per leftover, wrapped for the target's shell.
export function windowsResidueCommand(checks: ResidueCheck[], shell: 'cmd' | 'powershell' = 'cmd'): string {
  const lines: string[] = [];
  for (const c of checks) {
    if (c.kind === 'thumbprint') {
      const t = safeMarker(c.thumbprint);
      lines.push(`Get-ChildItem Cert:\\ -Recurse -ErrorAction SilentlyContinue | Where-Object { $_.Thumbprint -eq '${t}' } | ForEach-Object { 'cert ' + $_.PSPath }`);
    } else {
      const m = safeMarker(c.marker);
      const dir = c.dir.replace(/'/g, "''");
      lines.push(`Get-ChildItem -LiteralPath '${dir}' -ErrorAction SilentlyContinue | Where-Object { $_.Name -match '${m}(\\D|$)' } | ForEach-Object { 'file ' + $_.FullName }`);
    }
  }
  return wrapPowerShell(lines.join('; ') + '; exit 0', shell);
}

// The script on the command line (DESIGN section 6); from a PowerShell login shell it runs as is.
export function wrapPowerShell(script: string, shell: 'cmd' | 'powershell' = 'cmd'): string {
  if (shell === 'powershell') return script;
  return `powershell.exe -NoProfile -NonInteractive -Command "${script.replace(/"/g, '\\"')}"`;
}
