// Test-only EVTX writer: builds small, valid EVTX files (file header, chunks with correct CRC-32s, resident
// templates, substitution arrays) so that value types and BinXML tokens that the recorded datasets do not
// contain can be checked against python-evtx and libevtx on the very same bytes.
import { crc32 } from '../../../harness/telemetry/parsers/evtx/crc32.js';

/** A BinXML node of a template. `sub` nodes refer to substitution `index` of the record. */
export type BNode =
  | { el: string; attrs?: Array<[string, BNode[]]>; children?: BNode[] }
  | { text: string }
  | { sub: number; type: number; optional?: boolean }
  | { cdata: string }
  | { charref: number }
  | { entity: string }
  | { pi: string; data: string };

export type BSub = { type: number; bytes: Uint8Array } | { nested: { template: { id: number; nodes: BNode[] }; subs: BSub[] } };
export interface BRecord {
  id: number;
  template: { id: number; nodes: BNode[] };
  subs: BSub[];
  /** FILETIME ticks written into the record header. */
  written?: bigint;
}

class W {
  bytes: number[] = [];
  get pos(): number {
    return this.bytes.length;
  }
  u8(v: number): void {
    this.bytes.push(v & 0xff);
  }
  u16(v: number): void {
    this.u8(v);
    this.u8(v >>> 8);
  }
  u32(v: number): void {
    this.u16(v & 0xffff);
    this.u16(v >>> 16);
  }
  set32(at: number, v: number): void {
    for (let i = 0; i < 4; i++) this.bytes[at + i] = (v >>> (8 * i)) & 0xff;
  }
  raw(b: ArrayLike<number>): void {
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i]);
  }
  utf16(s: string): void {
    for (let i = 0; i < s.length; i++) this.u16(s.charCodeAt(i));
  }
}

// Writes an inline name string at the current position (`base` = chunk offset of the writer's byte 0).
function name(w: W, base: number, s: string): void {
  w.u32(base + w.pos + 4); // name offset: right here (after this field)
  w.u32(0); // next string offset
  w.u16(0); // hash (not checked by readers)
  w.u16(s.length);
  w.utf16(s);
  w.u16(0);
}

function node(w: W, base: number, n: BNode): void {
  if ('el' in n) {
    const attrs = n.attrs ?? [];
    w.u8(attrs.length ? 0x41 : 0x01);
    w.u16(0xffff); // dependency id
    const sizeAt = w.pos;
    w.u32(0);
    name(w, base, n.el);
    const attrSizeAt = w.pos;
    if (attrs.length) w.u32(0);
    const attrStart = w.pos;
    attrs.forEach(([an, val], i) => {
      w.u8(i < attrs.length - 1 ? 0x46 : 0x06);
      name(w, base, an);
      for (const v of val) node(w, base, v);
    });
    if (attrs.length) w.set32(attrSizeAt, w.pos - attrStart);
    if (n.children?.length) {
      w.u8(0x02);
      for (const c of n.children) node(w, base, c);
      w.u8(0x04);
    } else w.u8(0x03);
    w.set32(sizeAt, w.pos - sizeAt - 4);
  } else if ('text' in n) {
    w.u8(0x05);
    w.u8(0x01);
    w.u16(n.text.length);
    w.utf16(n.text);
  } else if ('sub' in n) {
    w.u8(n.optional ? 0x0e : 0x0d);
    w.u16(n.sub);
    w.u8(n.type);
  } else if ('cdata' in n) {
    w.u8(0x07);
    w.u16(n.cdata.length);
    w.utf16(n.cdata);
  } else if ('charref' in n) {
    w.u8(0x08);
    w.u16(n.charref);
  } else if ('entity' in n) {
    w.u8(0x09);
    name(w, base, n.entity);
  } else {
    w.u8(0x0a);
    name(w, base, n.pi);
    w.u8(0x0b);
    w.u16(n.data.length);
    w.utf16(n.data);
  }
}

// A BinXML fragment at chunk offset `base`: header, template instance (resident the first time in this
// chunk), substitution descriptors and values. Nested BinXML values are encoded where they land, because
// their inline names and resident templates carry absolute chunk offsets.
function fragment(w: W, base: number, rec: { template: BRecord['template']; subs: BSub[] }, templates: Map<number, number>): void {
  w.raw([0x0f, 0x01, 0x01, 0x00, 0x0c, 0x01]);
  w.u32(rec.template.id);
  const known = templates.get(rec.template.id);
  if (known !== undefined) w.u32(known);
  else {
    const at = base + w.pos + 4;
    templates.set(rec.template.id, at);
    w.u32(at);
    w.u32(0); // next template
    w.u32(rec.template.id); // GUID (16 bytes): id then zeros
    w.raw(new Array(12).fill(0));
    const sizeAt = w.pos;
    w.u32(0);
    const start = w.pos;
    w.raw([0x0f, 0x01, 0x01, 0x00]);
    for (const n of rec.template.nodes) node(w, base, n);
    w.u8(0x00);
    w.set32(sizeAt, w.pos - start);
  }
  let vpos = base + w.pos + 4 + 4 * rec.subs.length;
  const values: Array<{ type: number; bytes: ArrayLike<number> }> = [];
  for (const s of rec.subs) {
    if ('nested' in s) {
      const nw = new W();
      fragment(nw, vpos, s.nested, templates);
      nw.u8(0x00);
      values.push({ type: 0x21, bytes: nw.bytes });
      vpos += nw.pos;
    } else {
      values.push(s);
      vpos += s.bytes.length;
    }
  }
  w.u32(values.length);
  for (const v of values) {
    w.u16(v.bytes.length);
    w.u8(v.type);
    w.u8(0);
  }
  for (const v of values) w.raw(v.bytes);
}

// One 64 KiB chunk holding `records`, with valid header and data CRC-32s.
export function buildChunk(records: BRecord[]): Buffer {
  const c = Buffer.alloc(65536);
  const templates = new Map<number, number>();
  let pos = 512;
  let lastStart = 512;
  for (const r of records) {
    lastStart = pos;
    const w = new W();
    w.u32(0x00002a2a);
    w.u32(0); // size, set below
    w.u32(r.id);
    w.u32(0);
    const ft = r.written ?? 132803361236767020n;
    w.u32(Number(ft & 0xffffffffn));
    w.u32(Number(ft >> 32n));
    fragment(w, pos, r, templates);
    w.u8(0x00); // end of fragment
    while ((w.pos + 4) % 8) w.u8(0);
    w.u32(w.pos + 4);
    w.set32(4, w.pos);
    if (pos + w.pos > 65536) throw new Error('builder: records do not fit one chunk');
    Buffer.from(w.bytes).copy(c, pos);
    pos += w.pos;
  }
  c.write('ElfChnk\0', 0, 'latin1');
  c.writeBigUInt64LE(BigInt(records[0]?.id ?? 1), 8);
  c.writeBigUInt64LE(BigInt(records[records.length - 1]?.id ?? 1), 16);
  c.writeBigUInt64LE(BigInt(records[0]?.id ?? 1), 24);
  c.writeBigUInt64LE(BigInt(records[records.length - 1]?.id ?? 1), 32);
  c.writeUInt32LE(128, 40);
  c.writeUInt32LE(lastStart, 44);
  c.writeUInt32LE(pos, 48);
  c.writeUInt32LE(crc32(c.subarray(512, pos)), 52);
  c.writeUInt32LE(crc32(c.subarray(128, 512), crc32(c.subarray(0, 120))), 124);
  return c;
}

/** A whole file: header block plus one chunk per entry. */
export function buildEvtx(chunks: BRecord[][]): Buffer {
  const h = Buffer.alloc(4096);
  h.write('ElfFile\0', 0, 'latin1');
  h.writeBigUInt64LE(0n, 8);
  h.writeBigUInt64LE(BigInt(Math.max(0, chunks.length - 1)), 16);
  const last = chunks.flat().reduce((m, r) => Math.max(m, r.id), 0);
  h.writeBigUInt64LE(BigInt(last + 1), 24);
  h.writeUInt32LE(128, 32);
  h.writeUInt16LE(1, 36);
  h.writeUInt16LE(3, 38);
  h.writeUInt16LE(4096, 40);
  h.writeUInt16LE(chunks.length, 42);
  h.writeUInt32LE(0, 120);
  h.writeUInt32LE(crc32(h.subarray(0, 120)), 124);
  return Buffer.concat([h, ...chunks.map(buildChunk)]);
}
