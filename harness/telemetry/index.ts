// Telemetry from files: format detection by content, the parser dispatch, and normalisation through a
// property profile. Everything streams: a file is read line by line (or chunk by chunk for EVTX).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { HarnessError } from '../errors.js';
import type { NormalizedEvent, ParseWarning } from '../model/event.js';
import type { PropertyProfile } from '../model/profile.js';
import type { TelemetrySource, TimeWindow } from './types.js';
import { readLines } from './lines.js';
import { normaliseAudit, normaliseWindows, type HostInfo } from './normalise.js';
import { AuditGrouper, parseAuditFileBatches } from './parsers/auditd.js';
import { parseEventXml, parseWindowsXmlLines } from './parsers/winxml.js';
import { parseJsonLines, type JsonItem } from './parsers/winjson.js';
import { isEvtx, readEvtxFile } from './parsers/evtx/index.js';
import { isNormalizedEvent } from './jsonl.js';

export type EventFormat = 'evtx' | 'winxml' | 'winjson' | 'auditd' | 'ausearch' | 'sysmon-linux' | 'jsonl';
export const EVENT_FORMATS: readonly EventFormat[] = ['evtx', 'winxml', 'winjson', 'auditd', 'ausearch', 'sysmon-linux', 'jsonl'];

const AUDIT_LINE = /^(node=\S+ )?type=\w+ (msg=)?audit\(\d+\.\d+:\d+\)/;
const AUSEARCH_LINE = /^(node=\S+ )?type=\w+ msg=audit\(\d{1,2}\/\d{1,2}\/\d{2,4} [\d:.]+:\d+\) :/;

/** Detects the format from the first bytes of a file (the name is not trusted); null if unknown. */
export function detectFormat(head: Buffer, fileName?: string): EventFormat | null {
  void fileName; // accepted for callers' convenience; detection is by content only
  if (isEvtx(head)) return 'evtx';
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.trimStart();
  if (text.startsWith('{') || text.startsWith('[')) {
    if (text.includes('"SyslogMessage"')) {
      if (/Linux-Sysmon|\\u003cEvent|<Event/.test(text)) return 'sysmon-linux';
      if (/type=\w+ (msg=)?audit\(/.test(text)) return 'auditd';
    }
    if (/"starttime"\s*:/.test(text) && /"payload"\s*:/.test(text) && /"devicetype"\s*:/.test(text)) return 'jsonl';
    return 'winjson';
  }
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(0, 20);
  const first = lines[0] ?? '';
  if (first.startsWith('<')) return /Linux-Sysmon/.test(text) ? 'sysmon-linux' : 'winxml';
  if (lines.some((l) => AUSEARCH_LINE.test(l)) || (first === '----' && lines.some((l) => l.includes('msg=audit(')))) return 'ausearch';
  if (lines.some((l) => AUDIT_LINE.test(l))) return 'auditd';
  if (lines.some((l) => l.includes('<Provider Name="Linux-Sysmon"'))) return 'sysmon-linux';
  if (lines.some((l) => / type=\w+ msg=audit\(\d+\.\d+:\d+\)/.test(l))) return 'auditd'; // syslog-forwarded audit
  return null;
}

function readHead(path: string, n = 65536): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

export interface ReadOptions {
  profile: PropertyProfile;
  format?: EventFormat;
  host?: HostInfo;
  onWarning?: (w: ParseWarning) => void;
}

/** The format of a file: forced, or detected; a located error when it cannot be told. */
export function formatOf(path: string, forced?: EventFormat): EventFormat {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new HarnessError('HARNESS_EVENTS_FILE_NOT_FOUND', `event file not found: ${path}`, { location: { file: path }, fix: 'check the path', phase: 'io' });
  }
  if (st.isDirectory()) throw new HarnessError('HARNESS_EVENTS_FILE_IS_DIRECTORY', `expected an event file, found a directory: ${path}`, { location: { file: path }, fix: 'name the files inside it', phase: 'io' });
  if (forced) {
    if (!EVENT_FORMATS.includes(forced)) throw new HarnessError('HARNESS_EVENTS_FORMAT_UNKNOWN', `unknown format "${forced}"`, { fix: `use one of: ${EVENT_FORMATS.join(', ')}`, phase: 'config' });
    return forced;
  }
  const f = detectFormat(readHead(path), path);
  if (!f) throw new HarnessError('HARNESS_EVENTS_FORMAT_UNKNOWN', `cannot tell the format of ${path} from its content`, { location: { file: path }, fix: `force one with --format (${EVENT_FORMATS.join(', ')})`, phase: 'parse' });
  return f;
}

/** Reads, parses and normalises every event of every file, in file order. */
export async function* readEventFiles(paths: string[], opts: ReadOptions): AsyncGenerator<NormalizedEvent> {
  for (const path of paths) {
    const format = formatOf(path, opts.format);
    yield* readOne(path, format, opts);
  }
}

async function* readOne(file: string, format: EventFormat, opts: ReadOptions): AsyncGenerator<NormalizedEvent> {
  const warn = (w: ParseWarning): void => opts.onWarning?.(w);
  const { profile, host } = opts;
  switch (format) {
    case 'evtx':
      for await (const r of readEvtxFile(file, { file, onWarning: warn })) yield normaliseWindows(r, profile, host);
      return;
    case 'winxml':
      for await (const r of parseWindowsXmlLines(readLines(file), { file, onWarning: warn })) yield normaliseWindows(r, profile, host);
      return;
    case 'sysmon-linux':
      if (firstChar(file) === '{' || firstChar(file) === '[') break;
      for await (const r of parseWindowsXmlLines(readLines(file), { file, onWarning: warn, format: 'sysmon-linux' })) yield normaliseWindows(r, profile, host);
      return;
    case 'auditd':
    case 'ausearch':
      if (firstChar(file) === '{' || firstChar(file) === '[') break;
      for await (const batch of parseAuditFileBatches(file, { file, onWarning: warn })) for (const ev of batch) yield normaliseAudit(ev, profile, host);
      return;
    case 'jsonl':
      yield* readJsonl(file, warn);
      return;
    case 'winjson':
      break;
  }
  // JSON containers (winjson, and Log Analytics syslog records carrying Sysmon XML or audit text)
  const grouper = new AuditGrouper({ file, onWarning: warn });
  for await (const it of parseJsonLines(readLines(file), { file, onWarning: warn })) {
    if (it.kind === 'windows') yield normaliseWindows(it.rec, profile, host);
    else yield* routeSyslog(it, grouper, file, opts);
  }
  for (const ev of grouper.end()) yield normaliseAudit(ev, profile, host);
}

function* routeSyslog(it: Extract<JsonItem, { kind: 'syslog' }>, grouper: AuditGrouper, file: string, opts: ReadOptions): Generator<NormalizedEvent> {
  const host: HostInfo = { ...(it.ip ? { sourceip: it.ip } : {}), ...opts.host };
  const x = it.text.indexOf('<Event');
  if (x >= 0) {
    const xml = it.text.slice(x);
    const r = parseEventXml(xml);
    if (typeof r === 'string') opts.onWarning?.({ file, line: it.line, reason: r });
    else {
      if (!xml.includes('</Event>')) opts.onWarning?.({ file, line: it.line, reason: `truncated Sysmon XML (${it.text.length} chars, the syslog line limit): kept the ${Object.keys(r.eventData).length} complete EventData fields` });
      r.origin = { format: 'sysmon-linux', file, line: it.line };
      yield normaliseWindows(r, opts.profile, host);
    }
    return;
  }
  const done = grouper.push(it.text);
  if (done) {
    for (const ev of done) {
      ev.line = it.line; // the JSON line the record came from, not the grouper's own count
      yield normaliseAudit(ev, opts.profile, host);
    }
  }
}

function firstChar(file: string): string {
  const t = readHead(file, 4096).toString('utf8').replace(/^\ufeff/, '').trimStart();
  return t[0] ?? '';
}

async function* readJsonl(file: string, warn: (w: ParseWarning) => void): AsyncGenerator<NormalizedEvent> {
  let n = 0;
  for await (const line of readLines(file)) {
    n++;
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      warn({ file, line: n, reason: `broken JSON: ${(e as Error).message.slice(0, 80)}` });
      continue;
    }
    const why = isNormalizedEvent(v);
    if (why !== true) warn({ file, line: n, reason: why });
    else yield v as NormalizedEvent;
  }
}

/** Events from local files, as a TelemetrySource (time-window filtered on devicetime). */
export class FileTelemetrySource implements TelemetrySource {
  readonly name: string;
  private readonly collected: ParseWarning[] = [];
  constructor(private readonly paths: string[], private readonly opts: Omit<ReadOptions, 'onWarning'>) {
    this.name = `files(${paths.length})`;
  }

  async *events(window?: TimeWindow): AsyncIterable<NormalizedEvent> {
    for await (const e of readEventFiles(this.paths, { ...this.opts, onWarning: (w) => this.collected.push(w) })) {
      if (window && (e.devicetime < window.start || e.devicetime >= window.stop)) continue;
      yield e;
    }
  }

  warnings(): ParseWarning[] {
    return [...this.collected];
  }
}

export { normaliseAudit, normaliseWindows, type HostInfo } from './normalise.js';
export { loadProfile, listProfiles } from './profile.js';
export { rawValue, signalSourceOf } from './sources.js';
