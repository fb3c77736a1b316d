// Which telemetry source an event came from, and the value of a raw source field whatever the profile
// calls it. Expectations are written in raw names (Image, TargetObject, exe, cmdline); rawValue finds
// them through the profile's mapping, and falls back to the payload when the profile exposes no
// property for that field (a strict profile such as sysmon-dsm still lets expectations match).
import type { NormalizedEvent, PropertyValue } from '../model/event.js';
import type { SignalSource } from '../model/catalog.js';
import type { PropertyProfile } from '../model/profile.js';
import type { LoadedProfile } from './profile.js';
import { parseAuditText } from './parsers/auditd.js';
import { auditRawFields } from './normalise.js';
import { parseWindowsPayload } from './payload.js';

/** The source of a Windows event from its provider and channel (null: not one of ours). */
export function windowsSourceOf(provider: string | undefined, channel: string | undefined): SignalSource | 'other-windows' {
  const p = (provider ?? '').toLowerCase();
  const c = (channel ?? '').toLowerCase();
  if (p === 'linux-sysmon' || c.startsWith('linux-sysmon')) return 'sysmon-linux';
  if (p === 'microsoft-windows-sysmon' || c === 'microsoft-windows-sysmon/operational') return 'sysmon';
  if (p === 'microsoft-windows-security-auditing' || c === 'security') return 'security';
  if (p === 'microsoft-windows-powershell' || p === 'powershell' || c === 'microsoft-windows-powershell/operational' || c === 'windows powershell') return 'powershell';
  return 'other-windows';
}

/** sysmon | security | powershell | auditd | sysmon-linux, or null for anything else. */
export function signalSourceOf(e: NormalizedEvent): SignalSource | null {
  const f = e.origin.format;
  if (f === 'auditd' || f === 'ausearch' || f === 'auoms') return 'auditd';
  let provider = e.origin.provider;
  let channel = e.origin.channel;
  if (provider === undefined && channel === undefined) {
    if (auditRecordText(e.payload) !== null) return 'auditd';
    const h = parseWindowsPayload(e.payload).header;
    provider = h.get('Source');
    channel = h.get('AgentLogFile');
  }
  const s = windowsSourceOf(provider, channel);
  return s === 'other-windows' ? null : s;
}

/** The value of raw field `rawField` (case-insensitive) of the event's source, via the profile's names. */
export function rawValue(e: NormalizedEvent, rawField: string, profile: PropertyProfile): string | number | null {
  const src = signalSourceOf(e) ?? 'other-windows';
  const mapping = profile.sources[src];
  const want = rawField.toLowerCase();
  if (mapping) {
    const transforms = (profile as LoadedProfile).transforms?.[src];
    for (const [raw, names] of Object.entries(mapping.properties)) {
      if (raw.toLowerCase() !== want) continue;
      for (const n of names) {
        if (transforms?.[raw]?.[n]) continue; // a transformed copy is not the raw value
        const v = e.properties[n];
        if (v !== undefined && v !== null) return v;
      }
    }
  }
  return fromPayload(e, src, want);
}

// The audit record in a payload: QRadar keeps the syslog header of forwarded records
// (`<14>Nov 22 05:00:01 lnx-01 audispd: type=EXECVE msg=audit(...)`, reference 3.3), so the record is
// found where `[node=... ]type=... msg=audit(` starts, not only at the start of the payload.
const AUDIT_RECORD = /(?:^|[\s:])((?:node=\S+ )?type=\w+ (?:msg=)?audit\(\d)/;
export function auditRecordText(payload: string): string | null {
  const m = AUDIT_RECORD.exec(payload);
  return m ? payload.slice(m.index + m[0].length - m[1]!.length) : null;
}

function fromPayload(e: NormalizedEvent, src: string, want: string): string | number | null {
  if (src === 'auditd') {
    const ev = parseAuditText(auditRecordText(e.payload) ?? e.payload)[0];
    if (!ev) return null;
    for (const [k, v] of Object.entries(auditRawFields(ev))) if (k.toLowerCase() === want) return v;
    return null;
  }
  switch (want) {
    case 'eventid': return e.eventid;
    case 'channel': return e.origin.channel ?? null;
    case 'provider': return e.origin.provider ?? null;
    case 'eventrecordid': return e.origin.recordId ?? null;
  }
  const { header, fields } = parseWindowsPayload(e.payload);
  for (const [k, v] of fields) if (k.toLowerCase() === want) return v;
  if (want === 'computer') return header.get('Computer') ?? e.hostname;
  return null;
}

export type { PropertyValue };
