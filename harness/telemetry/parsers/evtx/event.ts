// From a record's element tree to the WindowsEventRecord of harness/telemetry/record.ts: the System block
// fields and the EventData (or flattened UserData) name/value pairs.
import type { WindowsEventRecord } from '../../record.js';
import type { EventOrigin } from '../../../model/event.js';
import { textOf, type XElement, type XNode } from './dom.js';

function child(el: XElement, name: string): XElement | undefined {
  for (const c of el.children) if (typeof c !== 'string' && c.name === name) return c;
  return undefined;
}

function attr(el: XElement | undefined, name: string): string | undefined {
  if (!el) return undefined;
  for (const a of el.attrs) if (a.name === name) return a.value;
  return undefined;
}

function text(el: XElement | undefined): string | undefined {
  if (!el) return undefined;
  const c = el.children;
  if (c.length === 1 && typeof c[0] === 'string') return c[0];
  return textOf(c);
}

// A decimal or 0x-hex integer field; undefined when empty or not a number.
export function int(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const n = s.startsWith('0x') ? parseInt(s, 16) : Number(s);
  return Number.isFinite(n) ? n : undefined;
}

// The instant of a SystemTime text (Windows form or python-evtx's "YYYY-MM-DD HH:MM:SS.ffffff"), epoch ms.
export function systemTimeMs(s: string): number {
  // Fast path: our own FILETIME form 2021-11-02T14:15:23.6767020Z (Date.parse wants 3 fraction digits).
  if (s.length === 28 && s[10] === 'T' && s[27] === 'Z') return Date.parse(`${s.slice(0, 23)}Z`);
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z?$/.exec(s);
  if (!m) return NaN;
  const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + Math.floor(frac);
}

// EventData <Data Name=..> pairs; unnamed Data as Data1, Data2...; other children (Binary) by their name.
// A name repeated by an array value keeps all its items, joined with ", ".
function eventData(ed: XElement, out: Record<string, string>): void {
  let unnamed = 0;
  let prev: string | undefined;
  for (const c of ed.children) {
    if (typeof c === 'string') continue;
    const name = c.name === 'Data' ? attr(c, 'Name') ?? `Data${++unnamed}` : c.name;
    const v = text(c) ?? '';
    out[name] = name === prev && name in out ? `${out[name]}, ${v}` : v;
    prev = name;
  }
}

// UserData: flatten to leaf element names (the one wrapper element carries the event's own schema).
function userData(nodes: XNode[], out: Record<string, string>, depth: number): void {
  if (depth > 16) return;
  for (const c of nodes) {
    if (typeof c === 'string') continue;
    const hasElements = c.children.some((x) => typeof x !== 'string');
    if (hasElements) userData(c.children, out, depth + 1);
    else if (!(c.name in out)) out[c.name] = text(c) ?? '';
  }
}

// Builds the record from the materialised <Event> tree; null when there is no Event/System element.
export function toRecord(nodes: XNode[], origin: EventOrigin, headerRecordId: number): WindowsEventRecord | null {
  const ev = nodes.find((n): n is XElement => typeof n !== 'string' && n.name === 'Event');
  const sys = ev && child(ev, 'System');
  if (!ev || !sys) return null;
  const prov = child(sys, 'Provider');
  const tc = child(sys, 'TimeCreated');
  const exec = child(sys, 'Execution');
  const raw = attr(tc, 'SystemTime') ?? '';
  const data: Record<string, string> = {};
  const ed = child(ev, 'EventData');
  if (ed) eventData(ed, data);
  const ud = child(ev, 'UserData');
  if (ud) userData(ud.children, data, 0);
  const rec: WindowsEventRecord = {
    provider: attr(prov, 'Name') ?? attr(prov, 'EventSourceName') ?? '',
    eventId: int(text(child(sys, 'EventID'))) ?? -1,
    timeCreated: systemTimeMs(raw),
    timeCreatedRaw: raw,
    recordId: int(text(child(sys, 'EventRecordID'))) ?? headerRecordId,
    channel: text(child(sys, 'Channel')) ?? '',
    computer: text(child(sys, 'Computer')) ?? '',
    eventData: data,
    origin,
  };
  const guid = attr(prov, 'Guid');
  if (guid) rec.providerGuid = guid;
  const version = int(text(child(sys, 'Version')));
  if (version !== undefined) rec.version = version;
  const level = int(text(child(sys, 'Level')));
  if (level !== undefined) rec.level = level;
  const task = int(text(child(sys, 'Task')));
  if (task !== undefined) rec.task = task;
  const opcode = int(text(child(sys, 'Opcode')));
  if (opcode !== undefined) rec.opcode = opcode;
  const kw = text(child(sys, 'Keywords'));
  if (kw) rec.keywords = kw;
  const sid = attr(child(sys, 'Security'), 'UserID');
  if (sid) rec.userSid = sid;
  const pid = int(attr(exec, 'ProcessID'));
  if (pid !== undefined) rec.processId = pid;
  const tid = int(attr(exec, 'ThreadID'));
  if (tid !== undefined) rec.threadId = tid;
  return rec;
}
