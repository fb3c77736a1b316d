// Value rules shared by the evaluator: SQL three-valued logic (null = unknown) and "compare as numbers when
// both sides are numeric" (so "EventID" = '12' and "EventID" IN ('12','13') match the number 12).

/** A compiled expression: event (and, in grouped queries, the group's aggregate values) -> value. */
export type Fn = (e: import('../model/event.js').NormalizedEvent, g?: unknown[]) => unknown;

const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

// The number a value stands for, or NaN (strings count only when they are entirely a number).
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return NUMERIC.test(v) ? Number(v) : NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return NaN;
}

// Text form of a value (numbers as Java would print integers: no trailing .0).
export function toText(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

// -1/0/1 ordering of two non-null values: numeric when both are numeric, else by UTF-16 code units.
export function compareValues(a: unknown, b: unknown): number {
  const na = toNumber(a);
  const nb = toNumber(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na < nb ? -1 : na > nb ? 1 : 0;
  const sa = toText(a);
  const sb = toText(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

// Equality under the same rule; null when either side is null (unknown).
export function equalsValue(a: unknown, b: unknown): boolean | null {
  if (a == null || b == null) return null;
  return compareValues(a, b) === 0;
}

// An equality test against a constant, specialised once (constant folding of the literal side).
export function equalsConstant(c: unknown): (v: unknown) => boolean {
  const cn = toNumber(c);
  const cs = toText(c);
  if (Number.isNaN(cn)) return (v) => (typeof v === 'string' ? v === cs : toText(v) === cs);
  return (v) => {
    if (typeof v === 'number') return v === cn;
    const vn = toNumber(v);
    return Number.isNaN(vn) ? toText(v) === cs : vn === cn;
  };
}

/** Render a value for explanations: strings quoted AQL-style, NULL for null. */
export function showValue(v: unknown): string {
  if (v == null) return 'NULL';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (Array.isArray(v)) return `(${v.map(showValue).join(', ')})`;
  return String(v);
}
