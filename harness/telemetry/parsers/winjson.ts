// Windows events as JSON: SigmaHQ/evtx exports ({"Event":{"System":...,"EventData":...}}), Winlogbeat /
// Elastic ({"winlog":{...}}), and NXLog/OTRF flat records ({"EventID":..,"Channel":..,"Image":..}).
// Azure Log Analytics syslog records (OTRF Linux) carry Sysmon for Linux XML or audit text in
// SyslogMessage; those are returned as `syslog` items for the caller to route.
import type { ParseWarning } from '../../model/event.js';
import type { WindowsEventRecord } from '../record.js';
import { decodeEntities, parseEventXml, parseWinTime } from './winxml.js';

export type JsonItem = { kind: 'windows'; rec: WindowsEventRecord } | { kind: 'syslog'; text: string; host?: string; ip?: string; line: number };

// NXLog im_msvistalog / Logstash keys that are envelope, not EventData.
const NXLOG_SYSTEM = new Set(['EventID', 'Channel', 'Hostname', 'SourceName', 'ProviderGuid', 'Keywords', 'SeverityValue', 'Severity', 'EventTypeOrignal', 'ExecutionProcessID', 'host', 'UserID', 'AccountType', 'AccountName', 'Domain', 'ThreadID', 'EventReceivedTime', 'Opcode', 'OpcodeValue', 'EventTime', '@timestamp', '@version', 'SourceModuleType', 'SourceModuleName', 'port', 'RecordNumber', 'Task', 'Version', 'Category', 'Message', 'tags', 'Level', 'TimeCreated', 'ActivityID', 'RelatedActivityID', 'ERROR_EVT_UNRESOLVED']);

/** One parsed JSON value -> item(s), or the reason it is not a Windows event. */
export function jsonToItems(v: unknown, line: number): JsonItem[] | string {
  if (Array.isArray(v)) {
    const out: JsonItem[] = [];
    for (const x of v) {
      const r = jsonToItems(x, line);
      if (typeof r === 'string') return r;
      out.push(...r);
    }
    return out;
  }
  if (typeof v !== 'object' || v === null) return 'JSON value is not an object';
  const o = v as Record<string, unknown>;
  if (typeof o.SyslogMessage === 'string') return [{ kind: 'syslog', text: o.SyslogMessage, host: str(o.HostName ?? o.Computer), ip: str(o.HostIP), line }];
  if (isObj(o.Event) && isObj((o.Event as Record<string, unknown>).System)) return one(fromEventJson(o.Event as Record<string, unknown>));
  if (isObj(o.winlog)) return one(fromWinlogbeat(o));
  if (o.EventID !== undefined && (o.Channel !== undefined || o.SourceName !== undefined)) return one(fromNxlog(o));
  return 'JSON object is not a recognised Windows event (no Event.System, winlog, or EventID+Channel)';
}

const one = (r: WindowsEventRecord | string): JsonItem[] | string => (typeof r === 'string' ? r : [{ kind: 'windows', rec: r }]);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v));
const num = (v: unknown): number | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};
const attrs = (v: unknown): Record<string, unknown> => (isObj(v) && isObj(v['#attributes']) ? (v['#attributes'] as Record<string, unknown>) : {});

function flatData(d: unknown, out: Record<string, string>, decode = false): void {
  if (!isObj(d)) return;
  for (const [k, v] of Object.entries(d)) {
    if (k === '#attributes') continue;
    if (isObj(v)) flatData(v, out, decode); // UserData nests one level
    else if (v !== null && v !== undefined) {
      const s = str(v)!;
      out[k] = decode ? decodeEntities(s) : s;
    }
  }
}

/** SigmaHQ / evtx_dump JSON: Event.System with #attributes, Event.EventData name/value. */
function fromEventJson(ev: Record<string, unknown>): WindowsEventRecord | string {
  const sys = ev.System as Record<string, unknown>;
  const provider = str(attrs(sys.Provider).Name);
  const eventId = num(isObj(sys.EventID) ? (sys.EventID as Record<string, unknown>)['#text'] : sys.EventID);
  const timeRaw = str(attrs(sys.TimeCreated).SystemTime) ?? '';
  if (!provider || eventId === undefined) return 'Event.System lacks Provider Name or EventID';
  const time = parseWinTime(timeRaw);
  if (Number.isNaN(time)) return `bad SystemTime "${timeRaw}"`;
  const eventData: Record<string, string> = {};
  flatData(ev.EventData, eventData);
  flatData(ev.UserData, eventData);
  return {
    provider, providerGuid: str(attrs(sys.Provider).Guid), eventId,
    version: num(sys.Version), level: num(sys.Level), task: num(sys.Task), opcode: num(sys.Opcode), keywords: str(sys.Keywords),
    timeCreated: time, timeCreatedRaw: timeRaw, recordId: num(sys.EventRecordID) ?? 0,
    channel: str(sys.Channel) ?? '', computer: str(sys.Computer) ?? '',
    userSid: str(attrs(sys.Security).UserID), processId: num(attrs(sys.Execution).ProcessID), threadId: num(attrs(sys.Execution).ThreadID),
    eventData, origin: { format: 'winjson' },
  };
}

/** Winlogbeat / Elastic: winlog.{event_id, channel, provider_name, computer_name, record_id, event_data}; @timestamp is the event time. */
function fromWinlogbeat(o: Record<string, unknown>): WindowsEventRecord | string {
  const w = o.winlog as Record<string, unknown>;
  const eventId = num(w.event_id);
  const provider = str(w.provider_name);
  const timeRaw = str(o['@timestamp']) ?? '';
  if (eventId === undefined || !provider) return 'winlog lacks event_id or provider_name';
  const time = Date.parse(timeRaw);
  if (Number.isNaN(time)) return `bad @timestamp "${timeRaw}"`;
  const eventData: Record<string, string> = {};
  flatData(w.event_data, eventData);
  flatData(w.user_data, eventData);
  const proc = isObj(w.process) ? w.process : {};
  const ev = isObj(o.event) ? o.event : {};
  return {
    provider, providerGuid: str(w.provider_guid), eventId, version: num(w.version), level: levelOf(str(ev.level ?? (isObj(o.log) ? o.log.level : undefined))),
    task: undefined, opcode: undefined, keywords: Array.isArray(w.keywords) ? w.keywords.join(',') : str(w.keywords),
    timeCreated: time, timeCreatedRaw: timeRaw, recordId: num(w.record_id) ?? 0,
    channel: str(w.channel) ?? '', computer: str(w.computer_name) ?? '',
    userSid: isObj(w.user) ? str(w.user.identifier) : undefined,
    processId: num(proc.pid), threadId: isObj(proc.thread) ? num(proc.thread.id) : undefined,
    eventData, message: str(o.message), origin: { format: 'winjson' },
  };
}

function levelOf(s: string | undefined): number | undefined {
  const m: Record<string, number> = { critical: 1, error: 2, warning: 3, information: 4, informational: 4, verbose: 5 };
  return s ? m[s.toLowerCase()] : undefined;
}

/** NXLog / OTRF flat: envelope keys + EventData keys side by side; values HTML-escaped; times local. */
function fromNxlog(o: Record<string, unknown>): WindowsEventRecord | string {
  const eventId = num(o.EventID);
  if (eventId === undefined) return 'EventID is not a number';
  const eventData: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (NXLOG_SYSTEM.has(k) || v === null || v === undefined) continue;
    eventData[k] = decodeEntities(str(v)!);
  }
  // NXLog overwrote Sysmon's EventType with its own severity (kept as EventTypeOrignal) in some records:
  // Sysmon's value is only trusted when it is not an NXLog severity word.
  if (/^(INFO|AUDIT_SUCCESS|AUDIT_FAILURE|WARNING|ERROR|VERBOSE|CRITICAL)$/.test(eventData.EventType ?? '')) delete eventData.EventType;
  const t = nxlogTime(o, eventData);
  if (t === null) return 'no usable event time (UtcTime, EventTime or TimeCreated)';
  const kw = typeof o.Keywords === 'number' ? '0x' + BigInt.asUintN(64, BigInt(Math.round(o.Keywords))).toString(16) : str(o.Keywords);
  const channel = str(o.Channel) ?? '';
  return {
    provider: str(o.SourceName) ?? '', providerGuid: str(o.ProviderGuid), eventId, version: num(o.Version), level: num(o.Level),
    task: num(o.Task), opcode: num(o.OpcodeValue), keywords: kw,
    timeCreated: t.time, timeCreatedRaw: t.raw, recordId: num(o.RecordNumber) ?? 0,
    // `security` and `Security` both occur; the event log's own name is `Security`.
    channel: channel.toLowerCase() === 'security' ? 'Security' : channel,
    computer: str(o.Hostname) ?? '', userSid: str(o.UserID), processId: num(o.ExecutionProcessID), threadId: num(o.ThreadID),
    eventData, message: str(o.Message), origin: { format: 'winjson' },
  };
}

/**
 * The event's own time. @timestamp is ingestion time. Sysmon's UtcTime is the event time in UTC.
 * EventTime is the collector's local time without a zone: its UTC offset is recovered from the
 * difference between EventReceivedTime (local) and @timestamp (UTC), both reception times, rounded to 15 min.
 */
function nxlogTime(o: Record<string, unknown>, data: Record<string, string>): { time: number; raw: string } | null {
  if (data.UtcTime) {
    const t = parseWinTime(data.UtcTime);
    if (!Number.isNaN(t)) return { time: t, raw: data.UtcTime };
  }
  const et = str(o.EventTime);
  const recv = str(o.EventReceivedTime);
  const ts = str(o['@timestamp']);
  if (et && recv && ts) {
    const local = parseWinTime(et);
    const offset = Math.round((parseWinTime(recv) - Date.parse(ts)) / 900_000) * 900_000;
    if (!Number.isNaN(local) && !Number.isNaN(offset)) return { time: local - offset, raw: et };
  }
  const tc = str(o.TimeCreated);
  if (tc && !Number.isNaN(Date.parse(tc))) return { time: Date.parse(tc), raw: tc };
  if (ts && !Number.isNaN(Date.parse(ts))) return { time: Date.parse(ts), raw: ts };
  return null;
}

/** JSON lines, or one JSON document (pretty-printed object or array), from a line stream. */
export async function* parseJsonLines(lines: AsyncIterable<string> | Iterable<string>, opts: { file?: string; onWarning?: (w: ParseWarning) => void }): AsyncGenerator<JsonItem> {
  const file = opts.file ?? '<input>';
  let n = 0;
  let doc: string[] | null = null;
  let docLine = 0;
  for await (const line of lines as AsyncIterable<string>) {
    n++;
    if (doc) { doc.push(line); continue; }
    const t = line.trim();
    if (t === '') continue;
    if (t === '{' || t === '[' || (n === 1 && (t.startsWith('[') || (t.startsWith('{') && !t.endsWith('}'))))) {
      doc = [line];
      docLine = n;
      continue;
    }
    yield* items(t, n);
  }
  if (doc) yield* items(doc.join('\n'), docLine);

  function* items(text: string, line: number): Generator<JsonItem> {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      opts.onWarning?.({ file, line, reason: `broken JSON: ${(e as Error).message.slice(0, 80)}` });
      return;
    }
    const r = jsonToItems(v, line);
    if (typeof r === 'string') {
      opts.onWarning?.({ file, line, reason: r });
      return;
    }
    for (const it of r) {
      if (it.kind === 'windows') it.rec.origin = { format: 'winjson', file: opts.file, line };
      else it.line = line;
      yield it;
    }
  }
}

export { parseEventXml };
