// The normalised event: one row shaped like what QRadar's Ariel API returns (DESIGN section 11), so that
// the embedded AQL engine and QRadar see the same thing. Times are epoch milliseconds.

export type PropertyValue = string | number | null;

export interface EventOrigin {
  /** evtx | winxml | winjson | auditd | ausearch | sysmon-linux | jsonl | qradar */
  format: string;
  file?: string;
  channel?: string;
  provider?: string;
  recordId?: number | string;
  /** Byte offset or line number of the record in its file, for located warnings and evidence. */
  offset?: number;
  line?: number;
}

export interface NormalizedEvent {
  starttime: number;
  devicetime: number;
  devicetype: number;
  logsourceid: number;
  logsourcename: string;
  logsourcetypename: string;
  sourceip: string | null;
  username: string | null;
  hostname: string | null;
  /** Numeric event id of the source (Sysmon 1, Security 4688, auditd: null). */
  eventid: number | null;
  /** Raw event text as the forwarder would send it (WinCollect key=value for Windows, audit lines for Linux). */
  payload: string;
  /** Named properties, named as the active property profile says (raw names and/or IBM custom property names). */
  properties: Record<string, PropertyValue>;
  origin: EventOrigin;
}

/** A parser's non-fatal complaint: the record was skipped, the rest kept. */
export interface ParseWarning {
  file: string;
  /** byte offset (binary formats) or 1-based line (text formats) */
  offset?: number;
  line?: number;
  reason: string;
}
