// BinXML token parsing (libevtx "Binary XML" section; python-evtx Nodes.py): turns a token stream into a
// small tree of elements whose attribute values and text are parts (literal text or substitution
// references). Templates are parsed once per chunk into this tree; records only supply substitution values.
import { EvtxCorrupt, need } from './corrupt.js';
import { T_STRING, T_WSTRING, decodeValue, utf16 } from './values.js';

export const MAX_DEPTH = 64; // element nesting and nested-BinXML depth bound (real events use < 10)

/** A reference to substitution `index` of the enclosing template instance. */
export interface SubRef {
  index: number;
  optional: boolean;
  type: number;
}
/** Literal text or a substitution; text parts are already decoded (values, CDATA, char and entity refs). */
export type TPart = string | SubRef;
export interface TAttr {
  name: string;
  parts: TPart[];
}
export interface TElement {
  name: string;
  attrs: TAttr[];
  children: TChild[];
}
/** A template instance met inside a raw fragment (nested BinXML values): resolved by the caller. */
export interface TInstanceRef {
  instanceAt: number;
}
export type TChild = TElement | TPart | TInstanceRef;

/** Per-chunk parsing state: the chunk bytes and its name-string cache. */
export interface ChunkBytes {
  b: Buffer;
  names: Map<number, string>;
}

// Reads the name string (next offset 4, hash 2, char count 2, UTF-16 chars, NUL) at chunk offset `off`.
export function readName(c: ChunkBytes, off: number): string {
  const hit = c.names.get(off);
  if (hit !== undefined) return hit;
  need(off, 8, c.b.length, 'name string');
  const n = c.b.readUInt16LE(off + 6);
  const s = utf16(c.b, off + 8, n, c.b.length);
  c.names.set(off, s);
  return s;
}

// Byte length of an inline name string at `off` (header 8 + chars + NUL terminator).
function nameLength(c: ChunkBytes, off: number): number {
  need(off, 8, c.b.length, 'name string');
  return 10 + c.b.readUInt16LE(off + 6) * 2;
}

/** A cursor over one BinXML fragment inside a chunk; `limit` bounds every read. */
export class Cursor {
  pos: number;
  constructor(
    readonly c: ChunkBytes,
    start: number,
    readonly limit: number,
  ) {
    this.pos = start;
  }

  // Skips a name string stored inline at the cursor (the name offset points right here), returning the name.
  name(off: number): string {
    const s = readName(this.c, off);
    if (off === this.pos) this.pos += nameLength(this.c, off);
    return s;
  }
}

// Parses the content of an element (or a fragment's top level) until EndElement/EOF, appending to `out`.
// Returns the token that stopped it (0x04 end element, 0x00 end of fragment, -1 limit reached).
export function parseContent(cur: Cursor, out: TChild[], depth: number, allowInstances: boolean): number {
  const b = cur.c.b;
  if (depth > MAX_DEPTH) throw new EvtxCorrupt('BinXML nested too deep', cur.pos);
  while (cur.pos < cur.limit) {
    const at = cur.pos;
    const tok = b[at];
    // Only the 0x40 "more data" flag may accompany a token; anything else is damage.
    if (tok & 0xb0) throw new EvtxCorrupt(`unexpected BinXML token 0x${tok.toString(16).padStart(2, '0')}`, at);
    switch (tok & 0x0f) {
      case 0x00: cur.pos++; return 0x00;
      case 0x04: cur.pos++; return 0x04;
      case 0x01: out.push(parseElement(cur, depth + 1, allowInstances)); break;
      case 0x05: case 0x07: case 0x08: case 0x09: case 0x0d: case 0x0e:
        pushPart(out, parsePart(cur)); break;
      case 0x0a: {
        // Processing instruction: target (name) then data (0x0b).
        need(at, 5, cur.limit, 'PI target');
        cur.pos = at + 5;
        const target = cur.name(b.readUInt32LE(at + 1));
        let data = '';
        if (cur.pos < cur.limit && (b[cur.pos] & 0x0f) === 0x0b) {
          need(cur.pos, 3, cur.limit, 'PI data');
          const n = b.readUInt16LE(cur.pos + 1);
          data = utf16(b, cur.pos + 3, n, cur.limit);
          cur.pos += 3 + n * 2;
        }
        pushPart(out, `<?${target}${data ? ` ${data}` : ''}?>`);
        break;
      }
      case 0x0c:
        if (!allowInstances) throw new EvtxCorrupt('template instance inside a template definition', at);
        out.push({ instanceAt: at });
        return 0x0c; // the caller resolves it (it owns the substitution array that follows)
      case 0x0f:
        need(at, 4, cur.limit, 'fragment header');
        cur.pos = at + 4;
        break;
      default:
        throw new EvtxCorrupt(`unexpected BinXML token 0x${tok.toString(16).padStart(2, '0')}`, at);
    }
  }
  return -1;
}

function pushPart(out: TChild[], p: TPart): void {
  const last = out.length ? out[out.length - 1] : undefined;
  if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
  else out.push(p);
}

// Parses one text-ish token at the cursor: value, CDATA, character/entity reference or substitution.
function parsePart(cur: Cursor): TPart {
  const b = cur.c.b;
  const at = cur.pos;
  switch (b[at] & 0x0f) {
    case 0x05: {
      need(at, 4, cur.limit, 'value');
      const type = b[at + 1];
      if (type !== T_WSTRING && type !== T_STRING) throw new EvtxCorrupt(`value token of type 0x${type.toString(16)}`, at);
      const n = b.readUInt16LE(at + 2);
      const size = type === T_WSTRING ? n * 2 : n;
      need(at + 4, size, cur.limit, 'value text');
      cur.pos = at + 4 + size;
      return decodeValue(b, at + 4, size, type);
    }
    case 0x07: {
      need(at, 3, cur.limit, 'CDATA');
      const n = b.readUInt16LE(at + 1);
      cur.pos = at + 3 + n * 2;
      return utf16(b, at + 3, n, cur.limit);
    }
    case 0x08: {
      need(at, 3, cur.limit, 'character reference');
      cur.pos = at + 3;
      return String.fromCharCode(b.readUInt16LE(at + 1));
    }
    case 0x09: {
      need(at, 5, cur.limit, 'entity reference');
      cur.pos = at + 5;
      const name = cur.name(b.readUInt32LE(at + 1));
      return ENTITIES[name] ?? `&${name};`;
    }
    case 0x0d: case 0x0e: {
      need(at, 4, cur.limit, 'substitution');
      cur.pos = at + 4;
      return { index: b.readUInt16LE(at + 1), type: b[at + 3], optional: (b[at] & 0x0f) === 0x0e };
    }
  }
  throw new EvtxCorrupt(`token 0x${b[at].toString(16)} is not a value`, at);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

// Parses an element starting at an OpenStartElement token (0x01, or 0x41 with attributes).
function parseElement(cur: Cursor, depth: number, allowInstances: boolean): TElement {
  const b = cur.c.b;
  const start = cur.pos;
  if (depth > MAX_DEPTH) throw new EvtxCorrupt('elements nested too deep', start);
  need(start, 11, cur.limit, 'element header');
  const hasAttrs = (b[start] & 0x40) !== 0;
  const nameOff = b.readUInt32LE(start + 7);
  cur.pos = start + 11;
  // The attribute-list size (flag 0x40) and an inline name may come in either order; the name offset says
  // where the name is, so skip whichever is at the cursor.
  let name: string;
  if (hasAttrs && nameOff !== cur.pos) {
    cur.pos += 4;
    name = cur.name(nameOff);
  } else {
    name = cur.name(nameOff);
    if (hasAttrs) cur.pos += 4;
  }
  const el: TElement = { name, attrs: [], children: [] };
  // Attributes: each is 0x06/0x46, a name, then its value tokens.
  while (cur.pos < cur.limit && (b[cur.pos] & 0x0f) === 0x06) {
    const at = cur.pos;
    need(at, 5, cur.limit, 'attribute');
    cur.pos = at + 5;
    const attr: TAttr = { name: cur.name(b.readUInt32LE(at + 1)), parts: [] };
    while (cur.pos < cur.limit && VALUE_TOKENS.has(b[cur.pos] & 0x0f)) {
      const p = parsePart(cur);
      const last = attr.parts.length ? attr.parts[attr.parts.length - 1] : undefined;
      if (typeof p === 'string' && typeof last === 'string') attr.parts[attr.parts.length - 1] = last + p;
      else attr.parts.push(p);
    }
    el.attrs.push(attr);
  }
  need(cur.pos, 1, cur.limit, 'element close');
  const close = b[cur.pos] & 0x0f;
  cur.pos++;
  if (close === 0x03) return el; // empty element
  if (close !== 0x02) throw new EvtxCorrupt(`element <${name}> not closed (token 0x${b[cur.pos - 1].toString(16)})`, cur.pos - 1);
  const stop = parseContent(cur, el.children, depth, allowInstances);
  if (stop === 0x0c) throw new EvtxCorrupt('template instance inside an element', cur.pos);
  if (stop !== 0x04) throw new EvtxCorrupt(`element <${name}> has no end tag`, cur.pos);
  return el;
}

const VALUE_TOKENS = new Set([0x05, 0x07, 0x08, 0x09, 0x0d, 0x0e]);
