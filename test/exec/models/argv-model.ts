// CommandLineToArgvW / MSVC runtime argument splitting, after Microsoft's documented rules
// ("Parsing C command-line arguments"): whitespace separates arguments outside quotes; 2n backslashes
// followed by " give n backslashes and toggle quoting; 2n+1 backslashes followed by " give n
// backslashes and a literal "; backslashes not followed by " are literal; inside quotes "" is a
// literal quote (MSVC 2008 and later). Not a real Windows: a faithful model of the documented rules.

// Splits a Windows command line into argv.
export function splitWindowsArgv(line: string): string[] {
  const args: string[] = [];
  const ws = (c: string | undefined): boolean => c === ' ' || c === '\t';
  let i = 0;
  for (;;) {
    while (ws(line[i])) i++;
    if (i >= line.length) break;
    let cur = '';
    let quoted = false;
    while (i < line.length && (quoted || !ws(line[i]))) {
      if (line[i] === '\\') {
        let n = 0;
        while (line[i] === '\\') { n++; i++; }
        if (line[i] === '"') {
          cur += '\\'.repeat(n >> 1);
          if (n % 2 === 1) { cur += '"'; i++; }
        } else cur += '\\'.repeat(n);
        continue;
      }
      if (line[i] === '"') {
        if (quoted && line[i + 1] === '"') { cur += '"'; i += 2; continue; }
        quoted = !quoted;
        i++;
        continue;
      }
      cur += line[i++];
    }
    args.push(cur);
  }
  return args;
}
