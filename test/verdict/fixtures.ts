// Small hand-built catalog entries, events and executions for the verdict table tests.
import type { AtomicTest, DetectionExpectation, FieldMatcher, Signal, TestExpectation } from '../../harness/model/catalog.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import type { ExecutionRecord } from '../../harness/model/report.js';
import type { ExecutionInput, TestDefinition } from '../../harness/verdict/types.js';
import type { PropertyProfile } from '../../harness/model/profile.js';
import { profileView } from '../../harness/verdict/event-view.js';

export const GUID = '11111111-2222-3333-4444-555555555555';
export const MARKER = 'ath-abcd1234-1';
export const THUMB = 'AD7E1C28B064EF8F6003402014C3D0E3370EB58A';
export const T0 = Date.UTC(2026, 10, 22, 5, 0, 0);
const loc = { file: 'fixture.yaml', line: 1 };

export const profile: PropertyProfile = {
  name: 'test',
  deviceTypes: { 12: 'Microsoft Windows Security Event Log', 11: 'Linux OS' },
  sources: {
    sysmon: { devicetype: 12, properties: { Image: ['Process Path'], CommandLine: ['Process CommandLine'], TargetObject: ['TargetObject'] } },
    auditd: { devicetype: 11, properties: { proctitle: ['Command'] } },
  },
  customProperties: ['Process Path', 'Process CommandLine', 'TargetObject', 'Command'],
};
export const view = profileView(profile);

export function m(op: FieldMatcher['op'], value: FieldMatcher['value'], caseSensitive = false): FieldMatcher[] {
  return [{ op, value, caseSensitive }];
}

export function signal(id: string, where: Signal['where'], extra: Partial<Signal> = {}): Signal {
  return { id, source: 'sysmon', event_id: 13, where, required: true, location: loc, ...extra };
}

export function detection(rule: string, extra: Partial<DetectionExpectation> = {}): DetectionExpectation {
  return { rule, kind: 'aql', fires: true, location: loc, ...extra };
}

export function atomic(platforms = ['windows']): AtomicTest {
  return {
    name: 'Install root CA with certutil', auto_generated_guid: GUID, description: '', supported_platforms: platforms,
    executor: { name: 'command_prompt', command: 'certutil -addstore Root #{harness_cert_path}' }, location: loc, technique: 'T1588.004', number: 1,
    'x-harness': { techniques: ['T1553.004'] },
  };
}

export function defs(signals: Signal[], detections: DetectionExpectation[]): Map<string, TestDefinition> {
  const expectation: TestExpectation = { guid: GUID, deadlineMs: 600_000, signals, detections, location: loc };
  return new Map([[GUID, { test: atomic(), expectation }]]);
}

export function record(extra: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return { exitCode: 0, timedOut: false, startedAt: new Date(T0).toISOString(), finishedAt: new Date(T0 + 3000).toISOString(), stdout: '', stderr: '', cleanup: { ok: true, residue: [] }, ...extra };
}

export function exec(extra: Partial<ExecutionInput> = {}): ExecutionInput {
  return {
    guid: GUID, target: { name: 'win-ws01', os: 'windows', hostnames: ['WIN-WS01'] }, marker: MARKER,
    args: { harness_marker: MARKER, harness_cert_thumbprint: THUMB, harness_cert_path: `C:\\Temp\\${MARKER}.cer` },
    execution: record(), thumbprint: THUMB, window: { start: T0, stop: T0 + 3000 }, ...extra,
  };
}

/** A Sysmon event with the given raw fields (exposed under the profile's names). */
export function sysmon(eventid: number, fields: Record<string, string>, at = T0 + 1000, host = 'WIN-WS01.corp.local'): NormalizedEvent {
  const props: Record<string, string> = {};
  if (fields.Image) props['Process Path'] = fields.Image;
  if (fields.CommandLine) props['Process CommandLine'] = fields.CommandLine;
  if (fields.TargetObject) props.TargetObject = fields.TargetObject;
  return {
    starttime: at + 500, devicetime: at, devicetype: 12, logsourceid: 1, logsourcename: 'WIN-WS01', logsourcetypename: 'Microsoft Windows Security Event Log',
    sourceip: null, username: 'SYSTEM', hostname: host, eventid, payload: Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\t'), properties: props,
    origin: { format: 'winxml', channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon' },
  };
}

export const ROOT_KEY = `HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Root\\Certificates\\${THUMB}\\Blob`;
