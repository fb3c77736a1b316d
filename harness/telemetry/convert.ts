// `harness events convert`: any supported log file -> normalised JSONL, streamed. A file target is
// written to a temp file beside it and renamed into place, so a crash never leaves half a file.
import { writeFileAtomicWith } from '../util/atomic-write.js';
import type { ParseWarning } from '../model/event.js';
import { readEventFiles, type ReadOptions } from './index.js';

export interface ConvertResult {
  events: number;
  warnings: ParseWarning[];
}

/** Writes every event of `paths` as one JSON line to `out` ('-' = the given stdout writer). */
export async function convertEvents(paths: string[], opts: Omit<ReadOptions, 'onWarning'>, out: string, stdout: (s: string) => void = (s) => process.stdout.write(s)): Promise<ConvertResult> {
  const warnings: ParseWarning[] = [];
  const events = readEventFiles(paths, { ...opts, onWarning: (w) => warnings.push(w) });
  let count = 0;
  if (out === '-') {
    let buf = '';
    for await (const e of events) {
      buf += JSON.stringify(e) + '\n';
      count++;
      if (buf.length > 1 << 16) { stdout(buf); buf = ''; }
    }
    if (buf) stdout(buf);
    return { events: count, warnings };
  }
  await writeFileAtomicWith(out, async (write) => {
    let buf = '';
    for await (const e of events) {
      buf += JSON.stringify(e) + '\n';
      count++;
      if (buf.length > 1 << 20) { write(buf); buf = ''; }
    }
    if (buf) write(buf);
  });
  return { events: count, warnings };
}
