// BinXML value types (libevtx "value types"; python-evtx Nodes.py VariantTypeNode classes) decoded to text
// in one of two styles. 'python-evtx': exactly as python-evtx renders them (booleans True/False, hex32/64
// zero-padded 0x0003001f, binary as base64). 'windows' (the default of the public API): as Windows itself
// renders event XML, and so as WinCollect/NXLog and QRadar see the values: true/false, 0x3001f, binary as
// upper-case hex. Both write FILETIME/SYSTEMTIME in the Windows form 2021-11-02T14:15:23.6767020Z
// (python-evtx writes "2021-11-02 14:15:23.676702", the same instant). Arrays (type | 0x80) are split.
import { EvtxCorrupt, need } from './corrupt.js';

export const T_NULL = 0x00;
export const T_WSTRING = 0x01;
export const T_STRING = 0x02;
export const T_BINXML = 0x21;
export const T_ARRAY = 0x80;

const FIXED: Record<number, number> = {
  0x03: 1, 0x04: 1, 0x05: 2, 0x06: 2, 0x07: 4, 0x08: 4, 0x09: 8, 0x0a: 8, 0x0b: 4, 0x0c: 8,
  0x0d: 4, 0x0f: 16, 0x11: 8, 0x12: 16, 0x14: 4, 0x15: 8,
};


// Strips trailing NUL characters (Windows stores terminated strings; python-evtx strips them too).
export function stripNuls(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return end === s.length ? s : s.slice(0, end);
}

// Reads a UTF-16LE string of `chars` characters at `pos`.
export function utf16(b: Buffer, pos: number, chars: number, limit: number): string {
  need(pos, chars * 2, limit, 'UTF-16 string');
  return b.toString('utf16le', pos, pos + chars * 2);
}

const HEX2: string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const SECS_1601_TO_1970 = 11644473600;

// A FILETIME (100 ns ticks since 1601) as epoch ms and the Windows text form; null when out of range.
export function filetime(b: Buffer, pos: number): { ms: number; text: string } | null {
  const lo = b.readUInt32LE(pos);
  const hi = b.readUInt32LE(pos + 4);
  // ticks = hi * 2^32 + lo, and 2^32 = 429 * 10^7 + 4967296: split so every step stays exact in a double.
  const x = hi * 4967296 + lo;
  if (x > Number.MAX_SAFE_INTEGER) return null; // beyond year 30000: not a real timestamp
  const secs = hi * 429 + Math.floor(x / 1e7) - SECS_1601_TO_1970;
  const frac = x % 1e7;
  const ms = secs * 1000 + Math.floor(frac / 1e4);
  // Records of a chunk are seconds apart at most: reuse the formatted date of the previous second.
  if (secs !== lastSecs) {
    const d = new Date(secs * 1000);
    const y = d.getUTCFullYear();
    if (!Number.isFinite(y) || y < 1601 || y > 9999) return null;
    lastPrefix = d.toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS
    lastSecs = secs;
  }
  return { ms, text: `${lastPrefix}.${String(frac).padStart(7, '0')}Z` };
}
let lastSecs = NaN;
let lastPrefix = '';

function systemtime(b: Buffer, pos: number): string {
  const y = b.readUInt16LE(pos), mo = b.readUInt16LE(pos + 2), d = b.readUInt16LE(pos + 6);
  const h = b.readUInt16LE(pos + 8), mi = b.readUInt16LE(pos + 10), s = b.readUInt16LE(pos + 12), ms = b.readUInt16LE(pos + 14);
  return `${String(y).padStart(4, '0')}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}.${String(ms).padStart(3, '0')}0000Z`;
}

function hexLe(b: Buffer, pos: number, len: number, win: boolean): string {
  let s = '';
  for (let i = len - 1; i >= 0; i--) s += HEX2[b[pos + i]];
  if (!win) return `0x${s}`;
  let z = 0;
  while (z < s.length - 1 && s.charCodeAt(z) === 48) z++; // Windows drops leading zeros: 0x3001f
  return `0x${s.slice(z)}`;
}

function guid(b: Buffer, pos: number): string {
  const h = HEX2;
  const p = pos;
  return `{${h[b[p + 3]]}${h[b[p + 2]]}${h[b[p + 1]]}${h[b[p]]}-${h[b[p + 5]]}${h[b[p + 4]]}-${h[b[p + 7]]}${h[b[p + 6]]}-${h[b[p + 8]]}${h[b[p + 9]]}-${h[b[p + 10]]}${h[b[p + 11]]}${h[b[p + 12]]}${h[b[p + 13]]}${h[b[p + 14]]}${h[b[p + 15]]}}`;
}

function sid(b: Buffer, pos: number, size: number): string {
  need(pos, 8, pos + size, 'SID');
  const n = b[pos + 1];
  need(pos, 8 + 4 * n, pos + size, 'SID sub-authorities');
  // The 48-bit identifier authority is big-endian.
  const auth = b.readUInt32BE(pos + 2) * 65536 + b.readUInt16BE(pos + 6);
  let s = `S-${b[pos]}-${auth}`;
  for (let i = 0; i < n; i++) s += `-${b.readUInt32LE(pos + 8 + 4 * i)}`;
  return s;
}

// Python's str(float): integral values keep ".0"; others use the shortest round-trip form.
function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return Number.isInteger(x) && Math.abs(x) < 1e16 ? x.toFixed(1) : String(x);
}

function fixed(b: Buffer, pos: number, type: number, win: boolean): string {
  switch (type) {
    case 0x03: return String(b.readInt8(pos));
    case 0x04: return String(b[pos]);
    case 0x05: return String(b.readInt16LE(pos));
    case 0x06: return String(b.readUInt16LE(pos));
    case 0x07: return String(b.readInt32LE(pos));
    case 0x08: return String(b.readUInt32LE(pos));
    case 0x09: return b.readBigInt64LE(pos).toString();
    case 0x0a: return b.readBigUInt64LE(pos).toString();
    case 0x0b: return pyFloat(b.readFloatLE(pos));
    case 0x0c: return pyFloat(b.readDoubleLE(pos));
    case 0x0d: return b.readUInt32LE(pos) !== 0 ? (win ? 'true' : 'True') : (win ? 'false' : 'False');
    case 0x0f: return guid(b, pos);
    case 0x11: return filetime(b, pos)?.text ?? hexLe(b, pos, 8, false);
    case 0x12: return systemtime(b, pos);
    case 0x14: return hexLe(b, pos, 4, win);
    case 0x15: return hexLe(b, pos, 8, win);
    default: throw new EvtxCorrupt(`unknown value type 0x${type.toString(16)}`, pos);
  }
}

// Decodes one substitution value of `size` bytes at `pos` as text (never for type 0x21 BinXML); `win`
// selects the Windows rendering style, else python-evtx's.
export function decodeValue(b: Buffer, pos: number, size: number, type: number, win = true): string {
  const end = pos + size;
  need(pos, size, b.length, 'substitution value');
  switch (type) {
    case T_NULL: return '';
    case T_WSTRING: return stripNuls(b.toString('utf16le', pos, pos + (size & ~1)));
    case T_STRING: return stripNuls(b.toString('latin1', pos, end));
    case 0x0e: return win ? b.toString('hex', pos, end).toUpperCase() : b.toString('base64', pos, end);
    case 0x10: return size === 4 ? String(b.readUInt32LE(pos)) : size >= 8 ? b.readBigUInt64LE(pos).toString() : '';
    case 0x13: return sid(b, pos, size);
    case T_BINXML: throw new EvtxCorrupt('BinXML value decoded as text', pos);
  }
  if (type & T_ARRAY) return decodeArray(b, pos, size, type & 0x7f, win).join(', ');
  const w = FIXED[type];
  if (w === undefined) throw new EvtxCorrupt(`unknown value type 0x${type.toString(16)}`, pos);
  if (size < w) throw new EvtxCorrupt(`value of type 0x${type.toString(16)} needs ${w} bytes, has ${size}`, pos);
  return fixed(b, pos, type, win);
}

// The elements of an array value (type already stripped of 0x80).
export function decodeArray(b: Buffer, pos: number, size: number, type: number, win = true): string[] {
  const out: string[] = [];
  const end = pos + size;
  if (type === T_WSTRING || type === T_STRING) {
    // NUL-separated strings.
    const all = type === T_WSTRING ? b.toString('utf16le', pos, pos + (size & ~1)) : b.toString('latin1', pos, end);
    const parts = all.split('\0');
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  }
  if (type === 0x13) {
    let p = pos;
    while (p + 8 <= end && out.length < 65536) {
      const n = b[p + 1];
      out.push(sid(b, p, end - p));
      p += 8 + 4 * n;
    }
    return out;
  }
  const w = type === 0x10 ? 8 : FIXED[type];
  if (w === undefined) throw new EvtxCorrupt(`unknown array element type 0x${type.toString(16)}`, pos);
  for (let p = pos; p + w <= end; p += w) out.push(type === 0x10 ? b.readBigUInt64LE(p).toString() : fixed(b, p, type, win));
  return out;
}
