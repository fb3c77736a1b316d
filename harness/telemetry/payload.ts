// The payload a forwarder would send, synthesised so `UTF8(payload)` rules work: WinCollect's key=value
// form for Windows (reference/qradar-aql.md 3.1), with the event's fields rendered as `Name: value`
// inside Message=. Message fields are tab-separated so they can be read back exactly (rawValue).
import type { WindowsEventRecord } from './record.js';

const LEVELS: Record<number, string> = { 0: 'Informational', 1: 'Critical', 2: 'Error', 3: 'Warning', 4: 'Informational', 5: 'Verbose' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Splits `DOMAIN\user` into its parts (Sysmon `User`, Security Subject*). */
export function splitUser(rec: WindowsEventRecord): { user: string; domain: string } {
  const d = rec.eventData;
  if (d.SubjectUserName !== undefined) return { user: d.SubjectUserName, domain: d.SubjectDomainName ?? '' };
  const u = d.User ?? '';
  const i = u.indexOf('\\');
  return i >= 0 ? { user: u.slice(i + 1), domain: u.slice(0, i) } : { user: u, domain: '' };
}

/** WinCollect-style payload: `<13>Mmm dd hh:mm:ss HOST AgentDevice=WindowsLog\tAgentLogFile=...\tMessage=Name: value\t...`. */
export function windowsPayload(rec: WindowsEventRecord): string {
  const t = new Date(rec.timeCreated);
  const stamp = `${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2, ' ')} ${t.toISOString().slice(11, 19)}`;
  const { user, domain } = splitUser(rec);
  const kw = (rec.keywords ?? '').toLowerCase();
  // Security audit keywords: 0x8020... success, 0x8010... failure (WinCollect EventType 8 / 16).
  const eventType = kw.startsWith('0x802') ? 8 : kw.startsWith('0x801') ? 16 : 4;
  const secs = Math.floor(rec.timeCreated / 1000);
  const host = rec.computer.split('.')[0] ?? rec.computer;
  const head = [
    `<13>${stamp} ${host} AgentDevice=WindowsLog`,
    `AgentLogFile=${rec.channel}`,
    'PluginVersion=7.3.1.16',
    `Source=${rec.provider}`,
    `Computer=${rec.computer}`,
    `OriginatingComputer=${rec.computer}`,
    `User=${user}`,
    `Domain=${domain}`,
    `EventID=${rec.eventId}`,
    `EventIDCode=${rec.eventId}`,
    `EventType=${eventType}`,
    `EventCategory=${rec.task ?? 0}`,
    `RecordNumber=${rec.recordId}`,
    `TimeGenerated=${secs}`,
    `TimeWritten=${secs}`,
    `Level=${LEVELS[rec.level ?? 4] ?? 'Informational'}`,
    `Keywords=${rec.keywords ?? ''}`,
    `Task=${rec.task ?? 0}`,
    'Opcode=Info',
  ];
  const msg = Object.entries(rec.eventData).map(([k, v]) => `${k}: ${v}`).join('\t');
  return `${head.join('\t')}\tMessage=${msg}`;
}

const FIELD = /^([A-Za-z][A-Za-z0-9_]*): ([\s\S]*)$/;

/** Reads the header keys and the Message `Name: value` fields back from a synthesised Windows payload. */
export function parseWindowsPayload(payload: string): { header: Map<string, string>; fields: Map<string, string> } {
  const header = new Map<string, string>();
  const fields = new Map<string, string>();
  const m = payload.indexOf('\tMessage=');
  const head = m >= 0 ? payload.slice(0, m) : payload;
  for (const part of head.split('\t')) {
    const eq = part.indexOf('=');
    if (eq > 0) header.set(part.slice(part.lastIndexOf(' ', eq) + 1, eq), part.slice(eq + 1));
  }
  if (m >= 0) {
    let last: string | null = null;
    for (const seg of payload.slice(m + '\tMessage='.length).split('\t')) {
      const f = FIELD.exec(seg);
      if (f) {
        last = f[1]!;
        fields.set(last, f[2]!);
      } else if (last !== null) {
        fields.set(last, `${fields.get(last)}\t${seg}`); // a value that itself held a tab
      }
    }
  }
  return { header, fields };
}
