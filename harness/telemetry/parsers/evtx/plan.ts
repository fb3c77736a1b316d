// The fast path: most templates are the plain <Event><System/><EventData><Data Name=".."/>...</EventData>
// shape. For those, a per-template plan says which substitution feeds which record field, so a record
// becomes a WindowsEventRecord straight from its substitution values, without building an element tree.
// Anything else (UserData, nested BinXML or array values, computed names) takes the generic tree path;
// both give identical records (the dataset oracle test runs both).
import type { WindowsEventRecord } from '../../record.js';
import type { EventOrigin } from '../../../model/event.js';
import type { TChild, TElement, TPart } from './binxml.js';
import { readInstance, type ChunkCtx, type Sub, type Template } from './template.js';
import { T_ARRAY, T_BINXML, decodeValue } from './values.js';
import { int, systemTimeMs } from './event.js';

type SysField = 'provider' | 'providerGuid' | 'sourceName' | 'eventId' | 'version' | 'level' | 'task' | 'opcode' | 'keywords' | 'time' | 'recordId' | 'processId' | 'threadId' | 'channel' | 'computer' | 'userSid';

export interface DataItem {
  name: string;
  parts: TPart[];
}
export interface Plan {
  sys: Array<{ field: SysField; parts: TPart[] }>;
  data: DataItem[];
  /** Substitution holding <EventData> as nested BinXML (Sysmon does this), if any. */
  nestedData?: number;
  /** Substitution indexes the plan reads (their values must be plain, not BinXML or arrays). */
  used: number[];
}

const SYS_TEXT: Record<string, SysField> = { EventID: 'eventId', Version: 'version', Level: 'level', Task: 'task', Opcode: 'opcode', Keywords: 'keywords', EventRecordID: 'recordId', Channel: 'channel', Computer: 'computer' };
const SYS_ATTR: Record<string, Record<string, SysField>> = {
  Provider: { Name: 'provider', Guid: 'providerGuid', EventSourceName: 'sourceName' },
  TimeCreated: { SystemTime: 'time' },
  Execution: { ProcessID: 'processId', ThreadID: 'threadId' },
  Security: { UserID: 'userSid' },
};

const isEl = (c: TChild): c is TElement => typeof c === 'object' && 'name' in c;
const isPart = (c: TChild): c is TPart => typeof c === 'string' || 'index' in c;

// The text parts of an element whose content is text only; null when it holds elements.
function textParts(el: TElement): TPart[] | null {
  return el.children.every(isPart) ? (el.children as TPart[]) : null;
}

// The Data items of a plain <EventData>, or null when it holds anything else.
function eventDataItems(c: TElement): DataItem[] | null {
  const out: DataItem[] = [];
  let unnamed = 0;
  for (const d of c.children) {
    if (!isEl(d)) continue;
    const parts = textParts(d);
    if (!parts) return null;
    let name = d.name;
    if (d.name === 'Data') {
      const n = d.attrs.find((a) => a.name === 'Name');
      if (n && (n.parts.length > 1 || (n.parts.length === 1 && typeof n.parts[0] !== 'string'))) return null;
      name = n ? ((n.parts[0] as string | undefined) ?? '') : `Data${++unnamed}`;
    }
    out.push({ name, parts });
  }
  return out;
}

// The Data plan of a template used as a nested <EventData> value, or null when it is not plain.
export function compileDataPlan(t: Template): DataItem[] | null {
  const top = t.nodes.filter((n) => !(typeof n === 'string' && n.trim() === ''));
  if (top.length !== 1 || !isEl(top[0]) || top[0].name !== 'EventData') return null;
  return eventDataItems(top[0]);
}

// Compiles the plan of a template, or null when it is not of the plain shape.
export function compilePlan(t: Template): Plan | null {
  const top = t.nodes.filter((n) => !(typeof n === 'string' && n.trim() === ''));
  if (top.length !== 1 || !isEl(top[0]) || top[0].name !== 'Event') return null;
  const plan: Plan = { sys: [], data: [], used: [] };
  const seen = new Set<string>();
  let hasSystem = false;
  let hasData = false;
  for (const c of top[0].children) {
    if (typeof c === 'string') continue;
    if (!isEl(c)) {
      // <EventData> supplied as a nested BinXML substitution: at most one, and no literal one.
      if (!('index' in c) || hasData) return null;
      hasData = true;
      plan.nestedData = c.index;
      continue;
    }
    if (c.name === 'System' && !hasSystem) {
      hasSystem = true;
      for (const s of c.children) {
        if (typeof s === 'object' && !isEl(s)) return null; // a substitution could expand into elements here
        if (!isEl(s) || seen.has(s.name)) continue; // first occurrence wins, as in the tree path
        seen.add(s.name);
        const f = SYS_TEXT[s.name];
        if (f) {
          const parts = textParts(s);
          if (!parts) return null;
          plan.sys.push({ field: f, parts });
        }
        const attrs = SYS_ATTR[s.name];
        if (attrs) {
          const got = new Set<string>();
          for (const a of s.attrs) if (attrs[a.name] && !got.has(a.name)) {
            got.add(a.name);
            plan.sys.push({ field: attrs[a.name], parts: a.parts });
          }
        }
      }
    } else if (c.name === 'EventData' && !hasData) {
      hasData = true;
      const items = eventDataItems(c);
      if (!items) return null;
      plan.data = items;
    } else if (c.name !== 'System' && c.name !== 'EventData') {
      return null; // UserData, RenderingInfo, ...: the tree path flattens those
    } else return null; // repeated System/EventData: leave to the tree path
  }
  if (!hasSystem) return null;
  const used = new Set<number>();
  for (const x of [...plan.sys, ...plan.data]) for (const p of x.parts) if (typeof p !== 'string') used.add(p.index);
  plan.used = [...used];
  return plan;
}

function plainSubs(used: number[], subs: Sub[]): boolean {
  for (const i of used) {
    const s = subs[i];
    if (s && (s.type === T_BINXML || s.type & T_ARRAY)) return false;
  }
  return true;
}

function usedBy(items: DataItem[]): number[] {
  const out: number[] = [];
  for (const x of items) for (const p of x.parts) if (typeof p !== 'string') out.push(p.index);
  return out;
}

function text(b: Buffer, parts: TPart[], subs: Sub[], win: boolean): string {
  if (parts.length === 1) {
    const p = parts[0];
    if (typeof p === 'string') return p;
    const s = subs[p.index];
    return s ? decodeValue(b, s.pos, s.size, s.type, win) : '';
  }
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else {
      const s = subs[p.index];
      if (s) out += decodeValue(b, s.pos, s.size, s.type, win);
    }
  }
  return out;
}

// Builds the record from a plan; null when a used substitution is BinXML or an array (tree path then).
export function recordFromPlan(ctx: ChunkCtx, plan: Plan, subs: Sub[], origin: EventOrigin, headerRecordId: number): WindowsEventRecord | null {
  const b = ctx.b;
  if (!plainSubs(plan.used, subs)) return null;
  let data = plan.data;
  let dataSubs = subs;
  if (plan.nestedData !== undefined) {
    const s = subs[plan.nestedData];
    if (s && s.type === T_BINXML) {
      const at = b[s.pos] === 0x0f ? s.pos + 4 : s.pos;
      const limit = s.pos + s.size;
      if (at >= limit || b[at] !== 0x0c) return null;
      const inst = readInstance(ctx, at, limit);
      if (inst.end < limit && b[inst.end] !== 0x00) return null;
      const t = inst.template;
      if (t.dataPlan === undefined) {
        t.dataPlan = compileDataPlan(t);
        t.dataUsed = t.dataPlan ? usedBy(t.dataPlan) : [];
      }
      if (!t.dataPlan || !plainSubs(t.dataUsed!, inst.subs)) return null;
      data = t.dataPlan;
      dataSubs = inst.subs;
    } else if (s && s.type !== 0) return null; // not BinXML, not null: let the tree path render it
  }
  const rec: WindowsEventRecord = { provider: '', eventId: -1, timeCreated: NaN, timeCreatedRaw: '', recordId: headerRecordId, channel: '', computer: '', eventData: {}, origin };
  let source: string | undefined;
  let haveProvider = false;
  for (const { field, parts } of plan.sys) {
    const v = text(b, parts, subs, ctx.win);
    switch (field) {
      case 'provider': rec.provider = v; haveProvider = true; break;
      case 'sourceName': source = v; break;
      case 'providerGuid': if (v) rec.providerGuid = v; break;
      case 'eventId': rec.eventId = int(v) ?? -1; break;
      case 'recordId': rec.recordId = int(v) ?? headerRecordId; break;
      case 'time': rec.timeCreatedRaw = v; rec.timeCreated = systemTimeMs(v); break;
      case 'channel': rec.channel = v; break;
      case 'computer': rec.computer = v; break;
      case 'keywords': if (v) rec.keywords = v; break;
      case 'userSid': if (v) rec.userSid = v; break;
      default: {
        const n = int(v);
        if (n !== undefined) rec[field] = n;
      }
    }
  }
  if (!haveProvider && source !== undefined) rec.provider = source;
  const out = rec.eventData;
  let prev: string | undefined;
  for (const { name, parts } of data) {
    const v = text(b, parts, dataSubs, ctx.win);
    out[name] = name === prev && name in out ? `${out[name]}, ${v}` : v;
    prev = name;
  }
  return rec;
}
