// POSIX sh/bash renderer: `sh -c '<command>'` (or bash), `sudo -n` in front when the atomic needs
// elevation and the target allows sudo. Values are single-quoted: inside '...' nothing is special.
import type { ShellRenderer, RenderOptions, RenderedCommand } from './index.js';
import { unquotable } from './index.js';
import { substituteInContext } from './context.js';
import { PosixLexer } from './posix-context.js';

// Characters that never need quoting in any POSIX shell word (keeps paths readable in audit records).
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

// Quotes a value as one POSIX shell word: 'it'\''s' style.
export function posixQuote(value: string): string {
  if (value.includes('\0')) throw unquotable('sh', 'it contains a NUL byte, which no process argument can hold');
  if (value !== '' && SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

// The renderer for the `sh` or `bash` executor.
export function posixRenderer(name: 'sh' | 'bash'): ShellRenderer {
  return {
    name,
    quote: posixQuote,
    substitute: (text, values) => substituteInContext(text, values, new PosixLexer(name), name),
    render(command: string, opts: RenderOptions): RenderedCommand {
      // Same shape as Invoke-AtomicTest (`sh -c "..."`), but the whole script in one shell so multi-line
      // constructs (if/fi, heredocs) keep working.
      const inner = `${name} -c ${posixQuote(command)}`;
      return { commandLine: opts.elevate && opts.sudo ? `sudo -n ${inner}` : inner };
    },
  };
}
