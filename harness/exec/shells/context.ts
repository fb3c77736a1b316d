// Context-aware substitution of `#{name}` placeholders. Upstream atomics often write a placeholder inside
// their own quotes (`certutil -addstore my "#{pfx_path}"`, `echo '#{text}'`), so one context-free quote
// function is wrong there. Each shell supplies a small lexer of its quoting rules; the driver feeds it the
// command text, asks it to encode each value for the context the placeholder sits in, then feeds it the
// encoded value too and checks that the value left the lexer's context as it found it (defence in depth:
// a value that closed a quote, a comment or a heredoc it sat in is refused, never run).
import { HarnessError } from '../../errors.js';
import { splitPlaceholders } from '../../catalog/args.js';

export interface ContextLexer {
  /** Feeds one character of the command as the shell will read it. */
  feed(ch: string): void;
  /** Encodes `value` for the current position; `next` is the command character right after the placeholder. Throws HARNESS_EXEC_UNQUOTABLE. */
  encode(name: string, value: string, next: string | undefined): string;
  /** Nesting depth and kinds of the open contexts (quotes, comments, substitutions), for the check above. */
  depth(): number;
  signature(): string;
  /** Whether a value legitimately closes and reopens its context (POSIX '...' encoding `'\''`). */
  reopens(): boolean;
}

// Substitutes every known placeholder of `text` with its value encoded by `lexer` for its context.
export function substituteInContext(text: string, values: Record<string, string>, lexer: ContextLexer, shell: string): string {
  const pieces = splitPlaceholders(text, values);
  let out = '';
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if ('text' in p) {
      for (const ch of p.text) lexer.feed(ch);
      out += p.text;
      continue;
    }
    const after = pieces[i + 1];
    const next = after && 'text' in after ? after.text[0] : undefined;
    const enc = lexer.encode(p.name, p.value, next);
    const base = lexer.depth();
    const sig = lexer.signature();
    const floor = lexer.reopens() ? base - 1 : base;
    let min = base;
    for (const ch of enc) {
      lexer.feed(ch);
      min = Math.min(min, lexer.depth());
    }
    if (min < floor || lexer.signature() !== sig) {
      throw unquotableArg(shell, p.name, 'here', 'it would end the quote, comment or block it is written in', 'change the value');
    }
    out += enc;
  }
  return out;
}

// The error for an input argument that cannot be carried as data in its context.
export function unquotableArg(shell: string, name: string, context: string, why: string, fix: string): HarnessError {
  return new HarnessError('HARNESS_EXEC_UNQUOTABLE', `input argument '${name}' cannot be passed as data ${context} through ${shell}: ${why}`, {
    phase: 'exec',
    fix: `${fix} (the harness refuses rather than letting part of the value run as code or change)`,
    details: { argument: name, shell },
  });
}

/** Values that read the same in every context of every shell the harness renders for (a raw copy is exact). */
export const PLAIN = /^[A-Za-z0-9_@+:,./-]*$/;
