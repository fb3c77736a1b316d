// A small model of how cmd.exe reads a command line, after the documented rules (Microsoft `cmd /?`,
// `set /?`, and the widely cited phase-by-phase description of the cmd parser): phase 1 expands
// %VAR% (command-line mode: an undefined variable is left as is; batch mode: `%%` is `%`, an undefined
// variable disappears, %0-%9 and %* are arguments); phase 2 handles quotes, carets and the operators
// & | < > ( ). The model records every expansion and every unescaped operator, so a test can say
// "nothing ran and nothing expanded". Not a real Windows: a faithful model of the rules we rely on.

export interface CmdParse {
  /** The text handed to the program (carets removed). */
  text: string;
  /** Variables that were expanded (must be empty for data). */
  expanded: string[];
  /** Unescaped operators outside quotes (must be empty for data). */
  operators: string[];
}

// Phase 1: percent expansion.
export function percentPhase(line: string, env: Record<string, string>, mode: 'cmdline' | 'batch', expanded: string[]): string {
  const defined = new Map(Object.entries(env).map(([k, v]) => [k.toLowerCase(), v]));
  let out = '';
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c !== '%') { out += c; i++; continue; }
    if (mode === 'batch') {
      const next = line[i + 1];
      if (next === '%') { out += '%'; i += 2; continue; }
      if (next !== undefined && /[0-9*]/.test(next)) { expanded.push(`%${next}`); i += 2; continue; }
    }
    const j = line.indexOf('%', i + 1);
    if (j < 0) {
      if (mode === 'batch') { i = line.length; continue; } // a lone % is dropped in a batch file
      out += line.slice(i);
      break;
    }
    const name = line.slice(i + 1, j);
    const base = name.split(':')[0].toLowerCase();
    if (name !== '' && defined.has(base)) {
      expanded.push(name);
      out += defined.get(base);
      i = j + 1;
    } else if (mode === 'batch') {
      i = j + 1; // undefined variable: removed
    } else {
      out += '%'; // command line: left as is, scanning resumes after this %
      i++;
    }
  }
  return out;
}

// Phase 2: quotes, carets, operators.
export function caretPhase(line: string, operators: string[]): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') { quoted = !quoted; out += c; continue; }
    if (quoted) { out += c; continue; }
    if (c === '^') {
      if (i + 1 < line.length) out += line[++i];
      else operators.push('^<end>'); // line continuation
      continue;
    }
    if ('&|<>()'.includes(c)) operators.push(c);
    out += c;
  }
  return out;
}

// Both phases.
export function parseCmdLine(line: string, env: Record<string, string>, mode: 'cmdline' | 'batch' = 'cmdline'): CmdParse {
  const expanded: string[] = [];
  const operators: string[] = [];
  const afterPercent = percentPhase(line, env, mode, expanded);
  return { text: caretPhase(afterPercent, operators), expanded, operators };
}
