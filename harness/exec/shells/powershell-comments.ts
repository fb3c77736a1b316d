// Comment removal for PowerShell scripts joined onto one cmd.exe command line (joinScriptLines), using the
// same lexer as the context-aware substitution, so a `#` inside a string or a word is left alone.
import { PowerShellLexer } from './powershell-context.js';

// Removes # line comments and <# #> block comments (not a # inside a string or word), so that joining a
// script's lines with `;` cannot turn a trailing comment into one that swallows every later line.
export function stripComments(script: string): string {
  const lx = new PowerShellLexer();
  let out = '';
  let start = -1;
  const chars = [...script];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const before = lx.depth();
    lx.feed(ch);
    const kind = lx.topKind();
    if (start < 0) {
      out += ch;
      if (lx.depth() > before && (kind === 'comment' || kind === 'block')) {
        start = i;
        out = out.slice(0, kind === 'block' ? -2 : -1); // drop the `#` (or `<#`) just copied
      }
    } else if (kind !== 'comment' && kind !== 'block') {
      start = -1;
      if (ch === '\n' || ch === '\r') out += ch; // a line comment ends before its line break
    }
  }
  return out;
}
