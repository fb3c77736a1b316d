// Shell renderers: turn an atomic's command into the command line the target runs, and quote input
// arguments as data for that shell. One renderer per executor name (DESIGN section 6); rendererFor picks
// the right one for the target's OS and default SSH shell, because the quoting depends on who parses it.
import { HarnessError } from '../../errors.js';
import type { ExecutorName } from '../../model/catalog.js';
import { posixRenderer } from './posix.js';
import { cmdRenderer } from './cmd.js';
import { powershellRenderer } from './powershell.js';

export interface RenderOptions {
  /** The atomic says elevation_required. */
  elevate?: boolean;
  /** The target allows `sudo -n` (target.sudo). */
  sudo?: boolean;
  /** Target temp dir, where a renderer may place helper files (e.g. a .cmd). */
  tmpDir?: string;
  /** PowerShell only: the explicit -EncodedCommand variant (hides the script from CommandLine). */
  encoded?: boolean;
}

export interface RenderedCommand {
  /** What Executor.exec() runs. */
  commandLine: string;
  /** Files the caller uploads before running commandLine (e.g. a temporary .cmd). */
  files?: { path: string; content: string }[];
}

export interface ShellRenderer {
  name: ExecutorName;
  /** Quotes one input-argument value as DATA for this shell (never code). Throws HARNESS_EXEC_UNQUOTABLE if impossible. */
  quote(value: string): string;
  /** Substitutes `#{name}` placeholders in `text`, each value encoded for the quoting context it sits in (bare, '...', "...", ...). Throws HARNESS_EXEC_UNQUOTABLE naming the argument. */
  substitute?(text: string, values: Record<string, string>): string;
  render(command: string, opts: RenderOptions): RenderedCommand;
}

export type TargetShell = 'cmd' | 'powershell';

// Picks the renderer for an atomic's executor on a target (os, and the default shell of its SSH server).
export function rendererFor(executor: ExecutorName, targetOs: 'windows' | 'linux', targetShell: TargetShell = 'cmd'): ShellRenderer {
  if (executor === 'sh' || executor === 'bash') {
    if (targetOs !== 'linux') throw unsupported(executor, targetOs);
    return posixRenderer(executor);
  }
  if (executor === 'command_prompt') {
    if (targetOs !== 'windows') throw unsupported(executor, targetOs);
    return cmdRenderer(targetShell);
  }
  if (executor === 'powershell') {
    if (targetOs !== 'windows') throw unsupported(executor, targetOs);
    return powershellRenderer(targetShell);
  }
  throw new HarnessError('HARNESS_EXEC_NO_RENDERER', `executor '${executor}' cannot be run by the harness (manual steps need a human)`, {
    phase: 'exec',
    fix: 'skip manual atomics with --only, or run the steps by hand',
  });
}

function unsupported(executor: string, os: string): HarnessError {
  return new HarnessError('HARNESS_EXEC_PLATFORM', `executor '${executor}' does not run on a ${os} target`, {
    phase: 'exec',
    fix: `check the atomic's supported_platforms; the planner should have skipped this pair`,
  });
}

// The error for a value no quoting can carry through a shell (NUL anywhere; a newline through cmd.exe).
export function unquotable(shell: string, why: string): HarnessError {
  return new HarnessError('HARNESS_EXEC_UNQUOTABLE', `an input argument cannot be passed as data through ${shell}: ${why}`, {
    phase: 'exec',
    fix: 'change the input argument value (the harness refuses rather than letting part of it run as code)',
  });
}

export { posixRenderer } from './posix.js';
export { cmdRenderer } from './cmd.js';
export { powershellRenderer } from './powershell.js';
export { windowsArgvQuote } from './winargv.js';
export { substituteInContext, unquotableArg, type ContextLexer } from './context.js';
