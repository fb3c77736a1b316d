// Turning Ariel rows back into what the verdict core reads: signal-fetch rows become NormalizedEvents
// (origin.format 'qradar'), and rule rows are tied to those events through the hidden columns
// (starttime, logsourceid, payload), which are stripped before the rows are returned.
import type { NormalizedEvent, PropertyValue } from '../model/event.js';
import { TIE_COLUMNS, propertyAlias } from './plan.js';

const HIDDEN = new Set<string>(Object.values(TIE_COLUMNS));

// The join key of an event: the three columns a rule row carries as hidden columns.
export function eventKey(starttime: unknown, logsourceid: unknown, payload: unknown): string {
  return `${Number(starttime)}|${Number(logsourceid)}|${String(payload ?? '')}`;
}

function num(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

// Numeric event id: the EventID property when fetched, else the one written in the payload.
function eventIdOf(props: Record<string, PropertyValue>, payload: string): number | null {
  const p = props['EventID'] ?? props['Event ID'];
  if (p !== undefined && p !== null && /^\d+$/.test(String(p))) return Number(p);
  const m = /(?:^|[\s\t])EventID=(\d+)/.exec(payload) ?? /<EventID[^>]*>(\d+)</.exec(payload);
  return m ? Number(m[1]) : null;
}

// One signal-fetch row -> a NormalizedEvent (properties named as requested).
export function rowToEvent(row: Record<string, unknown>, properties: string[]): NormalizedEvent {
  const props: Record<string, PropertyValue> = {};
  properties.forEach((name, i) => {
    const v = row[propertyAlias(i)];
    if (v !== null && v !== undefined) props[name] = typeof v === 'number' ? v : String(v);
  });
  const c = (alias: string) => row[alias];
  const payload = String(c('ath_payload') ?? '');
  const hostname = str(props['HostName'] ?? props['Computer'] ?? props['hostname'] ?? null);
  return {
    starttime: num(c('ath_starttime')),
    devicetime: num(c('ath_devicetime')),
    devicetype: num(c('ath_devicetype')),
    logsourceid: num(c('ath_logsourceid')),
    logsourcename: String(c('ath_logsourcename') ?? ''),
    logsourcetypename: String(c('ath_logsourcetypename') ?? ''),
    sourceip: str(c('ath_sourceip')),
    username: str(c('ath_username')),
    hostname,
    eventid: eventIdOf(props, payload),
    payload,
    properties: props,
    origin: { format: 'qradar' },
  };
}

// Index of events by join key (several identical events share one key).
export function indexEvents(events: NormalizedEvent[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  events.forEach((e, i) => {
    const k = eventKey(e.starttime, e.logsourceid, e.payload);
    const l = m.get(k);
    if (l) l.push(i);
    else m.set(k, [i]);
  });
  return m;
}

// Splits a rule row into the user's columns and the indexes of the events it came from.
export function tieRow(row: Record<string, unknown>, index: Map<string, number[]>): { row: Record<string, unknown>; sources: number[] } {
  const visible: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!HIDDEN.has(k)) visible[k] = v;
  const key = eventKey(row[TIE_COLUMNS.starttime], row[TIE_COLUMNS.logsourceid], row[TIE_COLUMNS.payload]);
  return { row: visible, sources: index.get(key) ?? [] };
}
