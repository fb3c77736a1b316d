// Test helpers for the AQL engine: an inline stock-like profile, events built by hand from the SigmaHQ
// JSON exports of real Sysmon recordings, the two seed queries as published, and a syntax-error catcher.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NormalizedEvent } from '../../harness/model/event.js';
import type { PropertyProfile } from '../../harness/model/profile.js';
import { isHarnessError, type HarnessError } from '../../harness/errors.js';
import { DATASETS } from '../helpers/env.js';

/** The stock deployment's names (devicetype 12 = Windows Security Event Log, 11 = Linux OS). */
export const PROFILE: PropertyProfile = {
  name: 'stock-inline',
  deviceTypes: { 12: 'Microsoft Windows Security Event Log', 11: 'Linux OS' },
  sources: {},
  customProperties: ['EventID', 'HostName', 'UserName', 'Image', 'CommandLine', 'ParentImage', 'TargetObject', 'Details', 'Process Path', 'Process CommandLine', 'Command', 'Event ID'],
  logSources: { 7: 'WIN-WS01 @ 10.0.0.5' },
  qids: { 5000001: 'Registry value set' },
  categories: { 8052: 'Registry modified' },
  referenceSets: { 'Admin Users': ['root', 'ATTACKRANGE\\Administrator'] },
};

const SIGMA = join(DATASETS, 'SigmaHQ-sigma-regression_data');

/** One SigmaHQ JSON export (a real Sysmon event) normalised by hand the way the stock profile names things. */
export function sigmaEvent(folder: string): NormalizedEvent {
  const dir = join(SIGMA, folder);
  const file = readdirSync(dir).find((f) => f.endsWith('.json'))!;
  const ev = JSON.parse(readFileSync(join(dir, file), 'utf8')).Event;
  const sys = ev.System;
  const data: Record<string, string | number> = ev.EventData;
  const t = Date.parse(sys.TimeCreated['#attributes'].SystemTime);
  const props: Record<string, string | number | null> = { EventID: sys.EventID, HostName: sys.Computer };
  for (const [k, v] of Object.entries(data)) props[k] = v;
  if (data.User !== undefined) props.UserName = data.User;
  if (data.Image !== undefined) props['Process Path'] = data.Image;
  if (data.CommandLine !== undefined) props['Process CommandLine'] = data.CommandLine;
  const payload = `AgentDevice=WindowsLog\tAgentLogFile=${sys.Channel}\tSource=${sys.Provider['#attributes'].Name}\tComputer=${sys.Computer}\tEventID=${sys.EventID}\tMessage=${Object.entries(data).map(([k, v]) => `${k}: ${v}`).join(' ')}`;
  return {
    starttime: t, devicetime: t, devicetype: 12, logsourceid: 7, logsourcename: `${sys.Computer} @ 10.0.0.5`, logsourcetypename: 'Microsoft Windows Security Event Log',
    sourceip: '10.0.0.5', username: typeof data.User === 'string' ? data.User : null, hostname: sys.Computer, eventid: sys.EventID, payload,
    properties: props, origin: { format: 'winjson', file: join(dir, file), channel: sys.Channel, provider: sys.Provider['#attributes'].Name, recordId: sys.EventRecordID },
  };
}

/** A small synthetic event (times fixed) with the given properties and top-level overrides. */
export function ev(props: Record<string, string | number | null>, top: Partial<NormalizedEvent> & Record<string, unknown> = {}): NormalizedEvent {
  return {
    starttime: 1_700_000_000_000, devicetime: 1_700_000_000_000, devicetype: 12, logsourceid: 7, logsourcename: 'WIN-WS01 @ 10.0.0.5', logsourcetypename: 'Microsoft Windows Security Event Log',
    sourceip: '10.0.0.5', username: 'alice', hostname: 'WIN-WS01', eventid: 1, payload: 'EventID=1', properties: props, origin: { format: 'test' }, ...top,
  } as NormalizedEvent;
}

const seedText = (file: string, end: string) => {
  const s = readFileSync(join(DATASETS, '..', 'seeds', file), 'utf8');
  return s.slice(s.indexOf('SELECT'), s.indexOf(end) + end.length);
};

/** Seed 1 (T1588.004) exactly as published. */
export const SEED1 = (): string => seedText('000_2434b9280510c9de.txt', 'LAST 24 HOURS');
/** Seed 2 (T1587.003) exactly as published. */
export const SEED2 = (): string => seedText('002_9a3d30ccecc6226b.txt', 'LAST 1 DAYS');

/** Runs fn and returns the HarnessError it throws (fails the test when it does not throw one). */
export function harnessErrorOf(fn: () => unknown): HarnessError {
  try {
    fn();
  } catch (e) {
    if (isHarnessError(e)) return e;
    throw e;
  }
  throw new Error('expected a HarnessError, nothing was thrown');
}
