// The EVTX parser's public face: stream WindowsEventRecords from an .evtx file (a 1 MiB read buffer, reused:
// memory stays flat as files grow) or from a buffer, and render records as event XML. Damage never throws: it becomes a
// located ParseWarning (file, byte offset, reason) and every good record is still returned.
import { open } from 'node:fs/promises';
import type { ParseWarning } from '../../../model/event.js';
import type { WindowsEventRecord } from '../../record.js';
import { HarnessError } from '../../../errors.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, parseFileHeader } from './header.js';
import { chunkRecords, type Convert, type Warn } from './chunk.js';
import { toEventRecord, toTree } from './convert.js';
import { renderNodesXml } from './render.js';

export { isEvtx } from './header.js';
export { renderRecordXml } from './record-xml.js';

export interface EvtxReadOptions {
  /** Name used in origins and warnings (defaults to the path, or "<buffer>"). */
  file?: string;
  onWarning?: (w: ParseWarning) => void;
  /**
   * How values are written. 'windows' (default): as Windows renders event XML, so as WinCollect, NXLog and
   * QRadar see them (true, 0x3001f, binary as upper-case hex). 'python-evtx': exactly as python-evtx's
   * evtx_dump.py (True, 0x0003001f, binary as base64). Times are the Windows form in both.
   */
  values?: 'windows' | 'python-evtx';
}

const CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1');
const READ_CHUNKS = 16;

// Checks the file header; throws HARNESS_EVTX_NOT_EVTX only when neither the header nor a first chunk is there.
function checkFileHeader(head: Buffer, firstChunk: Buffer | undefined, file: string, warn: Warn): void {
  const h = parseFileHeader(head);
  if (h) {
    if (!h.checksumOk) warn({ file, offset: 124, reason: 'file header checksum mismatch; reading the chunks anyway' });
    if (h.majorVersion !== 3) warn({ file, offset: 38, reason: `unexpected EVTX format version ${h.majorVersion}.${h.minorVersion}; reading as 3.x` });
    return;
  }
  if (firstChunk && firstChunk.subarray(0, 8).equals(CHUNK_MAGIC)) {
    warn({ file, offset: 0, reason: 'file header damaged (no "ElfFile" signature); reading the chunks anyway' });
    return;
  }
  throw new HarnessError('HARNESS_EVTX_NOT_EVTX', `${file} is not an EVTX file (no "ElfFile" header and no chunk at 4096)`, {
    location: { file },
    phase: 'parse',
    fix: 'pass a Windows .evtx file (exported with wevtutil epl or copied from C:\\Windows\\System32\\winevt\\Logs), or force another --format',
  });
}

function* bufferRecords<T>(b: Buffer, file: string, warn: Warn, convert: Convert<T>, win: boolean): Generator<T> {
  checkFileHeader(b.subarray(0, FILE_HEADER_SIZE), b.length > FILE_HEADER_SIZE ? b.subarray(FILE_HEADER_SIZE) : undefined, file, warn);
  for (let off = FILE_HEADER_SIZE; off < b.length; off += CHUNK_SIZE) {
    yield* chunkRecords(b.subarray(off, Math.min(off + CHUNK_SIZE, b.length)), off, file, warn, convert, win);
  }
}

function toBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

// Same as readEvtxFile over an in-memory buffer (tests, fuzzing).
export function parseEvtxBuffer(buf: Uint8Array, opts: EvtxReadOptions = {}): Iterable<WindowsEventRecord> {
  const file = opts.file ?? '<buffer>';
  const warn: Warn = opts.onWarning ?? (() => {});
  return { [Symbol.iterator]: () => bufferRecords(toBuffer(buf), file, warn, toEventRecord(file, warn), opts.values !== 'python-evtx') };
}

// Each record of a buffer as event XML (wevtutil shape), in file order, for debugging and `--format xml`.
export function* evtxBufferXml(buf: Uint8Array, opts: EvtxReadOptions = {}): Generator<string> {
  const file = opts.file ?? '<buffer>';
  for (const nodes of bufferRecords(toBuffer(buf), file, opts.onWarning ?? (() => {}), toTree, opts.values !== 'python-evtx')) yield renderNodesXml(nodes);
}

// Streams records from a file without reading it whole: the 4 KiB header, then 64 KiB chunks, 16 per read.
export async function* readEvtxFile(path: string, opts: EvtxReadOptions = {}): AsyncGenerator<WindowsEventRecord> {
  const file = opts.file ?? path;
  const warn: Warn = opts.onWarning ?? (() => {});
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new HarnessError('HARNESS_EVTX_READ', `cannot open ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      location: { file: path },
      phase: 'io',
      fix: 'check the path and that this user may read it',
    });
  }
  try {
    const head = Buffer.alloc(FILE_HEADER_SIZE);
    const { bytesRead } = await fh.read(head, 0, FILE_HEADER_SIZE, 0);
    // One buffer of READ_CHUNKS chunks, reused: memory stays flat however large the file is, and reading
    // 1 MiB per call keeps the thread-pool round trips (the cost of FileHandle.read) few.
    const batch = Buffer.allocUnsafe(CHUNK_SIZE * READ_CHUNKS); // only the bytes read are ever looked at
    let n = (await fh.read(batch, 0, batch.length, FILE_HEADER_SIZE)).bytesRead;
    checkFileHeader(head.subarray(0, bytesRead), n > 0 ? batch.subarray(0, Math.min(n, CHUNK_SIZE)) : undefined, file, warn);
    const convert = toEventRecord(file, warn);
    for (let base = FILE_HEADER_SIZE; n > 0; base += batch.length) {
      for (let i = 0; i < n; i += CHUNK_SIZE) {
        // A chunk's records are fully converted before the buffer is refilled.
        const recs = [...chunkRecords(batch.subarray(i, Math.min(i + CHUNK_SIZE, n)), base + i, file, warn, convert, opts.values !== 'python-evtx')];
        yield* recs;
      }
      if (n < batch.length) break;
      n = (await fh.read(batch, 0, batch.length, base + batch.length)).bytesRead;
    }
  } finally {
    await fh.close();
  }
}
