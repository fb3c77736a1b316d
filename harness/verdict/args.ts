// #{name} input arguments inside expectation values, resolved per execution. A replayed recording has no
// marker and ran with unknown arguments, so there each #{...} becomes a wildcard instead.
const ARG = /#\{([A-Za-z0-9_]+)\}/g;

/** Built-ins whose per-execution value is unique to the execution (ties an event to it). */
export const TYING_ARGS = new Set(['harness_marker', 'harness_cert_thumbprint', 'harness_cert_path', 'harness_url']);

/** Replaces every #{name} with args[name]; unknown names are left as written (they then match nothing). */
export function resolveArgs(text: string, args: Record<string, string>): string {
  return text.replace(ARG, (whole, name: string) => (Object.prototype.hasOwnProperty.call(args, name) ? args[name] : whole));
}

/** The argument names a value references. */
export function referencedArgs(text: string): string[] {
  return [...text.matchAll(ARG)].map((m) => m[1]);
}

export function hasArgs(text: string): boolean {
  return referencedArgs(text).length > 0;
}

/** Splits a value at its #{...} references: literal parts between wildcards (for recordings). */
export function literalParts(text: string): string[] {
  return text.split(ARG).filter((_, i) => i % 2 === 0);
}
