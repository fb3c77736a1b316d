// The intermediate form every Windows-shaped parser (EVTX, event XML, JSON exports, Sysmon for Linux)
// produces before normalisation: the System block and the EventData name/value pairs, as the event had them.
import type { EventOrigin } from '../model/event.js';

export interface WindowsEventRecord {
  provider: string; // Provider/@Name, e.g. Microsoft-Windows-Sysmon, Linux-Sysmon
  providerGuid?: string;
  eventId: number;
  version?: number;
  level?: number;
  task?: number;
  opcode?: number;
  keywords?: string;
  /** TimeCreated/@SystemTime as epoch ms (sub-ms precision dropped). */
  timeCreated: number;
  /** TimeCreated/@SystemTime exactly as the source wrote it. */
  timeCreatedRaw: string;
  recordId: number;
  channel: string;
  computer: string;
  userSid?: string;
  processId?: number;
  threadId?: number;
  /** EventData <Data Name="..."> pairs (UserData flattened to leaf names); unnamed Data as Data1, Data2... */
  eventData: Record<string, string>;
  /** Rendered message when the source carried one (JSON exports). */
  message?: string;
  origin: EventOrigin;
}
