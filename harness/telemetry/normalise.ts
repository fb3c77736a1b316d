// Normalisation: a parsed event becomes the QRadar-like row (DESIGN section 11), its fields named as the
// active property profile says. Choices and sources: docs/profiles.md.
import type { NormalizedEvent, PropertyValue } from '../model/event.js';
import type { PropertyProfile, SourceMapping } from '../model/profile.js';
import type { SignalSource } from '../model/catalog.js';
import type { LoadedProfile, PropertyTransform } from './profile.js';
import type { WindowsEventRecord } from './record.js';
import type { AuditEvent } from './parsers/audit-event.js';
import { splitUser, windowsPayload } from './payload.js';
import { windowsSourceOf } from './sources.js';

export interface HostInfo {
  hostname?: string;
  sourceip?: string;
  logsourceid?: number;
  logsourcename?: string;
}

/** A Windows-shaped record (EVTX, XML, JSON, Sysmon for Linux) -> normalised event. */
export function normaliseWindows(rec: WindowsEventRecord, profile: PropertyProfile, host?: HostInfo): NormalizedEvent {
  const src = windowsSourceOf(rec.provider, rec.channel);
  const mapping = profile.sources[src] ?? profile.sources['other-windows'];
  const raw: Record<string, PropertyValue> = {
    EventID: rec.eventId,
    Computer: rec.computer,
    Channel: rec.channel,
    Provider: rec.provider,
    EventRecordID: rec.recordId,
    Level: rec.level ?? null,
    Task: rec.task ?? null,
    Keywords: rec.keywords ?? null,
    ...rec.eventData,
  };
  const hostname = host?.hostname ?? (rec.computer || null);
  const user = splitUser(rec).user;
  return row({
    profile, src, mapping, raw, hostname, host,
    time: rec.timeCreated,
    username: user && user !== '-' ? user : null,
    eventid: rec.eventId,
    payload: windowsPayload(rec),
    origin: { ...rec.origin, channel: rec.channel, provider: rec.provider, recordId: rec.recordId },
  });
}

/** The raw property names of an audit event (type, exe, comm, cmdline, a0..aN, argc, cwd, pid, ...). */
export function auditRawFields(ev: AuditEvent): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = { type: ev.type };
  const put = (k: string, v: string | number | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  put('exe', ev.exe);
  put('comm', ev.comm);
  put('cmdline', ev.cmdline);
  if (ev.argv) ev.argv.forEach((a, i) => (out[`a${i}`] = a));
  put('argc', ev.argc);
  put('cwd', ev.cwd);
  put('pid', ev.pid);
  put('ppid', ev.ppid);
  put('uid', ev.uid);
  put('auid', ev.auid);
  put('success', ev.success);
  put('syscall', ev.syscall);
  put('arch', ev.arch);
  put('gid', ev.gid);
  if (ev.created.length > 0) out.created = ev.created.join('\n');
  put('key', ev.key);
  put('proctitle', ev.proctitle);
  return out;
}

/** An audit event -> normalised event (payload = its raw lines). */
export function normaliseAudit(ev: AuditEvent, profile: PropertyProfile, host?: HostInfo): NormalizedEvent {
  const user = ev.uidName ?? (ev.uid !== undefined ? String(ev.uid) : null);
  return row({
    profile,
    src: 'auditd',
    mapping: profile.sources.auditd,
    raw: auditRawFields(ev),
    hostname: host?.hostname ?? ev.node ?? null,
    host,
    time: ev.time,
    username: user,
    eventid: null,
    payload: ev.raw,
    origin: { format: ev.format, file: ev.file, line: ev.line, recordId: `${ev.timeRaw}:${ev.serial}` },
  });
}

interface RowInput {
  profile: PropertyProfile;
  src: SignalSource | 'other-windows';
  mapping: SourceMapping | undefined;
  raw: Record<string, PropertyValue>;
  hostname: string | null;
  host?: HostInfo;
  time: number;
  username: string | null;
  eventid: number | null;
  payload: string;
  origin: NormalizedEvent['origin'];
}

function row(r: RowInput): NormalizedEvent {
  const devicetype = r.mapping?.devicetype ?? 0;
  const sourceip = r.host?.sourceip ?? null;
  return {
    starttime: r.time,
    devicetime: r.time,
    devicetype,
    logsourceid: r.host?.logsourceid ?? logSourceIdOf(r.hostname ?? ''),
    logsourcename: r.host?.logsourcename ?? logSourceName(r.profile, r.hostname, sourceip),
    logsourcetypename: r.profile.deviceTypes[devicetype] ?? 'Unknown',
    sourceip,
    username: r.username,
    hostname: r.hostname,
    eventid: r.eventid,
    payload: r.payload,
    properties: mapProperties(r.raw, r.mapping, (r.profile as LoadedProfile).transforms?.[r.src]),
    origin: r.origin,
  };
}

function mapProperties(raw: Record<string, PropertyValue>, mapping: SourceMapping | undefined, transforms?: Record<string, Record<string, PropertyTransform>>): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  if (!mapping) return out;
  for (const [field, names] of Object.entries(mapping.properties)) {
    const v = raw[field];
    if (v === undefined || v === null) continue;
    for (const n of names) {
      if (out[n] !== undefined) continue; // two raw fields feeding one name: the first listed wins
      const t = transforms?.[field]?.[n];
      out[n] = t ? transform(v, t) : v;
    }
  }
  return out;
}

function transform(v: PropertyValue, t: PropertyTransform): PropertyValue {
  if (typeof v !== 'string') return v;
  if (t === 'lower') return v.toLowerCase();
  if (t === 'upper') return v.toUpperCase();
  const i = Math.max(v.lastIndexOf('\\'), v.lastIndexOf('/'));
  return i >= 0 ? v.slice(i + 1) : v;
}

function logSourceName(profile: PropertyProfile, hostname: string | null, sourceip: string | null): string {
  const h = hostname ?? 'unknown';
  if (!sourceip || !profile.logSourceNameTemplate) return h;
  return profile.logSourceNameTemplate.replace('{hostname}', h).replace('{sourceip}', sourceip);
}

/** A stable id per host (FNV-1a), so events of one host share a log source and hosts differ. */
function logSourceIdOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.toLowerCase().charCodeAt(i), 0x01000193);
  return 100 + ((h >>> 0) % 900_000);
}
