// A WindowsEventRecord back to event XML (wevtutil shape) from its fields: System block and EventData.
// (For the byte-faithful rendering of a record's own tree, use evtxBufferXml.)
import type { WindowsEventRecord } from '../../record.js';

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

// Renders one record as an <Event> element.
export function renderRecordXml(r: WindowsEventRecord): string {
  const o: string[] = ['<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>'];
  o.push(`<Provider Name="${esc(r.provider)}"${r.providerGuid ? ` Guid="${esc(r.providerGuid)}"` : ''}/>`);
  o.push(`<EventID>${r.eventId}</EventID>`);
  if (r.version !== undefined) o.push(`<Version>${r.version}</Version>`);
  if (r.level !== undefined) o.push(`<Level>${r.level}</Level>`);
  if (r.task !== undefined) o.push(`<Task>${r.task}</Task>`);
  if (r.opcode !== undefined) o.push(`<Opcode>${r.opcode}</Opcode>`);
  if (r.keywords !== undefined) o.push(`<Keywords>${esc(r.keywords)}</Keywords>`);
  o.push(`<TimeCreated SystemTime="${esc(r.timeCreatedRaw)}"/>`, `<EventRecordID>${r.recordId}</EventRecordID>`);
  if (r.processId !== undefined || r.threadId !== undefined) {
    o.push(`<Execution${r.processId !== undefined ? ` ProcessID="${r.processId}"` : ''}${r.threadId !== undefined ? ` ThreadID="${r.threadId}"` : ''}/>`);
  }
  o.push(`<Channel>${esc(r.channel)}</Channel>`, `<Computer>${esc(r.computer)}</Computer>`);
  if (r.userSid) o.push(`<Security UserID="${esc(r.userSid)}"/>`);
  o.push('</System><EventData>');
  for (const [k, v] of Object.entries(r.eventData)) o.push(`<Data Name="${esc(k)}">${esc(v)}</Data>`);
  o.push('</EventData></Event>');
  return o.join('');
}
