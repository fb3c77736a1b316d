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
  // One JSON line per event, written in batches (64 KiB to a stream, 1 MiB to a file).
  const pipe = async (write: (s: string) => void, batch: number): Promise<void> => {
    let buf = '';
    for await (const e of events) {
      buf += JSON.stringify(e) + '\n';
      count++;
      if (buf.length > batch) { write(buf); buf = ''; }
    }
    if (buf) write(buf);
  };
  if (out === '-') await pipe(stdout, 1 << 16);
  else await writeFileAtomicWith(out, (write) => pipe(write, 1 << 20));
  return { events: count, warnings };
}
