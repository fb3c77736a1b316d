// The shape of a parsed audit event, the shell-style join of its arguments, and the object that
// carries it (with the payload and PROCTITLE texts computed on first use).
import { fieldText, type AuditRecord } from './audit-record.js';

export interface AuditPath {
  item: number;
  name: string;
  nametype: string;
}

export interface AuditEvent {
  /** epoch ms of the audit stamp */
  time: number;
  timeRaw: string;
  serial: number;
  node?: string;
  /** EXECVE if the event has one, else the first record's type. */
  type: string;
  recordTypes: string[];
  exe?: string;
  comm?: string;
  pid?: number;
  ppid?: number;
  uid?: number | string;
  auid?: number | string;
  /** user names from the enriched tail or ausearch -i (UID="root") */
  uidName?: string;
  auidName?: string;
  success?: string;
  arch?: string;
  gid?: number | string;
  syscall?: number | string;
  key?: string;
  cwd?: string;
  argc?: number;
  argv?: string[];
  /** arguments joined as a shell would show them */
  cmdline?: string;
  proctitle?: string;
  paths: AuditPath[];
  created: string[];
  format: 'auditd' | 'ausearch' | 'auoms';
  /** the group's raw lines, joined by "\n" (the payload QRadar would store) */
  raw: string;
  file?: string;
  line?: number;
}

// Shell-safe characters: an argument made only of these is shown bare (the set Python's shlex.quote uses).
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Joins argv as a POSIX shell would show it: single-quote any argument with spaces or metacharacters. */
export function shellJoin(argv: string[]): string {
  return argv.map((a) => (a.length > 0 && SAFE.test(a) ? a : `'${a.replace(/'/g, `'"'"'`)}'`)).join(' ');
}

/**
 * The event object. The payload (`raw`), the PROCTITLE-derived texts, the stamp text and the record types
 * are computed on first use: a consumer that only matches fields (or a benchmark that only counts) does
 * not pay for joining, decoding and cutting them. Getters live on the prototype; `toJSON` lists them so JSON output is complete.
 */
export class LazyAuditEvent {
  private _raw?: string;
  private _proctitle?: string;
  private _cmdline?: string;
  /** PROCTITLE record to derive proctitle / cmdline from when they were not set directly. */
  private ptRec?: AuditRecord;
  private cmdFromPt = false;
  [key: string]: unknown;
  // Every field is created here, in one order, so all events share one hidden class (V8 stays fast).
  time = 0;
  serial = 0;
  node: string | undefined = undefined;
  type = '';
  exe: string | undefined = undefined;
  comm: string | undefined = undefined;
  pid: number | undefined = undefined;
  ppid: number | undefined = undefined;
  uid: number | string | undefined = undefined;
  auid: number | string | undefined = undefined;
  uidName: string | undefined = undefined;
  auidName: string | undefined = undefined;
  success: string | undefined = undefined;
  arch: string | undefined = undefined;
  gid: number | string | undefined = undefined;
  syscall: number | string | undefined = undefined;
  key: string | undefined = undefined;
  cwd: string | undefined = undefined;
  argc: number | undefined = undefined;
  argv: string[] | undefined = undefined;
  paths: AuditPath[] = [];
  created: string[] = [];
  format: 'auditd' | 'ausearch' | 'auoms' = 'auditd';
  file: string | undefined = undefined;
  line: number | undefined = undefined;
  constructor(private readonly records: AuditRecord[]) {}
  private _timeRaw?: string;
  private _recordTypes?: string[];
  get timeRaw(): string {
    return (this._timeRaw ??= this.records[0]!.timeRaw);
  }
  set timeRaw(v: string) { this._timeRaw = v; }
  get recordTypes(): string[] {
    return (this._recordTypes ??= this.records.map((r) => r.type));
  }
  set recordTypes(v: string[]) { this._recordTypes = v; }
  get raw(): string {
    if (this._raw === undefined) this._raw = this.records.map((r) => r.raw).join('\n');
    return this._raw;
  }
  set raw(v: string) { this._raw = v; }
  get proctitle(): string | undefined {
    if (this._proctitle === undefined && this.ptRec) {
      const t = fieldText(this.ptRec, 'proctitle')!;
      this._proctitle = this.ptRec.interpreted ? t : t.split('\0').join(' ');
    }
    return this._proctitle;
  }
  set proctitle(v: string | undefined) { this._proctitle = v; }
  get cmdline(): string | undefined {
    if (this._cmdline === undefined && this.cmdFromPt && this.ptRec) {
      // No EXECVE (e.g. an open() event): PROCTITLE is the only command line; the kernel truncates it at 128 bytes.
      const t = fieldText(this.ptRec, 'proctitle')!;
      this._cmdline = this.ptRec.interpreted ? t : shellJoin(t.split('\0'));
    }
    return this._cmdline;
  }
  set cmdline(v: string | undefined) { this._cmdline = v; }
  setProctitleRecord(r: AuditRecord): void { this.ptRec = r; }
  cmdlineFromProctitle(): void { this.cmdFromPt = true; }
  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(this)) if (!k.startsWith('_') && k !== 'records' && k !== 'ptRec' && k !== 'cmdFromPt') o[k] = this[k];
    o.timeRaw = this.timeRaw;
    o.recordTypes = this.recordTypes;
    o.raw = this.raw;
    o.proctitle = this.proctitle;
    o.cmdline = this.cmdline;
    return o;
  }
}

