// Windows process-tree control over SSH. cmd.exe gives no process id back, so the tree is found by what
// its command lines carry: the execution's marker (ExecOptions.killMatch), which the rendered command holds
// whenever the atomic uses a marker-carrying built-in (#{harness_marker}, #{harness_cert_path}, #{harness_url}).
// The command itself is left untouched (no wrapper, no tag): Sysmon's CommandLine must show exactly what the
// atomic ran, and a tag carrying the marker would tie the harness's own shell to the execution (a false pass).
// On timeout or abort a second channel runs a PowerShell one-liner that finds every process whose
// CommandLine holds the marker and runs `taskkill /T /F /PID` on each. The marker is written split in two
// ('a'+'th-...'), so neither the kill's own shell nor its powershell.exe matches, and the kill process does not
// carry the marker into the telemetry the verdict ties by marker.
import { HarnessError } from '../errors.js';
import { psSingleQuote } from './shells/powershell.js';

const KILL_MATCH = /^[a-z0-9-]{2,64}$/;

// Refuses a killMatch that is not a marker-like token ([a-z0-9-], 2 to 64 characters).
export function checkKillMatch(killMatch: string): string {
  if (!KILL_MATCH.test(killMatch)) {
    throw new HarnessError('HARNESS_EXEC_KILL_MATCH', `killMatch must be 2-64 characters of [a-z0-9-], got ${JSON.stringify(killMatch.slice(0, 80))}`, {
      phase: 'exec',
      fix: 'pass the execution marker (ath-<run8>-<seq>) as killMatch',
    });
  }
  return killMatch;
}

// The PowerShell script that kills every process tree whose CommandLine holds killMatch as a whole token
// (so ath-x-3 never matches ath-x-31). Holds no double quote, %, or contiguous copy of killMatch.
export function windowsKillScript(killMatch: string): string {
  checkKillMatch(killMatch);
  const pattern = `'(?<![a-z0-9])${killMatch[0]}'+'${killMatch.slice(1)}(?![a-z0-9])'`;
  return (
    `$m = ${pattern}; ` +
    'Get-CimInstance Win32_Process | Where-Object { $_.CommandLine -match $m -and $_.ProcessId -ne $PID } | ' +
    'ForEach-Object { taskkill.exe /T /F /PID $_.ProcessId }'
  );
}

// The kill command line for a Windows target whose SSH default shell is `shell`.
export function windowsKillCommand(killMatch: string, shell: 'cmd' | 'powershell' = 'cmd'): string {
  const script = windowsKillScript(killMatch);
  const prefix = 'powershell.exe -NoProfile -NonInteractive -Command';
  // cmd.exe: a double-quoted region keeps | < > ( ) literal, and the script holds no " or %; powershell.exe's
  // CommandLineToArgvW then yields the script as one argument (no backslash precedes a quote).
  if (shell === 'cmd') return `${prefix} "${script}"`;
  // PowerShell: single quotes stop $_ and $PID expanding in the outer shell; PS 5.1 hands the value to
  // powershell.exe as "..." (it has spaces and no double quote, so nothing needs escaping).
  return `${prefix} ${psSingleQuote(script)}`;
}

// A Windows command as given (environment variables cannot be passed to Windows SSH targets).
export function windowsCommand(command: string, env?: Record<string, string>): string {
  if (env && Object.keys(env).length > 0) {
    throw new HarnessError('HARNESS_EXEC_ENV', 'environment variables are not supported for Windows SSH targets', { phase: 'exec', fix: 'put the values in the command as quoted input arguments' });
  }
  return command;
}
