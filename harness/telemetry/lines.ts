// Streaming line reader: a file is read in chunks and split on "\n" by hand (faster than readline),
// so memory stays flat however large the log grows. A trailing "\r" is dropped (CRLF exports).
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';

/** Yields the lines of a file (without the newline), optionally starting at a byte offset. */
export async function* readLines(file: string, opts: { start?: number } = {}): AsyncGenerator<string> {
  for await (const batch of readLineBatches(file, opts)) for (const l of batch) yield l;
}

/** The lines of a file in batches (one per ~1 MB chunk): one await per chunk instead of per line. */
export async function* readLineBatches(file: string, opts: { start?: number } = {}): AsyncGenerator<string[]> {
  const stream = createReadStream(file, { start: opts.start ?? 0, highWaterMark: 1 << 20 });
  // The bytes of a line not ended yet. Only whole lines are decoded: a chunk is cut at its last "\n" (a
  // byte that is never part of a multi-byte UTF-8 character), so nothing is decoded twice and no chunk-sized
  // string is ever concatenated (which would copy it again to flatten it).
  let carry: Buffer | null = null;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const last = chunk.lastIndexOf(10);
    if (last < 0) {
      carry = carry ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
      continue;
    }
    const batch: string[] = [];
    let from = 0;
    if (carry) {
      const first = chunk.indexOf(10);
      batch.push(stripCr(Buffer.concat([carry, chunk.subarray(0, first)]).toString('utf8')));
      from = first + 1;
      carry = null;
    }
    if (from <= last) {
      // Logs are mostly ASCII: checking that (SIMD) and copying is several times faster than decoding UTF-8.
      const part = chunk.subarray(from, last);
      const text = isAscii(part) ? part.toString('latin1') : part.toString('utf8');
      let start = 0;
      let nl = text.indexOf('\n');
      while (nl !== -1) {
        batch.push(stripCr(text.slice(start, nl)));
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      batch.push(stripCr(text.slice(start)));
    }
    // A copy: the stream may reuse the chunk's memory for the next read.
    if (last + 1 < chunk.length) carry = Buffer.from(chunk.subarray(last + 1));
    yield batch;
  }
  if (carry && carry.length > 0) yield [stripCr(carry.toString('utf8'))];
}

function stripCr(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
}
