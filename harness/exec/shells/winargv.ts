// Windows argument quoting for CommandLineToArgvW / the MSVC runtime: how a program such as
// powershell.exe or certutil.exe splits its command line into argv. (Documented rules: 2n backslashes
// before a quote become n and the quote toggles quoting; 2n+1 become n and a literal quote.)

// Quotes one argument so CommandLineToArgvW gives it back unchanged.
export function windowsArgvQuote(value: string, force = false): string {
  if (!force && value !== '' && !/[\s"]/.test(value)) return value;
  let out = '"';
  let backslashes = 0;
  for (const ch of value) {
    if (ch === '\\') {
      backslashes++;
      continue;
    }
    if (ch === '"') {
      out += '\\'.repeat(backslashes * 2 + 1) + '"';
    } else {
      out += '\\'.repeat(backslashes) + ch;
    }
    backslashes = 0;
  }
  // Backslashes before the closing quote must be doubled or they would escape it.
  return out + '\\'.repeat(backslashes * 2) + '"';
}
