// withTimeWindow: the text the QRadar client sends. The query's own time clause (and LIMIT) are cut out,
// every other byte stays as the user wrote it, and `LIMIT n START <ms> STOP <ms>` is appended: LIMIT
// before the time clause (reference 1.7), absolute epoch-ms bounds so every search string is unique.
import { parse } from './parser.js';

// Replaces (or appends) the time clause with START/STOP epoch ms; keeps the query's LIMIT (the smaller of
// it and opts.limit when both are given).
export function withTimeWindow(text: string, window: { start: number; stop: number }, opts: { limit?: number; file?: string } = {}): string {
  const q = parse(text, { file: opts.file });
  const cuts: { start: number; end: number }[] = [];
  if (q.time) cuts.push({ start: q.time.start, end: q.time.end });
  if (q.limit) cuts.push({ start: q.limit.start, end: q.limit.end });
  cuts.sort((a, b) => b.start - a.start);
  let out = text;
  for (const c of cuts) {
    // Take the whitespace before the clause with it, so no blank gap is left behind.
    let s = c.start;
    while (s > 0 && /[ \t]/.test(out[s - 1])) s--;
    out = out.slice(0, s) + out.slice(c.end);
  }
  out = out.replace(/\s+$/, '');
  const limits = [q.limit?.value, opts.limit].filter((x): x is number => typeof x === 'number');
  const limit = limits.length ? ` LIMIT ${Math.min(...limits)}` : '';
  return `${out}${limit} START ${Math.trunc(window.start)} STOP ${Math.trunc(window.stop)}`;
}
