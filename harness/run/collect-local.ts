// The `local` back-end (DESIGN section 7): events from the targets' own logs, read live through their
// executors, and rules evaluated by the embedded AQL engine. Linux: the audit log from the offset taken
// before the run (rotation-safe), parsed by the telemetry parsers. Windows: `wevtutil qe` of Sysmon,
// Security and PowerShell Operational since the run started, as XML. Reads are incremental, so the
// verdict loop can poll fetchEvents until expectations settle or their deadline passes.
import type { Executor } from '../exec/types.js';
import type { Target } from '../model/config.js';
import type { NormalizedEvent } from '../model/event.js';
import type { PropertyProfile } from '../model/profile.js';
import type { BackendRequest, EventFetch, RuleRun, TelemetryBackend } from '../model/backend.js';
import type { RuleFile } from '../model/catalog.js';
import { parseAuditText, type AuditEvent } from '../telemetry/parsers/auditd.js';
import { parseAuditRecord } from '../telemetry/parsers/audit-record.js';
import { parseWindowsXml } from '../telemetry/parsers/winxml.js';
import { normaliseAudit, normaliseWindows, type HostInfo } from '../telemetry/normalise.js';
import { compileAql } from '../aql/query.js';
import type { AqlEnv } from '../aql/env.js';
import { isHarnessError } from '../errors.js';
import { parseReadSince, readSinceCommand, type AuditOffset } from './audit-offset.js';
import type { Identity, RunExecution } from './orchestrator.js';

export const WINDOWS_CHANNELS = ['Microsoft-Windows-Sysmon/Operational', 'Security', 'Microsoft-Windows-PowerShell/Operational'] as const;
const MAX_LOG_BYTES = 256 * 1024 * 1024;

export interface LocalBackendOptions {
  /** The executor each target's logs are read through (its own connection, or e.g. this machine for the lab). */
  executors: Map<string, Executor>;
  profile: PropertyProfile;
  /** Linux targets: where the audit log stood before the run. */
  offsets: Map<string, AuditOffset>;
  env: Omit<AqlEnv, 'profile'> & { profile?: PropertyProfile };
  /** Windows targets: events since this time (epoch ms); default the earliest request window start. */
  since?: Map<string, number>;
  /** Lab hosts share one kernel audit log: keep only events of the target's login (auid, else uid). */
  identities?: Map<string, Identity>;
  /** A target's clock minus the harness's (ms): event times are moved onto the harness's clock (and a
   *  Windows query's time filter onto the target's). */
  clockSkews?: Map<string, number>;
  readTimeoutMs?: number;
  /** Most bytes one read may bring (default 256 MiB); more fails the read. */
  maxReadBytes?: number;
}

interface LogTail { pos: AuditOffset; held: HeldAuditLines; events: AuditEvent[]; readAt?: number }
interface LinuxState { done: number; events: NormalizedEvent[] }
interface WindowsState { since: number; seen: Set<string>; events: NormalizedEvent[] }

export class LocalBackend implements TelemetryBackend {
  readonly name = 'local' as const;
  // An audit event is held until a record MAX_AGE_MS newer arrives or the log stays quiet for SETTLE_MS
  // between reads (HeldAuditLines): judged earlier, a behaviour's last events could be missing (a false
  // MISSED, or an UNEXPECTED_FIRE not seen yet). The margin covers the read interval and clock skew.
  readonly holdMs = MAX_AGE_MS + SETTLE_MS + 1500;
  private readonly linux = new Map<string, LinuxState>();
  private readonly windows = new Map<string, WindowsState>();
  /** One tail per log file per executor: lab hosts read through one local executor share it (rotated or not). */
  private readonly tails = new Map<Executor, Map<string, LogTail>>();
  /** Fetch counter: a shared log is read once per fetch. */
  private cycle = 0;

  constructor(private readonly opts: LocalBackendOptions) {}

  // A backend over a finished run that kept its connections (executePlan keepConnections).
  // logExecutorFor: where a target's logs are read (the lab: this machine, as root), default its own connection.
  static fromExecution(run: RunExecution, opts: { profile: PropertyProfile; env?: LocalBackendOptions['env']; logExecutorFor?: (t: Target) => Executor | undefined }): LocalBackend {
    const offsets = new Map<string, AuditOffset>();
    const identities = new Map<string, Identity>();
    const since = new Map<string, number>();
    const clockSkews = new Map<string, number>();
    const started = Date.parse(run.startedAt);
    for (const t of run.targets) {
      if (t.clockSkewMs) clockSkews.set(t.target.name, t.clockSkewMs);
      if (t.auditOffset) offsets.set(t.target.name, t.auditOffset);
      if (t.identity) identities.set(t.target.name, t.identity);
      since.set(t.target.name, started);
    }
    const executors = new Map<string, Executor>();
    for (const t of run.targets) {
      const e = opts.logExecutorFor?.(t.target) ?? run.executors?.get(t.target.name);
      if (e) executors.set(t.target.name, e);
    }
    return new LocalBackend({ executors, profile: opts.profile, offsets, identities, since, clockSkews, env: opts.env ?? {} });
  }

  // All events of the window from these targets; one unreachable target makes the fetch fail (never a silent gap).
  async fetchEvents(req: BackendRequest): Promise<EventFetch> {
    const all: NormalizedEvent[] = [];
    this.cycle += 1;
    for (const target of req.targets) {
      const exec = this.opts.executors.get(target.name);
      if (!exec || !exec.isConnected()) return fail('HARNESS_RUN_COLLECT_NO_CONNECTION', `no open connection to ${target.name} to read its logs`);
      try {
        const events = target.os === 'windows' ? await this.readWindows(exec, target, req.window.start) : await this.readLinux(exec, target);
        if (typeof events === 'string') return fail('HARNESS_RUN_COLLECT_READ', `${target.name}: ${events}`);
        for (const e of events) if (e.starttime >= req.window.start && e.starttime < req.window.stop) all.push(e);
      } catch (e) {
        return fail(isHarnessError(e) ? e.code : 'HARNESS_RUN_COLLECT_READ', `${target.name}: ${(e as Error).message}`);
      }
    }
    all.sort((a, b) => a.starttime - b.starttime);
    return { ok: true, events: all };
  }

  // Each rule through the embedded AQL engine over `events`; a rule that does not compile or run is reported, not thrown.
  async runRules(req: BackendRequest & { rules: RuleFile[]; events: NormalizedEvent[] }): Promise<Map<string, RuleRun>> {
    const out = new Map<string, RuleRun>();
    for (const rule of req.rules) {
      try {
        const q = compileAql(rule.text, { ...this.opts.env, profile: this.opts.env.profile ?? this.opts.profile }, { file: rule.path });
        out.set(rule.id, { ok: true, rows: q.runWithSources(req.events) });
      } catch (e) {
        out.set(rule.id, { ok: false, code: isHarnessError(e) ? e.code : 'HARNESS_RUN_RULE_FAILED', error: isHarnessError(e) ? e.format() : (e as Error).message });
      }
    }
    return out;
  }

  private host(target: Target): HostInfo {
    // hostname = the target's name: lab hosts share the machine's hostname, and verdicts tie events to targets by name.
    return { hostname: target.name, ...(target.address ? { sourceip: target.address } : {}), ...(target.qradar?.logSourceName ? { logsourcename: target.qradar.logSourceName } : {}) };
  }

  // New audit text since the last read (rotation-safe), held back until its events are complete
  // (HeldAuditLines), grouped once per log (lab hosts share one), then this target's share normalised;
  // returns every event of the target so far.
  private async readLinux(exec: Executor, target: Target): Promise<NormalizedEvent[] | string> {
    const pos = this.opts.offsets.get(target.name);
    if (!pos) return 'no audit-log offset was recorded before the run (preflight could not read the audit log)';
    let tails = this.tails.get(exec);
    if (!tails) this.tails.set(exec, (tails = new Map()));
    let tail = tails.get(pos.file);
    if (!tail) tails.set(pos.file, (tail = { pos: this.earliestOffset(exec, pos), held: new HeldAuditLines(), events: [] }));
    if (tail.readAt !== this.cycle) {
      tail.readAt = this.cycle;
      const max = this.opts.maxReadBytes ?? MAX_LOG_BYTES;
      const r = await exec.exec(readSinceCommand(target, tail.pos), { timeoutMs: this.opts.readTimeoutMs ?? 60_000, maxOutputBytes: max });
      const next = parseReadSince(r.stdout, tail.pos.file);
      if (r.exitCode !== 0 || !next.pos) return `cannot read ${tail.pos.file}: ${(r.stderr || r.stdout).trim().slice(0, 300) || `exit ${r.exitCode}`}`;
      // More than MAX_LOG_BYTES since the last read: what was cut off is lost, so the read fails (never a
      // success with events missing); the position is not advanced.
      if (r.truncated) return `${tail.pos.file} grew by more than ${max} bytes between two reads: the rest cannot be read in one go (narrow the audit rules, or run fewer tests at once)`;
      tail.pos = next.pos;
      const complete = tail.held.add(next.text, Date.now());
      if (complete) tail.events.push(...parseAuditText(complete, { file: tail.pos.file }));
    }
    let st = this.linux.get(target.name);
    if (!st) this.linux.set(target.name, (st = { done: 0, events: [] }));
    const id = this.opts.identities?.get(target.name);
    // A login uid (auid) survives sudo and su, so it ties every event of the target's session, elevated ones
    // included. Without one (sshd without PAM, containers) only the uid is known, and an elevated command
    // runs as uid 0: filtering by it would lose the behaviour's events, so that is done only where it must
    // be, on a log several targets share (lab hosts on one kernel).
    const filter = id && (id.auid !== undefined || this.sharedLog(exec, pos)) ? id : undefined;
    const host = this.host(target);
    const skew = this.opts.clockSkews?.get(target.name) ?? 0;
    for (; st.done < tail.events.length; st.done++) {
      const ev = tail.events[st.done]!;
      if (filter && !belongsTo(ev, filter)) continue;
      const n = normaliseAudit(ev, this.opts.profile, host);
      n.origin.file = `${target.name}:${tail.pos.file}`;
      // On the harness's clock, as the execution windows are: a target clock off by more than the fetch
      // slack would otherwise put its events outside the window (a false NO_TELEMETRY). The payload keeps
      // the target's own timestamp.
      if (skew) {
        n.starttime -= skew;
        n.devicetime -= skew;
      }
      st.events.push(n);
    }
    return st.events;
  }

  // Whether more than one target reads this log (same executor and file; the inodes of their offsets
  // differ when auditd rotated between them, and it is still one log).
  private sharedLog(exec: Executor, pos: AuditOffset): boolean {
    return this.offsetsOfLog(exec, pos).length > 1;
  }

  // A log shared by several targets (same executor and file) is read from the oldest of their offsets, by
  // when it was taken (an offset in a since-rotated file is older than any in the current one, whatever
  // its byte value); the rotation-aware read walks forward from there. Independent of the fetch order.
  private earliestOffset(exec: Executor, pos: AuditOffset): AuditOffset {
    return this.offsetsOfLog(exec, pos).reduce((best, o) => (o.at < best.at || (o.at === best.at && o.inode === best.inode && o.offset < best.offset) ? o : best), pos);
  }

  // The offsets of every target reading this log (same executor and file path; the inodes of their offsets
  // may differ when a rotation fell between them).
  private offsetsOfLog(exec: Executor, pos: AuditOffset): AuditOffset[] {
    const out: AuditOffset[] = [];
    for (const [name, e] of this.opts.executors) {
      const o = this.opts.offsets.get(name);
      if (e === exec && o && o.file === pos.file) out.push(o);
    }
    return out;
  }

  // Events of the three channels since the run started (re-queried from the newest time seen, de-duplicated).
  private async readWindows(exec: Executor, target: Target, windowStart: number): Promise<NormalizedEvent[] | string> {
    let st = this.windows.get(target.name);
    if (!st) {
      st = { since: this.opts.since?.get(target.name) ?? windowStart, seen: new Set(), events: [] };
      this.windows.set(target.name, st);
    }
    const from = st.since;
    const skew = this.opts.clockSkews?.get(target.name) ?? 0;
    for (const channel of WINDOWS_CHANNELS) {
      // TimeCreated is the target's clock: the filter is put on it, each event's time back on ours.
      const r = await exec.exec(wevtutilQuery(channel, from + skew, target.shell), { timeoutMs: this.opts.readTimeoutMs ?? 60_000, maxOutputBytes: MAX_LOG_BYTES });
      // "No events" is exit 0 with an empty <Events/>; a missing channel (no Sysmon) is a preflight finding, not a read failure.
      if (r.exitCode !== 0) {
        if (/channel .* (not found|was not found)|15007/i.test(r.stderr + r.stdout)) continue;
        return `wevtutil qe ${channel} failed (exit ${r.exitCode}): ${r.stderr.trim().slice(0, 300)}`;
      }
      if (r.truncated) return `wevtutil qe ${channel} returned more than ${MAX_LOG_BYTES} bytes since ${new Date(from).toISOString()}: the rest would be lost`;
      for (const rec of parseWindowsXml(r.stdout, { file: `${target.name}:${channel}` })) {
        const key = `${rec.channel}\u0000${rec.recordId}`;
        if (st.seen.has(key)) continue;
        st.seen.add(key);
        st.since = Math.max(st.since, rec.timeCreated - skew);
        const n = normaliseWindows(rec, this.opts.profile, this.host(target));
        if (skew) {
          n.starttime -= skew;
          n.devicetime -= skew;
        }
        st.events.push(n);
      }
    }
    return st.events;
  }
}

// The wevtutil command for one channel since `since` (XPath on System/TimeCreated, XML wrapped in <Events>).
export function wevtutilQuery(channel: string, since: number, shell: 'cmd' | 'powershell' = 'cmd'): string {
  const q = `*[System[TimeCreated[@SystemTime>='${new Date(since).toISOString()}']]]`;
  const cmd = `wevtutil.exe qe "${channel}" "/q:${q}" /f:xml /e:Events`;
  // In PowerShell the same line works as is; wrapPowerShell is only for scripts, so no wrapping here.
  return shell === 'powershell' ? `& ${cmd}` : cmd;
}

// Whether an audit event is from this target's login (the lab's per-host users share one kernel).
export function belongsTo(ev: AuditEvent, id: Identity): boolean {
  const auid = ev.auid === undefined ? undefined : Number(ev.auid);
  if (id.auid !== undefined) return auid === id.auid;
  if (id.uid !== undefined) return Number(ev.uid) === id.uid || auid === id.uid;
  return true;
}

// How long after the newest record read an event is complete (the audit parser's own rule, MAX_AGE_MS).
const MAX_AGE_MS = 3000;
// An event none of whose records arrived for this long (between our reads) is complete: auditd writes an
// event's records together, so a quiet event, or a log that did not grow, is not still being written.
export const SETTLE_MS = 500;

interface HeldLine { key?: string; time: number; line: string }

// Audit lines held back until their event is complete, so an event is parsed whole, never in two parts.
// The log has no EOE records to say an event is complete, and records of concurrent events interleave:
// an older event's records may follow newer ones, across a read boundary. An event is released, all its
// lines at once and in log order, when a record more than MAX_AGE_MS newer has been read, or when none
// of its records came for SETTLE_MS (the newest event of a log nothing more is written to included).
// A line cut short by the read waits for its end; while its stamp is unknown, nothing is released as quiet.
export class HeldAuditLines {
  private held: HeldLine[] = [];
  /** Per event key: when (our clock, ms) the read that brought its latest record was made. */
  private seenAt = new Map<string, number>();
  private newest = -Infinity;
  private cut = '';

  /** Adds the text of one read made at `now` (ms); returns the lines of the events now complete, in log order. */
  add(text: string, now: number): string {
    const all = this.cut + text;
    const end = all.lastIndexOf('\n') + 1;
    this.cut = all.slice(end);
    for (const line of all.slice(0, end).split('\n')) {
      if (!line) continue;
      const h = stampOf(line);
      this.held.push({ ...h, line });
      if (h.key !== undefined) {
        this.seenAt.set(h.key, now);
        if (h.time > this.newest) this.newest = h.time;
      }
    }
    const cutKey = this.cut ? stampOf(this.cut).key : undefined;
    if (cutKey !== undefined) this.seenAt.set(cutKey, now);
    const quiet = !this.cut || cutKey !== undefined;
    const out: string[] = [];
    const keep: HeldLine[] = [];
    for (const h of this.held) {
      // A line without an audit stamp is not part of any event: the parser warns about it now.
      const done = h.key === undefined || h.time < this.newest - MAX_AGE_MS || (quiet && now - this.seenAt.get(h.key)! >= SETTLE_MS);
      if (done) out.push(h.line);
      else keep.push(h);
    }
    this.held = keep;
    const open = new Set(keep.map((h) => h.key));
    for (const k of this.seenAt.keys()) if (!open.has(k) && k !== cutKey) this.seenAt.delete(k);
    return out.length ? `${out.join('\n')}\n` : '';
  }
}

function stampOf(line: string): { key?: string; time: number } {
  const r = parseAuditRecord(line);
  return r === null || 'error' in r ? { time: 0 } : { key: r.key, time: r.time };
}

function fail(code: string, error: string): EventFetch {
  return { ok: false, code, error };
}

