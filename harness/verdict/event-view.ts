// EventView implementations: how the verdict core reads a normalised event. `profileView` follows the
// property profile (a raw field is read under the property names the profile exposes it as); the
// pipeline prefers the telemetry module's signalSourceOf/rawValue when handed them (telemetryView).
import type { SignalSource } from '../model/catalog.js';
import type { NormalizedEvent, PropertyValue } from '../model/event.js';
import type { PropertyProfile } from '../model/profile.js';
import type { EventView } from './types.js';

/** Which telemetry source an event is, from its origin (channel, provider, format). */
export function sourceFromOrigin(e: NormalizedEvent): SignalSource | null {
  const channel = (e.origin?.channel ?? '').toLowerCase();
  const provider = (e.origin?.provider ?? '').toLowerCase();
  const format = (e.origin?.format ?? '').toLowerCase();
  if (provider === 'linux-sysmon' || format === 'sysmon-linux') return 'sysmon-linux';
  if (channel === 'microsoft-windows-sysmon/operational' || provider === 'microsoft-windows-sysmon') return 'sysmon';
  if (channel === 'security' || provider === 'microsoft-windows-security-auditing') return 'security';
  if (channel === 'microsoft-windows-powershell/operational' || provider === 'microsoft-windows-powershell') return 'powershell';
  if (format === 'auditd' || format === 'ausearch') return 'auditd';
  return null;
}

/** A view through a property profile: raw field -> the profile's property names -> the event's value. */
export function profileView(profile: PropertyProfile): EventView {
  return {
    sourceOf: sourceFromOrigin,
    field(e, raw) {
      const src = sourceFromOrigin(e);
      // Profiles may list a transformed copy as { name, transform }: that is not the raw value.
      const names = ((src && profile.sources[src]?.properties[raw]) || []).filter((n): n is string => typeof n === 'string');
      for (const n of [...names, raw]) {
        const v = e.properties[n];
        if (v !== null && v !== undefined) return String(v);
      }
      return auditField(e, raw);
    },
  };
}

/** A view over the telemetry module's own functions (the authority on sources and raw fields). */
export function telemetryView(sourceOf: (e: NormalizedEvent) => SignalSource | null | undefined, raw: (e: NormalizedEvent, field: string) => PropertyValue | undefined): EventView {
  return {
    sourceOf: (e) => sourceOf(e) ?? null,
    field: (e, f) => {
      const v = raw(e, f);
      return v === null || v === undefined ? null : String(v);
    },
  };
}

// auditd key=value pairs straight from the payload, for fields the profile does not expose.
function auditField(e: NormalizedEvent, raw: string): string | null {
  if (sourceFromOrigin(e) !== 'auditd' || !/^[A-Za-z0-9_]+$/.test(raw)) return null;
  const m = new RegExp(`(?:^|\\s)${raw}=(?:"([^"]*)"|(\\S+))`).exec(e.payload);
  return m ? (m[1] ?? m[2]) : null;
}
