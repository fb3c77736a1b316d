// Linux audit parser: audit records grouped into events by (node, time, serial). Records of one event may
// interleave with others, so groups stay open until their EOE or PROCTITLE record (the kernel's last two
// of a syscall event), a `----` separator (ausearch), a time gap, a cap on open groups, or the end of
// input. Bad lines are skipped with a located warning.
import type { ParseWarning } from '../../model/event.js';
import { parseAuditRecord, type AuditRecord } from './audit-record.js';
import { buildAuditEvent, type AuditEvent } from './audit-event.js';
import { readLineBatches } from '../lines.js';

export type { AuditEvent } from './audit-event.js';
export { shellJoin } from './audit-event.js';

export interface AuditParseOptions {
  file?: string;
  onWarning?: (w: ParseWarning) => void;
  /** Line number of the first line (when reading from an offset). */
  firstLine?: number;
}

interface Group {
  key: string | number;
  done: boolean;
  time: number;
  records: AuditRecord[];
  line: number;
}

// Userspace messages are single records with no EOE; they are complete as soon as they are read.
const STANDALONE = /^(USER_|DAEMON_|CRED_|SERVICE_|SYSTEM_|ADD_|DEL_|GRP_|ACCT_|ANOM_LOGIN|SOFTWARE_UPDATE|AUOMS_)/;
// Open groups are kept short-lived on purpose: long-lived ones survive young-generation GC and cost
// more than the parsing. The kernel writes an event's records together; 256 open events is ample.
const MAX_OPEN = 256;
// A kernel event's records are written together; a group older than this (by record time) is complete.
const MAX_AGE_MS = 3000;
const NO_RECORDS: AuditRecord[] = [];

/** Groups audit lines into events, streaming; never throws on bad input. */
export async function* parseAuditLines(lines: AsyncIterable<string> | Iterable<string>, opts: AuditParseOptions = {}): AsyncGenerator<AuditEvent> {
  const p = new AuditGrouper(opts);
  for await (const line of lines as AsyncIterable<string>) {
    const done = p.push(line);
    if (done) for (const ev of done) yield ev;
  }
  for (const ev of p.end()) yield ev;
}

/** Parses an audit log file, streaming, one event at a time. */
export async function* parseAuditFile(path: string, opts: AuditParseOptions & { start?: number } = {}): AsyncGenerator<AuditEvent> {
  for await (const batch of parseAuditFileBatches(path, opts)) yield* batch;
}

/** Parses an audit log file, streaming, in batches: the events completed by each ~1 MB chunk (one await
 *  per chunk: an async step per event costs a large share of the parse on logs of millions of lines). */
export async function* parseAuditFileBatches(path: string, opts: AuditParseOptions & { start?: number } = {}): AsyncGenerator<AuditEvent[]> {
  const p = new AuditGrouper({ file: path, ...opts });
  for await (const batch of readLineBatches(path, { start: opts.start })) {
    let out: AuditEvent[] | null = null;
    for (const line of batch) {
      const done = p.push(line);
      if (done) {
        if (out) for (const e of done) out.push(e);
        else out = done;
      }
    }
    if (out) yield out;
  }
  const last = p.end();
  if (last.length) yield last;
}

/** Parses a whole chunk of audit text (live collection) into events. */
export function parseAuditText(text: string, opts: AuditParseOptions = {}): AuditEvent[] {
  const p = new AuditGrouper(opts);
  const out: AuditEvent[] = [];
  for (const line of text.split('\n')) {
    const done = p.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (done) out.push(...done);
  }
  out.push(...p.end());
  return out;
}

/** The grouping state machine; push() returns events completed by that line (or null). */
export class AuditGrouper {
  private open = new Map<string | number, Group>();
  // Insertion order kept apart from the Map: deleting from the front of a large Map and iterating it
  // again is slow in V8 (deleted slots are skipped until a rehash), and logs without EOE do exactly that.
  private queue: Group[] = [];
  private head = 0;
  private lineNo: number;
  private readonly file: string;
  // The line of the event being built, for its warnings (one function, not a closure per event).
  private building = 0;
  private readonly warnBuilding = (reason: string): void => this.warn(this.building, reason);
  constructor(private readonly opts: AuditParseOptions) {
    this.lineNo = (opts.firstLine ?? 1) - 1;
    this.file = opts.file ?? '<input>';
  }

  push(line: string): AuditEvent[] | null {
    this.lineNo++;
    if (line.startsWith('----')) return this.flushAll();
    const rec = parseAuditRecord(line);
    if (rec === null) return null;
    if ('error' in rec) {
      this.warn(this.lineNo, rec.error);
      return null;
    }
    // Grouped by serial when the log has one node (a number: no key string to cut and hash per record);
    // the same serial at another time is another event (the counter restarts at boot).
    const key = rec.node === undefined ? rec.serial : rec.key;
    let out: AuditEvent[] | null = null;
    let g = this.open.get(key);
    if (g && g.time !== rec.time) {
      this.open.delete(key);
      out = this.emit(g, out);
      g = undefined;
    }
    if (!g) {
      out = this.flushOld(rec.time, out);
      g = { key, done: false, time: rec.time, records: [], line: this.lineNo };
      this.open.set(key, g);
      this.queue.push(g);
    }
    if (rec.type !== 'EOE') g.records.push(rec);
    // Complete: at EOE; at PROCTITLE, the kernel's last record of a syscall event before the EOE that
    // auditd does not log (so it is not kept open, and alive, until 256 newer events evict it; ausearch -i
    // prints PROCTITLE first, and its `----` separators end events instead); a userspace message at once.
    const complete = rec.type === 'EOE' || (rec.type === 'PROCTITLE' && !rec.interpreted) || (g.records.length === 1 && STANDALONE.test(rec.type));
    if (!complete) return out;
    this.open.delete(key);
    return this.emit(g, out);
  }

  end(): AuditEvent[] {
    return this.flushAll() ?? [];
  }

  private flushAll(): AuditEvent[] | null {
    let out: AuditEvent[] | null = null;
    for (let i = this.head; i < this.queue.length; i++) {
      const g = this.queue[i]!;
      if (!g.done) out = this.emit(g, out);
    }
    this.open.clear();
    this.queue = [];
    this.head = 0;
    return out;
  }

  private flushOld(now: number, out: AuditEvent[] | null): AuditEvent[] | null {
    while (this.head < this.queue.length) {
      const g = this.queue[this.head]!;
      if (!g.done) {
        if (this.open.size < MAX_OPEN && g.time >= now - MAX_AGE_MS) break;
        this.open.delete(g.key);
        out = this.emit(g, out);
      }
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  private emit(g: Group, out: AuditEvent[] | null): AuditEvent[] | null {
    g.done = true;
    if (g.records.length === 0) return out;
    this.building = g.line;
    const ev = buildAuditEvent(g.records, { file: this.opts.file, line: g.line }, this.warnBuilding);
    // The queue keeps a done group until its head passes it: without its records, so the lines (and the
    // read chunks they point into) die young instead of being promoted to the old generation.
    g.records = NO_RECORDS;
    (out ??= []).push(ev);
    return out;
  }

  private warn(line: number, reason: string): void {
    this.opts.onWarning?.({ file: this.file, line, reason });
  }
}
