// One 64 KiB chunk: header (signature "ElfChnk\0", record numbers, free-space offset at 48, records CRC-32
// at 52, header CRC-32 at 124 over bytes 0..119 and 128..511), then event records from offset 512:
// signature 0x00002a2a, size, record id (8), written FILETIME (8), BinXML, size again.
// Broken parts become located warnings; the good records of the chunk are still returned.
import type { ParseWarning } from '../../../model/event.js';
import { EvtxCorrupt } from './corrupt.js';
import { crc32 } from './crc32.js';
import { CHUNK_SIZE } from './header.js';
import type { ChunkCtx } from './template.js';

const CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1');
const RECORD_MAGIC = 0x00002a2a;
const HEADER_SIZE = 512;

/** A located record: its BinXML is [start, limit) of the chunk. */
export interface RecordSpan {
  ctx: ChunkCtx;
  start: number;
  limit: number;
  recordId: number;
  /** Offset of the record in the file. */
  offset: number;
}

/** Turns a record's BinXML into a result; null to skip it (after warning); may throw EvtxCorrupt. */
export type Convert<T> = (r: RecordSpan) => T | null;

export type Warn = (w: ParseWarning) => void;

function isZero(b: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

// Checks the chunk header; returns the end of record data, or -1 (with a warning) when the chunk is unusable.
function checkHeader(b: Buffer, fileOffset: number, file: string, warn: Warn): number {
  if (b.length < HEADER_SIZE) {
    warn({ file, offset: fileOffset, reason: `truncated chunk: ${b.length} bytes, header needs ${HEADER_SIZE}` });
    return -1;
  }
  if (!b.subarray(0, 8).equals(CHUNK_MAGIC)) {
    // Preallocated, never-written chunks are all zero: not damage, nothing to say.
    if (!isZero(b, 0, HEADER_SIZE)) warn({ file, offset: fileOffset, reason: 'chunk signature "ElfChnk" missing; chunk skipped' });
    return -1;
  }
  const stored = b.readUInt32LE(124);
  const actual = crc32(b.subarray(128, HEADER_SIZE), crc32(b.subarray(0, 120)));
  if (stored !== actual) {
    warn({ file, offset: fileOffset + 124, reason: `chunk header checksum mismatch (stored 0x${stored.toString(16)}, computed 0x${actual.toString(16)}); chunk skipped` });
    return -1;
  }
  let free = b.readUInt32LE(48);
  if (free < HEADER_SIZE || free > CHUNK_SIZE) {
    warn({ file, offset: fileOffset + 48, reason: `chunk free-space offset ${free} out of range; reading to chunk end` });
    free = Math.min(b.length, CHUNK_SIZE);
  }
  if (free > b.length) {
    warn({ file, offset: fileOffset + b.length, reason: `truncated chunk: records end at ${free} but only ${b.length} bytes present; reading what is there` });
    free = b.length;
  } else {
    const dataCrc = crc32(b.subarray(HEADER_SIZE, free));
    if (dataCrc !== b.readUInt32LE(52)) {
      warn({ file, offset: fileOffset + 52, reason: `chunk event-records checksum mismatch (stored 0x${b.readUInt32LE(52).toString(16)}, computed 0x${dataCrc.toString(16)}); records checked one by one` });
    }
  }
  return free;
}

// A plausible record starts at `pos`: signature, size in range, and the trailing size copy agrees.
function recordAt(b: Buffer, pos: number, end: number): number {
  if (pos + 28 > end || b.readUInt32LE(pos) !== RECORD_MAGIC) return 0;
  const size = b.readUInt32LE(pos + 4);
  if (size < 28 || pos + size > end || b.readUInt32LE(pos + size - 4) !== size) return 0;
  return size;
}

// The next plausible record start after a damaged one (records are 8-byte aligned), or `end`.
function resync(b: Buffer, from: number, end: number): number {
  for (let p = (from + 7) & ~7; p + 28 <= end; p += 8) if (recordAt(b, p, end)) return p;
  return end;
}

// Yields the converted records of one chunk (`b` is the chunk's bytes, `fileOffset` where it starts in the file).
export function* chunkRecords<T>(b: Buffer, fileOffset: number, file: string, warn: Warn, convert: Convert<T>, win = true): Generator<T> {
  const end = checkHeader(b, fileOffset, file, warn);
  if (end < 0) return;
  const ctx: ChunkCtx = { b, names: new Map(), templates: new Map(), win };
  let pos = HEADER_SIZE;
  while (pos + 28 <= end) {
    const size = recordAt(b, pos, end);
    if (!size) {
      // Zero bytes after the last record are unused space, not damage.
      if (isZero(b, pos, Math.min(end, pos + 28))) break;
      const next = resync(b, pos + 1, end);
      warn({ file, offset: fileOffset + pos, reason: `bad event record header; skipped ${next - pos} bytes` });
      pos = next;
      continue;
    }
    const recordId = b.readUInt32LE(pos + 8) + b.readUInt32LE(pos + 12) * 4294967296;
    let out: T | null = null;
    try {
      out = convert({ ctx, start: pos + 24, limit: pos + size - 4, recordId, offset: fileOffset + pos });
    } catch (e) {
      const at = e instanceof EvtxCorrupt && e.at >= pos && e.at < pos + size ? e.at : pos;
      warn({ file, offset: fileOffset + at, reason: `record ${recordId} at offset ${fileOffset + pos} skipped: ${(e as Error).message}` });
    }
    if (out !== null) yield out;
    pos += size;
  }
}
