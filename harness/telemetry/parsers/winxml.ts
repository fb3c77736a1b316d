// Windows event XML: `wevtutil qe /f:xml` (events without a root element), Get-WinEvent ToXml(),
// python-evtx `<Events>` dumps, one-event-per-line logs and Sysmon for Linux's XML. A targeted scanner,
// not a general XML parser: it reads the System block, EventData/UserData leaves and RenderingInfo.
import type { ParseWarning } from '../../model/event.js';
import type { WindowsEventRecord } from '../record.js';

export interface XmlParseOptions {
  file?: string;
  onWarning?: (w: ParseWarning) => void;
  format?: string;
}

const ENTITY = /&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g;

/** Decodes the five XML entities and numeric character references. */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(ENTITY, (_, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    }
    return e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'amp' ? '&' : e === 'quot' ? '"' : "'";
  });
}

/** Parses every <Event> in `text`; broken ones are skipped with a located warning. */
export function parseWindowsXml(text: string, opts: XmlParseOptions = {}): WindowsEventRecord[] {
  const out: WindowsEventRecord[] = [];
  const s = new XmlEventSplitter(opts);
  s.push(text, 1);
  for (const r of s.drain()) out.push(r);
  s.end();
  return out;
}

/** Streaming: feed lines, get records as their </Event> arrives. Memory is one event at a time. */
export async function* parseWindowsXmlLines(lines: AsyncIterable<string> | Iterable<string>, opts: XmlParseOptions = {}): AsyncGenerator<WindowsEventRecord> {
  const s = new XmlEventSplitter(opts);
  let n = 0;
  for await (const line of lines as AsyncIterable<string>) {
    s.push(line + '\n', ++n);
    yield* s.drain();
  }
  s.end();
}

class XmlEventSplitter {
  private buf = '';
  private bufLine = 1;
  private ready: WindowsEventRecord[] = [];
  constructor(private readonly opts: XmlParseOptions) {}

  push(text: string, line: number): void {
    if (this.buf.length === 0) this.bufLine = line;
    this.buf += text;
    for (;;) {
      const start = findEventStart(this.buf, 0);
      if (start < 0) {
        this.buf = '';
        return;
      }
      const end = this.buf.indexOf('</Event>', start);
      if (end < 0) {
        // A second <Event before the close means the first was truncated.
        const next = findEventStart(this.buf, start + 6);
        if (next > 0) {
          this.warn(this.lineAt(start), 'truncated <Event> (a new event starts before </Event>)');
          this.advance(next);
          continue;
        }
        this.advance(start);
        return;
      }
      const next = findEventStart(this.buf, start + 6);
      if (next > 0 && next < end) {
        this.warn(this.lineAt(start), 'truncated <Event> (a new event starts before </Event>)');
        this.advance(next);
        continue;
      }
      const chunk = this.buf.slice(start, end + 8);
      const line0 = this.lineAt(start);
      const r = parseEventXml(chunk);
      if (typeof r === 'string') this.warn(line0, r);
      else {
        r.origin = { format: this.opts.format ?? 'winxml', file: this.opts.file, line: line0 };
        this.ready.push(r);
      }
      this.advance(end + 8);
    }
  }

  *drain(): Generator<WindowsEventRecord> {
    while (this.ready.length > 0) yield this.ready.shift()!;
  }

  end(): void {
    const start = findEventStart(this.buf, 0);
    if (start >= 0) this.warn(this.lineAt(start), 'truncated <Event> at end of input');
    this.buf = '';
  }

  private advance(to: number): void {
    this.bufLine = this.lineAt(to);
    this.buf = this.buf.slice(to);
  }

  private lineAt(pos: number): number {
    let n = this.bufLine;
    for (let i = this.buf.indexOf('\n'); i >= 0 && i < pos; i = this.buf.indexOf('\n', i + 1)) n++;
    return n;
  }

  private warn(line: number, reason: string): void {
    this.opts.onWarning?.({ file: this.opts.file ?? '<input>', line, reason });
  }
}

function findEventStart(s: string, from: number): number {
  let i = s.indexOf('<Event', from);
  while (i >= 0) {
    const c = s.charCodeAt(i + 6);
    if (c === 62 || c === 32 || c === 9 || c === 10 || c === 13) return i; // '<Event>' or '<Event ' (not <EventData>)
    i = s.indexOf('<Event', i + 6);
  }
  return -1;
}

const attr = (tag: string | undefined, name: string): string | undefined => {
  if (!tag) return undefined;
  const m = new RegExp(`\\b${name}=(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return m ? decodeEntities(m[1] ?? m[2] ?? '') : undefined;
};
const openTag = (x: string, name: string): string | undefined => new RegExp(`<${name}\\b[^>]*>`).exec(x)?.[0];
const text = (x: string, name: string): string | undefined => {
  const m = new RegExp(`<${name}\\b[^>]*?(?:/>|>([^<]*)</${name}>)`).exec(x);
  return m ? decodeEntities(m[1] ?? '') : undefined;
};
const int = (s: string | undefined): number | undefined => (s === undefined || s === '' || !/^-?\d+$/.test(s.trim()) ? undefined : Number(s));

/** Parses one <Event>...</Event>; returns the reason when it is not a usable event. */
export function parseEventXml(x: string): WindowsEventRecord | string {
  const sysEnd = x.indexOf('</System>');
  if (sysEnd < 0) return 'event has no <System> block';
  const sys = x.slice(0, sysEnd);
  const provTag = openTag(sys, 'Provider');
  const provider = attr(provTag, 'Name') ?? attr(provTag, 'EventSourceName');
  const eventId = int(text(sys, 'EventID'));
  if (!provider || eventId === undefined) return 'event lacks Provider/@Name or a numeric EventID';
  const timeRaw = attr(openTag(sys, 'TimeCreated'), 'SystemTime') ?? '';
  const time = parseWinTime(timeRaw);
  if (Number.isNaN(time)) return `bad TimeCreated/@SystemTime "${timeRaw}"`;
  const exec = openTag(sys, 'Execution');
  const sec = openTag(sys, 'Security');
  const rec: WindowsEventRecord = {
    provider,
    providerGuid: attr(provTag, 'Guid'),
    eventId,
    version: int(text(sys, 'Version')),
    level: int(text(sys, 'Level')),
    task: int(text(sys, 'Task')),
    opcode: int(text(sys, 'Opcode')),
    keywords: text(sys, 'Keywords'),
    timeCreated: time,
    timeCreatedRaw: timeRaw,
    recordId: int(text(sys, 'EventRecordID')) ?? 0,
    channel: text(sys, 'Channel') ?? '',
    computer: text(sys, 'Computer') ?? '',
    userSid: attr(sec, 'UserID') ?? attr(sec, 'UserId'),
    processId: int(attr(exec, 'ProcessID')),
    threadId: int(attr(exec, 'ThreadID')),
    eventData: {},
    origin: { format: 'winxml' },
  };
  const rest = x.slice(sysEnd);
  // A truncated event (syslog cuts Sysmon for Linux lines at ~2 KB) keeps its complete <Data> elements.
  const ed = /<EventData\b[^>]*>([\s\S]*?)(?:<\/EventData>|$)/.exec(rest);
  if (ed) {
    let unnamed = 0;
    const re = /<Data\b([^>]*?)(?:\/>|>([\s\S]*?)<\/Data>)/g;
    for (let m = re.exec(ed[1]!); m; m = re.exec(ed[1]!)) {
      const name = attr(m[1], 'Name') ?? `Data${++unnamed}`;
      rec.eventData[name] = decodeEntities(m[2] ?? '');
    }
  }
  const ud = /<UserData\b[^>]*>([\s\S]*?)<\/UserData>/.exec(rest);
  if (ud) {
    const re = /<([\w:]+)\b[^>/]*>([^<]*)<\/\1>/g;
    for (let m = re.exec(ud[1]!); m; m = re.exec(ud[1]!)) rec.eventData[m[1]!.replace(/^\w+:/, '')] = decodeEntities(m[2]!);
  }
  const msg = /<RenderingInfo\b[\s\S]*?<Message>([\s\S]*?)<\/Message>/.exec(rest);
  if (msg) rec.message = decodeEntities(msg[1]!);
  return rec;
}

/** Windows `2021-11-02T14:15:23.6767020Z`, python-evtx `2021-11-02 14:15:23.676702`, nanosecond forms: UTC. */
export function parseWinTime(s: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) return NaN;
  const ms = (m[3] ?? '').slice(0, 3).padEnd(3, '0');
  const zone = m[4] && m[4] !== 'Z' ? m[4] : 'Z';
  return Date.parse(`${m[1]}T${m[2]}.${ms}${zone}`);
}
