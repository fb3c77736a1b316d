// cmd.exe renderer (the `command_prompt` executor). Two modes, chosen by the target's SSH default shell:
// - target shell cmd: the SSH server already runs `cmd.exe /c <line>`, so the line is the atomic's
//   command itself, lines joined with ` & ` as Invoke-AtomicTest does (every line runs; the exit code
//   is the last line's). Values are escaped for cmd's command-line mode.
// - target shell powershell: PowerShell would re-parse a cmd line (`|`, `;`, `$`), so the command goes
//   into a temporary .cmd file (returned in `files`) run as `cmd.exe /c <file>`; values are escaped
//   for batch-file mode (`%` doubled).
// Escaping (both modes): the value is first quoted for CommandLineToArgvW (what the child program
// parses), then every cmd metacharacter, the quotes included, gets a caret, so cmd never enters a
// quoted region and removes exactly the carets we added. Assumes delayed expansion is off (the default).
import { randomBytes } from 'node:crypto';
import type { ShellRenderer, RenderOptions, RenderedCommand, TargetShell } from './index.js';
import { unquotable } from './index.js';
import { windowsArgvQuote } from './winargv.js';
import { substituteInContext } from './context.js';
import { CmdLexer } from './cmd-context.js';

const SAFE = /^[A-Za-z0-9_@+:./\\-]+$/;
const META = new Set(['^', '&', '|', '<', '>', '(', ')', '!', '"']);

export type CmdMode = 'cmdline' | 'batch';

// Caret-escapes a string for cmd.exe so it reaches the program unchanged.
export function cmdEscape(text: string, mode: CmdMode): string {
  let out = '';
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (META.has(ch)) out += '^' + ch;
    else if (ch === '%') {
      if (mode === 'batch') out += '%%';
      else {
        // Command-line mode cannot escape %; instead make every %...% name start with a caret, so it
        // names an undefined variable (left as is), and phase 2 then removes the caret.
        out += '%';
        const next = chars[i + 1];
        if (next === undefined || !META.has(next)) out += '^';
      }
    } else out += ch;
  }
  return out;
}

// Quotes a value as one argument of a program started by cmd.exe.
export function cmdQuote(value: string, mode: CmdMode = 'cmdline'): string {
  if (value.includes('\0')) throw unquotable('cmd.exe', 'it contains a NUL byte');
  if (/[\r\n]/.test(value)) throw unquotable('cmd.exe', 'it contains a line break, which ends a cmd.exe command line');
  if (value !== '' && SAFE.test(value)) return value;
  return cmdEscape(windowsArgvQuote(value, true), mode);
}

// Splits an atomic's multi-line command into its non-empty lines.
export function commandLines(command: string): string[] {
  return command.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

// The renderer for `command_prompt` on a target whose SSH shell is `targetShell`.
export function cmdRenderer(targetShell: TargetShell): ShellRenderer {
  const mode: CmdMode = targetShell === 'cmd' ? 'cmdline' : 'batch';
  return {
    name: 'command_prompt',
    quote: (v) => cmdQuote(v, mode),
    substitute: (text, values) => substituteInContext(text, values, new CmdLexer(mode), 'cmd.exe'),
    render(command: string, opts: RenderOptions): RenderedCommand {
      const lines = commandLines(command);
      if (mode === 'cmdline') return { commandLine: lines.join(' & ') };
      const dir = (opts.tmpDir ?? 'C:\\Windows\\Temp').replace(/[\\/]+$/, '');
      const path = `${dir}\\ath-${randomBytes(6).toString('hex')}.cmd`;
      const content = ['@echo off', 'setlocal DisableDelayedExpansion', ...lines].join('\r\n') + '\r\n';
      // Single-quoted for the outer PowerShell; a temp path holds no quote characters in practice.
      return { commandLine: `cmd.exe /c '${path.replace(/'/g, "''")}'`, files: [{ path, content }] };
    },
  };
}
