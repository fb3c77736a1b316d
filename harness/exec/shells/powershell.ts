// PowerShell renderer. The script must be visible ON THE PROCESS COMMAND LINE (DESIGN section 6):
// `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "& { ... }"`, quoted for
// the outer shell (cmd or Windows PowerShell 5.1, the SSH server's default shell) and for
// powershell.exe's own CommandLineToArgvW parsing. -EncodedCommand only when asked (opts.encoded).
import type { ShellRenderer, RenderOptions, RenderedCommand, TargetShell } from './index.js';
import { unquotable } from './index.js';
import { windowsArgvQuote } from './winargv.js';
import { cmdEscape } from './cmd.js';
import { substituteInContext } from './context.js';
import { PowerShellLexer } from './powershell-context.js';
import { stripComments } from './powershell-comments.js';

export const PS_PREFIX = 'powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass';
// PowerShell treats the typographic single quotes as quote characters too.
const SINGLE_QUOTES = /['\u2018\u2019\u201a\u201b]/g;
const SAFE = /^[A-Za-z][A-Za-z0-9_.:\\/-]*$/;

// A PowerShell single-quoted string literal: only quote characters are special (doubled).
export function psSingleQuote(text: string): string {
  return `'${text.replace(SINGLE_QUOTES, (q) => q + q)}'`;
}

// Quotes a value as one PowerShell argument; line breaks become [char] expressions so the script
// stays on one command line.
export function psQuote(value: string): string {
  if (value.includes('\0')) throw unquotable('PowerShell', 'it contains a NUL byte');
  if (SAFE.test(value)) return value;
  if (!/[\r\n]/.test(value)) return psSingleQuote(value);
  const parts: string[] = [];
  for (const piece of value.split(/(\r|\n)/)) {
    if (piece === '\n') parts.push('[char]10');
    else if (piece === '\r') parts.push('[char]13');
    else if (piece !== '') parts.push(psSingleQuote(piece));
  }
  return `(${parts.join('+')})`;
}

// Joins a multi-line script into one line for a cmd.exe command line (cmd cannot carry a newline):
// `;` between statements, a space where the statement continues (open brace/paren/pipe, or an
// else/catch/finally clause that must follow its block).
export function joinScriptLines(script: string): string {
  const lines = stripComments(script).split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length > 1 && lines.some((l) => /@["']\s*$/.test(l) || /^["']@/.test(l))) {
    throw unquotable('cmd.exe', 'the script holds a here-string, which needs line breaks; use the encoded variant or a PowerShell target shell');
  }
  let out = '';
  for (const line of lines) {
    if (line.startsWith('#')) continue; // a whole-line comment would swallow everything joined after it
    if (out === '') out = line;
    else if (out.endsWith('`')) out = out.slice(0, -1).trimEnd() + ' ' + line; // explicit continuation
    else if (/[{(|,;]$/.test(out) || /^(else|elseif|catch|finally)\b/i.test(line) || /^[)}]/.test(line)) out += ' ' + line;
    else out += '; ' + line;
  }
  return out;
}

// Base64 of UTF-16LE, as -EncodedCommand expects.
export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

// The renderer for `powershell` on a target whose SSH shell is `targetShell`.
export function powershellRenderer(targetShell: TargetShell): ShellRenderer {
  return {
    name: 'powershell',
    quote: psQuote,
    substitute: (text, values) => substituteInContext(text, values, new PowerShellLexer(), 'PowerShell'),
    render(script: string, opts: RenderOptions): RenderedCommand {
      if (opts.encoded) return { commandLine: `${PS_PREFIX} -EncodedCommand ${encodePowerShell(script)}` };
      if (targetShell === 'cmd') {
        const arg = `& {${joinScriptLines(script)}}`;
        return { commandLine: `${PS_PREFIX} -Command ${cmdEscape(windowsArgvQuote(arg, true), 'cmdline')}` };
      }
      // Outer Windows PowerShell 5.1 passes a native argument as "S" (it contains spaces) without
      // escaping inner quotes, so S is pre-escaped for CommandLineToArgvW; newlines can stay.
      const body = script.replace(/\r\n/g, '\n').trim();
      const arg = `& {${body}}`;
      const argvForm = windowsArgvQuote(arg, true).slice(1, -1);
      return { commandLine: `${PS_PREFIX} -Command ${psSingleQuote(argvForm)}` };
    },
  };
}
