// A lexer of cmd.exe quoting: `"` toggles a quoted region (where ^ & | < > ( ) are literal), outside one
// `^` escapes the next character. Bare values get cmdQuote (caret-escaped, cmd never enters a quote).
// Inside "..." a value is copied as is, except: `"` or a line break cannot be represented (refused);
// `%` is doubled in a .cmd file, and refused on a command line, where nothing inside quotes can stop
// %name% expansion; trailing backslashes right before the closing `"` are doubled, because a program
// that splits its arguments with CommandLineToArgvW would read `\"` as a literal quote (cmd.exe
// built-ins such as cd or copy see the doubled separator, which Windows paths tolerate).
import type { ContextLexer } from './context.js';
import { unquotableArg } from './context.js';
import { cmdQuote, type CmdMode } from './cmd.js';
import { isHarnessError } from '../../errors.js';

export class CmdLexer implements ContextLexer {
  private quoted = false;
  private caret = false;
  private percent = false;

  constructor(private readonly mode: CmdMode) {}

  depth(): number {
    return this.quoted ? 1 : 0;
  }
  signature(): string {
    return this.quoted ? 'q' : '';
  }
  reopens(): boolean {
    return false;
  }

  feed(ch: string): void {
    this.percent = ch === '%';
    if (this.quoted) {
      // In a .cmd file every line is parsed on its own; on one command line the quote carries on.
      if (ch === '"' || (ch === '\n' && this.mode === 'batch')) this.quoted = false;
      return;
    }
    if (this.caret) {
      this.caret = false;
      return;
    }
    if (ch === '^') this.caret = true;
    else if (ch === '"') this.quoted = true;
  }

  encode(name: string, value: string, next: string | undefined): string {
    const shell = 'cmd.exe';
    if (value.includes('\0')) throw unquotableArg(shell, name, '', 'it contains a NUL byte', 'remove the NUL byte');
    if (this.percent && value !== '') {
      throw unquotableArg(shell, name, 'right after a %', 'cmd.exe would read the value as (part of) a %variable% name', 'remove the % before the placeholder in the atomic');
    }
    if (!this.quoted) {
      if (this.caret) throw unquotableArg(shell, name, 'right after a ^', 'the caret would escape the first character of the value', 'remove the ^ before the placeholder in the atomic');
      try {
        return cmdQuote(value, this.mode);
      } catch (e) {
        if (isHarnessError(e)) throw unquotableArg(shell, name, '', e.message.replace(/^.*: /, ''), 'change the value');
        throw e;
      }
    }
    const inside = 'inside "..."';
    if (value.includes('"')) {
      throw unquotableArg(shell, name, inside, 'a double quote cannot be written inside a cmd.exe quoted string', 'remove the " from the value, or write the placeholder without quotes in the atomic (the harness then quotes it)');
    }
    if (/[\r\n]/.test(value)) throw unquotableArg(shell, name, inside, 'a line break ends a cmd.exe command', 'remove the line break');
    if (value.includes('%') && this.mode === 'cmdline') {
      throw unquotableArg(shell, name, inside, 'on a cmd.exe command line nothing inside quotes stops %name% expansion', 'remove the % from the value, or write the placeholder without quotes in the atomic (the harness then escapes it)');
    }
    let out = this.mode === 'batch' ? value.replace(/%/g, '%%') : value;
    if (next === '"') out = out.replace(/\\+$/, (b) => b + b);
    return out;
  }
}
