// Template definitions and template instances. A template (next offset 4, GUID 16, data size 4, BinXML) is
// parsed once per chunk and cached by its chunk offset; an instance names the template and is followed by
// the substitution array (count 4, then count x {size 2, type 1, pad 1}, then the values back to back).
import { EvtxCorrupt, need } from './corrupt.js';
import { Cursor, parseContent, type ChunkBytes, type TChild } from './binxml.js';

export interface Template {
  offset: number;
  guid: string;
  nodes: TChild[];
  /** The fast-path plan (plan.ts): undefined until compiled, null when the template is not plain. */
  plan?: import('./plan.js').Plan | null;
  /** The plan of this template as a nested <EventData> value. */
  dataPlan?: import('./plan.js').DataItem[] | null;
  /** Substitution indexes dataPlan reads. */
  dataUsed?: number[];
}

/** One substitution value: its type and where its bytes are in the chunk. */
export interface Sub {
  type: number;
  pos: number;
  size: number;
}

export interface ChunkCtx extends ChunkBytes {
  templates: Map<number, Template | EvtxCorrupt>;
  /** Render values as Windows does (true), or as python-evtx does (false). */
  win: boolean;
}

// The template defined at chunk offset `off`, parsed on first use; throws EvtxCorrupt when it is broken.
export function templateAt(c: ChunkCtx, off: number): Template {
  const hit = c.templates.get(off);
  if (hit instanceof EvtxCorrupt) throw hit;
  if (hit) return hit;
  let t: Template | EvtxCorrupt;
  try {
    need(off, 24, c.b.length, 'template definition');
    const size = c.b.readUInt32LE(off + 20);
    const start = off + 24;
    need(start, size, c.b.length, 'template body');
    const nodes: TChild[] = [];
    const cur = new Cursor(c, start, start + size);
    parseContent(cur, nodes, 0, false);
    t = { offset: off, guid: c.b.toString('hex', off + 4, off + 20), nodes };
  } catch (e) {
    t = e instanceof EvtxCorrupt ? e : new EvtxCorrupt(`template at ${off}: ${(e as Error).message}`, off);
  }
  c.templates.set(off, t);
  if (t instanceof EvtxCorrupt) throw t;
  return t;
}

export interface Instance {
  template: Template;
  subs: Sub[];
  end: number;
}

// Reads the template instance token at `at` and its substitution array, bounded by `limit`.
export function readInstance(c: ChunkCtx, at: number, limit: number): Instance {
  const b = c.b;
  need(at, 10, limit, 'template instance');
  const tplOff = b.readUInt32LE(at + 6);
  let pos = at + 10;
  if (tplOff === pos) {
    // The definition is resident here (first use in this chunk): skip over it.
    need(pos, 24, limit, 'resident template');
    pos += 24 + b.readUInt32LE(pos + 20);
  }
  const template = templateAt(c, tplOff);
  need(pos, 4, limit, 'substitution count');
  const count = b.readUInt32LE(pos);
  pos += 4;
  if (count > (limit - pos) / 4) throw new EvtxCorrupt(`substitution count ${count} does not fit the record`, pos - 4);
  const subs: Sub[] = new Array(count);
  let vpos = pos + count * 4;
  for (let i = 0; i < count; i++) {
    const size = b.readUInt16LE(pos + i * 4);
    subs[i] = { type: b[pos + i * 4 + 2], pos: vpos, size };
    vpos += size;
  }
  if (vpos > limit) throw new EvtxCorrupt(`substitution values run ${vpos - limit} bytes past the record`, pos);
  return { template, subs, end: vpos };
}
