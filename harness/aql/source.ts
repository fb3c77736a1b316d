// The query text and where it came from, plus the located syntax error with a caret excerpt
// (graphql-js style: `Syntax Error: Expected ..., found ...` and the offending line underneath).
import { HarnessError } from '../errors.js';

/** A query's text, the file it came from and the line it starts on inside that file. */
export interface Source {
  body: string;
  file: string;
  /** Added to every reported line (a query embedded in a larger file). */
  lineOffset: number;
}

// Creates a Source; `file` defaults to `<query>`.
export function makeSource(body: string, opts: { file?: string; lineOffset?: number } = {}): Source {
  return { body, file: opts.file ?? '<query>', lineOffset: opts.lineOffset ?? 0 };
}

// 1-based line and column of an offset in the source (line includes lineOffset).
export function locate(src: Source, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(pos, src.body.length);
  for (let i = 0; i < end; i++) {
    if (src.body.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line: line + src.lineOffset, column: end - lineStart + 1 };
}

// The line holding `pos` and a caret under the column, e.g. "  3 | WHERE x LIKE\n    |              ^".
export function caretExcerpt(src: Source, pos: number): string {
  const { line, column } = locate(src, pos);
  const lines = src.body.split('\n');
  const text = (lines[line - src.lineOffset - 1] ?? '').replace(/\r$/, '');
  const gutter = String(line);
  return `${gutter} | ${text}\n${' '.repeat(gutter.length)} | ${' '.repeat(column - 1)}^`;
}

// A located HarnessError for a query problem at `pos`, with the caret excerpt in the message.
export function queryError(src: Source, code: string, pos: number, message: string, fix?: string): HarnessError {
  const { line, column } = locate(src, pos);
  return new HarnessError(code, `${message}\n${caretExcerpt(src, pos)}`, {
    location: { file: src.file, line, column },
    fix,
    phase: 'parse',
    details: { position: pos, line, column, description: message },
  });
}

// HARNESS_AQL_SYNTAX at `pos`: `Syntax Error: <description>` plus the excerpt.
export function syntaxError(src: Source, pos: number, description: string, fix?: string): HarnessError {
  return queryError(src, 'HARNESS_AQL_SYNTAX', pos, `Syntax Error: ${description}`, fix ?? 'correct the query at the marked position');
}

// `Did you mean "a", "b" or "c"?` for the closest names (edit distance), or '' if none is close.
export function didYouMean(input: string, options: readonly string[]): string {
  const lower = input.toLowerCase();
  const scored = options
    .map((o) => ({ o, d: editDistance(lower, o.toLowerCase()) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(input.length / 3)) || x.o.toLowerCase().includes(lower) || lower.includes(x.o.toLowerCase()))
    .sort((a, b) => a.d - b.d || a.o.localeCompare(b.o))
    .slice(0, 5)
    .map((x) => `"${x.o}"`);
  if (scored.length === 0) return '';
  const list = scored.length === 1 ? scored[0] : `${scored.slice(0, -1).join(', ')} or ${scored[scored.length - 1]}`;
  return ` Did you mean ${list}?`;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
