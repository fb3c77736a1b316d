// Replacing a query's own time clause with absolute START/STOP epoch ms (LIMIT before it). Uses the AQL
// engine's withTimeWindow (harness/aql/rewrite.ts), which parses the query; a query the embedded parser
// cannot read is still sent to QRadar (QRadar is the judge of its own dialect) through the quote-aware
// scanner in aql-splice.ts, which makes the same edit without parsing.
import { withTimeWindow } from '../aql/rewrite.js';
import { spliceAql } from './aql-splice.js';

// The query with its time clause replaced by exactly [start, stop] and LIMIT min(own, limit) before it.
export function replaceTimeWindow(text: string, window: { start: number; stop: number }, opts: { limit?: number } = {}): string {
  try {
    return withTimeWindow(text, window, { limit: opts.limit });
  } catch {
    return spliceAql(text, { window, limit: opts.limit });
  }
}
