// A property profile says how a deployment names things (DESIGN section 7): which DSM (devicetype) each
// source arrives under, which property names each raw field is exposed as, and the lookup tables AQL
// functions read (LOGSOURCETYPENAME, QIDNAME, CATEGORYNAME, REFERENCESETCONTAINS). Profiles are data
// files in profiles/*.yaml; harness/telemetry/profile.ts loads and validates them.
import type { SignalSource } from './catalog.js';

export interface SourceMapping {
  /** devicetype (log source type id) events of this source get. */
  devicetype: number;
  /** Raw field name -> property names it is exposed as (the raw name itself only if listed). */
  properties: Record<string, string[]>;
}

export interface PropertyProfile {
  name: string;
  description?: string;
  file?: string;
  /** devicetype id -> DSM name (LOGSOURCETYPENAME). */
  deviceTypes: Record<number, string>;
  /** How each telemetry source is normalised. Keys: sysmon, security, powershell, auditd, sysmon-linux, other-windows. */
  sources: Partial<Record<SignalSource | 'other-windows', SourceMapping>>;
  /**
   * Every custom property name the deployment defines (the field catalog AQL identifiers are checked
   * against, besides the built-in event fields). Derived from `sources` plus any extra names listed.
   */
  customProperties: string[];
  /** logsourceid -> name (LOGSOURCENAME) when events do not carry their own. */
  logSources?: Record<number, string>;
  qids?: Record<number, string>;
  categories?: Record<number, string>;
  referenceSets?: Record<string, string[]>;
  /** Template for the log source name of a host, e.g. '{hostname} @ {sourceip}'. */
  logSourceNameTemplate?: string;
}
