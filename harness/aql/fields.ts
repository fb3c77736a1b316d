// The field catalog: QRadar's built-in event fields (reference 2.9; unquoted and case-insensitive) plus the
// active profile's custom properties (exact names). How a name resolves on a NormalizedEvent:
// "Quoted Name" -> event.properties[exact] if the profile defines it, else a built-in (case-insensitive);
// bare name -> a built-in first, then a custom property (exact, else the one case-insensitive match).
import type { NormalizedEvent } from '../model/event.js';
import type { PropertyProfile } from '../model/profile.js';
import { didYouMean } from './source.js';

/** Built-in field -> the NormalizedEvent key it reads (aliases share a key). */
export const BUILTIN_FIELDS: Record<string, string> = {
  starttime: 'starttime', devicetime: 'devicetime', endtime: 'endtime', logsourceid: 'logsourceid', devicetype: 'devicetype',
  qid: 'qid', category: 'category', highlevelcategory: 'highlevelcategory', sourceip: 'sourceip', destinationip: 'destinationip',
  sourceaddress: 'sourceip', destinationaddress: 'destinationip', sourceport: 'sourceport', destinationport: 'destinationport',
  sourcev6: 'sourcev6', destinationv6: 'destinationv6', username: 'username', identityip: 'identityip', identityhostname: 'identityhostname',
  eventcount: 'eventcount', magnitude: 'magnitude', severity: 'severity', credibility: 'credibility', relevance: 'relevance',
  payload: 'payload', creeventlist: 'creEventList', hasoffense: 'hasoffense', domainid: 'domainid', protocolid: 'protocolid',
  eventdirection: 'eventdirection',
};

/** Names people reach for that are not fields, with the field they meant. */
export const MISNAMED_FIELDS: Record<string, { field: string; why: string }> = {
  logsourcetime: { field: 'devicetime', why: 'devicetime (the Log Source Time)' },
  storagetime: { field: 'endtime', why: 'endtime (the Storage Time)' },
  eventtime: { field: 'starttime', why: 'starttime (the Start Time)' },
};

/** How a name resolved: a getter, or why it did not. */
export type FieldResolution =
  | { ok: true; kind: 'builtin' | 'property'; name: string; get: (e: NormalizedEvent) => unknown }
  | { ok: false; suggestion: string };

const propGetter = (name: string) => (e: NormalizedEvent): unknown => {
  const v = e.properties?.[name];
  return v === undefined ? null : v;
};

const builtinGetter = (key: string) => (e: NormalizedEvent): unknown => {
  const v = (e as unknown as Record<string, unknown>)[key];
  return v === undefined ? null : v;
};

// Resolves one field reference against the built-ins and the profile's custom properties.
export function resolveField(name: string, quoted: boolean, profile: PropertyProfile): FieldResolution {
  const custom = profile.customProperties ?? [];
  const lower = name.toLowerCase();
  if (quoted && custom.includes(name)) return { ok: true, kind: 'property', name, get: propGetter(name) };
  if (lower in BUILTIN_FIELDS) return { ok: true, kind: 'builtin', name: lower, get: builtinGetter(BUILTIN_FIELDS[lower]) };
  if (!quoted) {
    if (custom.includes(name)) return { ok: true, kind: 'property', name, get: propGetter(name) };
    const ci = custom.filter((c) => c.toLowerCase() === lower);
    if (ci.length === 1) return { ok: true, kind: 'property', name: ci[0], get: propGetter(ci[0]) };
  }
  return { ok: false, suggestion: suggestField(name, custom) };
}

// The did-you-mean text for an unknown field ('' when nothing is close).
export function suggestField(name: string, custom: readonly string[]): string {
  const mis = MISNAMED_FIELDS[name.toLowerCase()];
  if (mis) return ` Did you mean ${mis.why}?`;
  const pool = [...Object.keys(BUILTIN_FIELDS), ...custom];
  const lower = name.toLowerCase();
  const exactCi = custom.filter((c) => c.toLowerCase() === lower);
  if (exactCi.length) return ` Did you mean ${exactCi.map((c) => `"${c}"`).join(' or ')} (quoted names are case-sensitive)?`;
  return didYouMean(name, pool);
}

