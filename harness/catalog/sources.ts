// The telemetry sources an expectation signal may name, and what each one needs (DESIGN section 7).
import type { SignalSource } from '../model/catalog.js';

export interface SourceSpec {
  /** Platform of the hosts that produce it (checked against the test's supported_platforms). */
  platform: 'windows' | 'linux';
  /** Whether signals of this source name an event id. */
  eventId: 'required' | 'forbidden';
  /** Allowed raw field names; undefined = the source's own field names (not enumerated here). */
  fields?: RegExp;
  /** Signals of this source must be `required: false` (no collector for it yet). */
  optionalOnly?: boolean;
}

// 'mde' is not (yet) in the shared SignalSource union; it is added here so the seeds' Defender signals can be
// written down. Consumers that do not know a source report its signals as not found.
export type SignalSourceName = SignalSource | 'mde';

export const SOURCES: Readonly<Record<SignalSourceName, SourceSpec>> = {
  sysmon: { platform: 'windows', eventId: 'required' },
  security: { platform: 'windows', eventId: 'required' },
  powershell: { platform: 'windows', eventId: 'required' },
  'sysmon-linux': { platform: 'linux', eventId: 'required' },
  // auditd records have no event id: the record type is matched as `where: { type: { equals: EXECVE } }`.
  // Field names are the normalised raw names the auditd parser produces.
  // Microsoft Defender for Endpoint advanced-hunting rows (DeviceProcessEvents, DeviceRegistryEvents, ...):
  // no event id, the table is matched as `where: { table: { equals: DeviceRegistryEvents } }`. The harness
  // has no MDE collector, so these signals are always `required: false` (a stock host has no MDE).
  mde: { platform: 'windows', eventId: 'forbidden', optionalOnly: true, fields: /^(table|ActionType|FileName|FolderPath|ProcessCommandLine|InitiatingProcessFileName|InitiatingProcessCommandLine|InitiatingProcessFolderPath|RegistryKey|RegistryValueName|RegistryValueData|RemoteIP|RemotePort|RemoteUrl|DeviceName|AccountName)$/ },
  auditd: { platform: 'linux', eventId: 'forbidden', fields: /^(type|exe|comm|cmdline|a\d+|argc|cwd|uid|auid|euid|gid|pid|ppid|success|exit|syscall|key|created|name|proctitle|tty|ses)$/ },
};

export const AUDITD_FIELDS_TEXT = 'type, exe, comm, cmdline, a0.., argc, cwd, uid, auid, euid, gid, pid, ppid, success, exit, syscall, key, created, name, proctitle, tty, ses';

export const SOURCE_NAMES = Object.keys(SOURCES) as SignalSourceName[];

/** The allowed field names of a source, for error messages. */
export function fieldsText(source: SignalSourceName): string {
  return source === 'auditd' ? AUDITD_FIELDS_TEXT : String(SOURCES[source].fields?.source.replace(/^\^\(|\)\$$/g, '').split('|').join(', '));
}
