// Streaming line reader: a file is read in chunks and split on "\n" by hand (faster than readline),
// so memory stays flat however large the log grows. A trailing "\r" is dropped (CRLF exports).
import { createReadStream } from 'node:fs';

/** Yields the lines of a file (without the newline), optionally starting at a byte offset. */
export async function* readLines(file: string, opts: { start?: number } = {}): AsyncGenerator<string> {
  for await (const batch of readLineBatches(file, opts)) for (const l of batch) yield l;
}

/** The lines of a file in batches (one per ~1 MB chunk): one await per chunk instead of per line. */
export async function* readLineBatches(file: string, opts: { start?: number } = {}): AsyncGenerator<string[]> {
  const stream = createReadStream(file, { start: opts.start ?? 0, highWaterMark: 1 << 20 });
  let rest = '';
  // A chunk may end inside a UTF-8 sequence: carry the incomplete bytes to the next chunk.
  let carry: Buffer | null = null;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const cut = utf8Boundary(buf);
    carry = cut < buf.length ? buf.subarray(cut) : null;
    buf = buf.subarray(0, cut);
    const text = rest + buf.toString('utf8');
    const batch: string[] = [];
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl !== -1) {
      batch.push(stripCr(text.slice(start, nl)));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = text.slice(start);
    if (batch.length > 0) yield batch;
  }
  if (carry) rest += carry.toString('utf8');
  if (rest.length > 0) yield [stripCr(rest)];
}

function stripCr(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
}

/** Index up to which `buf` holds only complete UTF-8 sequences. */
function utf8Boundary(buf: Buffer): number {
  const n = buf.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return n - i >= need ? n : i;
  }
  return n;
}
