// Hostile input-argument values for the quoting tests: a hand-picked list (shell metacharacters,
// command substitution, cmd and PowerShell specials, unicode) plus strings generated from a fixed seed.

import { prng } from '../helpers/prng.js';

export { prng };

const PIECES = [
  "'", '"', '`', '$', '(', ')', '{', '}', '[', ']', ';', '|', '&', '<', '>', '^', '%', '!', '*', '?', '~', '#', '\\', '/', ' ', '\t', '\n', '\r',
  '=', ',', '-', '--', '@', ':', '+', 'a', 'Z', '0', '9', '_', '.', '$(', '${', '%PATH%', '%VAR%', '!VAR!', '$env:PATH', '$HOME', '\\"', '\\\\',
  'é', '中文', '😀', '\u2018', '\u2019', '\u201a', '\u201b', '\u00a0', '\u202e', '\u200b', 'ß', '\u0301',
];

// `count` generated strings (length 0-24 pieces), deterministic for a seed.
export function generated(count: number, seed = 0x5eed): string[] {
  const r = prng(seed);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const len = Math.floor(r() * 25);
    let s = '';
    for (let i = 0; i < len; i++) s += PIECES[Math.floor(r() * PIECES.length)];
    out.push(s);
  }
  return out;
}

// Hand-picked values; `canary` is a file path that must never come to exist.
export function handPicked(canary: string): string[] {
  return [
    '', ' ', '  ', 'plain', '-n', '-e', '--', '-', "it's", '"', "'", "''", '""', '\\', 'a\\', '\\"', 'C:\\Temp\\x y\\',
    `; touch ${canary}`, `$(touch ${canary})`, `\`touch ${canary}\``, `' ; touch ${canary} ; '`, `" ; touch ${canary} ; "`,
    `\ntouch ${canary}`, `x\ntouch ${canary}\n`, `&& touch ${canary}`, `| touch ${canary}`, `|| touch ${canary}`, `> ${canary}`,
    `$(touch ${canary}`, `\${IFS}touch\${IFS}${canary}`, `'$(touch ${canary})'`, `"$(touch ${canary})"`, `\\$(touch ${canary})`,
    `& echo pwned > ${canary}`, `^& echo pwned`, `%COMSPEC% /c echo pwned`, '%PATH%', '%%PATH%%', '%', '%%', '!PATH!', '^', '^^', '^"',
    '"^&"', '$env:PATH', '$(Get-Date)', '@(1,2)', '{ x }', '`n', "‘ ’ ‚ ‛", "'‘’'", '*', '?', '~', '~root', '#comment', '!!', '!$',
    '$HOME', '${HOME}', '$0', '$$', '\t', 'a\tb', 'tab\t', 'new\nline', 'cr\rlf\r\n', 'unicode é 中文 😀', '\u202emirrored', 'zero\u200bwidth',
    'x'.repeat(3000),
  ];
}
