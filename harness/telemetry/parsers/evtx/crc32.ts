// CRC-32 (IEEE 802.3, as zlib computes it) over byte ranges, used for the file and chunk checksums.
import * as zlib from 'node:zlib';

type Crc32Fn = (data: Uint8Array, value?: number) => number;
// zlib.crc32 exists from Node 20.15 / 22.2; older Node 20 releases get the table version.
const native: Crc32Fn | undefined = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

let table: Uint32Array | undefined;
function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

// CRC-32 of `data`, continuing from `prev` (0 to start).
export function crc32(data: Uint8Array, prev = 0): number {
  if (native) return native(data, prev) >>> 0;
  table ??= makeTable();
  let c = (prev ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
