// Input arguments: Atomic Red Team's `#{name}` placeholders, the harness built-ins (DESIGN section 4), and
// merging a test's defaults with per-execution values. Quoting is the executors' job: they pass `quote`
// (context-free), or split the text with splitPlaceholders and encode each value for the quoting context
// it sits in (harness/exec/shells/context.ts).
import type { AtomicTest, InputArgument } from '../model/catalog.js';

/** The built-in arguments the harness sets per execution; an atomic that uses one declares it with a usable default. */
export const BUILTIN_ARGS: Readonly<Record<string, Readonly<InputArgument>>> = Object.freeze({
  harness_marker: { description: 'Execution marker ath-<run8>-<seq> (set by the harness)', type: 'string', default: 'ath-00000000-0' },
  harness_cert_path: { description: 'Path of the certificate (.cer, DER) the harness uploads (set by the harness)', type: 'path', default: 'ath-00000000-0.cer' },
  harness_cert_thumbprint: { description: 'SHA-1 thumbprint of that certificate (set by the harness)', type: 'string', default: '0000000000000000000000000000000000000000' },
  harness_url: { description: 'URL where the harness serves that certificate (set by the harness)', type: 'url', default: 'http://127.0.0.1:8080/ath-00000000-0.cer' },
  harness_tmp: { description: 'Temporary directory on the target (set by the harness)', type: 'path', default: '/tmp' },
});

export const BUILTIN_ARG_NAMES: readonly string[] = Object.keys(BUILTIN_ARGS);

// The same pattern upstream's validator uses (`#{(.*?)}`), so "used" and "defined" agree with it.
const PLACEHOLDER_RE = /#\{(.*?)\}/g;

/** Names of every `#{name}` placeholder in `text`, in order of first use, without duplicates. */
export function placeholdersIn(text: string | undefined | null): string[] {
  if (!text) return [];
  const seen = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER_RE)) seen.add(m[1]!);
  return [...seen];
}

/** Replaces every `#{name}` whose name is in `values` by `quote(value)`; unknown placeholders stay as written. */
export function substituteArgs(text: string, values: Record<string, string>, quote: (v: string) => string): string {
  return text.replace(PLACEHOLDER_RE, (whole, name: string) => (Object.prototype.hasOwnProperty.call(values, name) ? quote(values[name]!) : whole));
}

/** One piece of a command: literal text, or a placeholder whose name `values` defines. */
export type CommandPiece = { text: string } | { name: string; value: string };

/** Splits `text` into literal text and known placeholders (unknown ones stay literal text, as substituteArgs leaves them). */
export function splitPlaceholders(text: string, values: Record<string, string>): CommandPiece[] {
  const out: CommandPiece[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER_RE)) {
    const name = m[1]!;
    if (!Object.prototype.hasOwnProperty.call(values, name)) continue;
    if (m.index! > last) out.push({ text: text.slice(last, m.index) });
    out.push({ name, value: values[name]! });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** Placeholders of `text` that `values` does not define (callers turn these into errors before running anything). */
export function unresolvedArgs(text: string, values: Record<string, string>): string[] {
  return placeholdersIn(text).filter((n) => !Object.prototype.hasOwnProperty.call(values, n));
}

/** A test's argument values: its declared defaults (null -> ''), then `overrides` for declared names and built-ins (others ignored). */
export function argumentsOf(test: Pick<AtomicTest, 'input_arguments'>, overrides: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, arg] of Object.entries(test.input_arguments ?? {})) {
    out[name] = arg.default === null || arg.default === undefined ? '' : String(arg.default);
  }
  for (const [name, value] of Object.entries(overrides)) {
    // Built-ins are always set (the harness provides them); other overrides apply only to arguments this
    // test declares, because one set of overrides (e.g. from the command line) is shared by many tests.
    if (!(name in out) && !(name in BUILTIN_ARGS)) continue;
    out[name] = value;
  }
  return out;
}
