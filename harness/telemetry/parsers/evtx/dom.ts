// Materialises a record: template trees plus substitution values become a small element tree (XElement),
// expanding nested BinXML values (type 0x21) in place. Everything downstream (fields, XML) reads this tree.
import { EvtxCorrupt } from './corrupt.js';
import { Cursor, MAX_DEPTH, parseContent, type TChild, type TPart } from './binxml.js';
import { readInstance, type ChunkCtx, type Sub } from './template.js';
import { T_ARRAY, T_BINXML, decodeArray, decodeValue } from './values.js';

export interface XAttr {
  name: string;
  value: string;
}
export interface XElement {
  name: string;
  attrs: XAttr[];
  children: XNode[];
}
export type XNode = XElement | string;

// Parses the BinXML fragment in [start, limit) of the chunk (a record's event, or a nested BinXML value).
export function fragment(c: ChunkCtx, start: number, limit: number, depth: number): XNode[] {
  if (depth > 8) throw new EvtxCorrupt('nested BinXML values too deep', start);
  const out: XNode[] = [];
  const cur = new Cursor(c, start, limit);
  for (let guard = 0; guard < 1024 && cur.pos < limit; guard++) {
    const raw: TChild[] = [];
    const stop = parseContent(cur, raw, 0, true);
    const inst = stop === 0x0c ? raw.pop() : undefined;
    materialise(c, raw, [], depth, out);
    if (stop !== 0x0c || !inst || typeof inst !== 'object' || !('instanceAt' in inst)) break;
    const { template, subs, end } = readInstance(c, inst.instanceAt, limit);
    materialise(c, template.nodes, subs, depth, out);
    cur.pos = end;
  }
  return out;
}

function subText(c: ChunkCtx, s: Sub | undefined, depth: number): string {
  if (!s) return '';
  if (s.type === T_BINXML) return textOf(fragment(c, s.pos, s.pos + s.size, depth + 1));
  return decodeValue(c.b, s.pos, s.size, s.type, c.win);
}

// All text below a node list, concatenated (used when BinXML lands in an attribute).
export function textOf(nodes: XNode[]): string {
  let s = '';
  for (const n of nodes) s += typeof n === 'string' ? n : textOf(n.children);
  return s;
}

function pushText(out: XNode[], s: string): void {
  if (s === '') return;
  const i = out.length - 1;
  if (i >= 0 && typeof out[i] === 'string') out[i] = (out[i] as string) + s;
  else out.push(s);
}

function partsText(c: ChunkCtx, parts: TPart[], subs: Sub[], depth: number): string {
  if (parts.length === 1) {
    const p = parts[0];
    return typeof p === 'string' ? p : subText(c, subs[p.index], depth);
  }
  let s = '';
  for (const p of parts) s += typeof p === 'string' ? p : subText(c, subs[p.index], depth);
  return s;
}

// Appends the materialised form of template nodes `nodes` with substitutions `subs` to `out`.
export function materialise(c: ChunkCtx, nodes: TChild[], subs: Sub[], depth: number, out: XNode[], level = 0): void {
  if (level > MAX_DEPTH) throw new EvtxCorrupt('elements nested too deep', 0);
  for (const n of nodes) {
    if (typeof n === 'string') {
      pushText(out, n);
    } else if ('index' in n) {
      const s = subs[n.index];
      if (s && s.type === T_BINXML) {
        for (const x of fragment(c, s.pos, s.pos + s.size, depth + 1)) {
          if (typeof x === 'string') pushText(out, x);
          else out.push(x);
        }
      } else {
        pushText(out, subText(c, s, depth));
      }
    } else if ('name' in n) {
      // An element whose only content is an array substitution repeats once per item (as Windows and
      // libevtx render it): <Data Name="X">a</Data><Data Name="X">b</Data>.
      const only = n.children.length === 1 ? n.children[0] : undefined;
      if (only && typeof only === 'object' && 'index' in only) {
        const s = subs[only.index];
        if (s && s.type & T_ARRAY && s.type !== (T_ARRAY | T_BINXML)) {
          for (const item of decodeArray(c.b, s.pos, s.size, s.type & 0x7f, c.win)) {
            const attrs = n.attrs.map((a) => ({ name: a.name, value: partsText(c, a.parts, subs, depth) }));
            out.push({ name: n.name, attrs, children: item ? [item] : [] });
          }
          continue;
        }
      }
      const attrs: XAttr[] = n.attrs.length ? new Array(n.attrs.length) : [];
      for (let i = 0; i < n.attrs.length; i++) attrs[i] = { name: n.attrs[i].name, value: partsText(c, n.attrs[i].parts, subs, depth) };
      const el: XElement = { name: n.name, attrs, children: [] };
      materialise(c, n.children, subs, depth, el.children, level + 1);
      out.push(el);
    }
  }
}
