// Assembles one audit event from its records: the process (SYSCALL), its arguments (EXECVE, including
// hex-encoded and split long arguments), PROCTITLE, CWD and PATH items (CREATE -> created paths).
import { posix } from 'node:path';
import { decodeHex, fieldText, type AuditRecord } from './audit-record.js';
import { LazyAuditEvent, shellJoin, type AuditEvent } from './audit-shape.js';

export { shellJoin, type AuditEvent, type AuditPath } from './audit-shape.js';

// x86_64 numbers of the syscalls ausearch -i prints by name, so `syscall` is comparable across formats.
const SYSCALL_NUMBERS: Record<string, number> = { execve: 59, execveat: 322, open: 2, openat: 257, creat: 85, rename: 82, renameat: 264, renameat2: 316, unlink: 87, unlinkat: 263, connect: 42, sendto: 44, chmod: 90, fchmodat: 268, write: 1 };

/** Builds the event; `warn` receives problems that did not stop it (missing argument, bad hex). */
export function buildAuditEvent(records: AuditRecord[], origin: { file?: string; line?: number }, warn: (reason: string) => void): AuditEvent {
  const first = records[0]!;
  const lz = new LazyAuditEvent(records);
  const ev = lz as unknown as AuditEvent;
  ev.time = first.time;
  ev.serial = first.serial;
  ev.node = first.node;
  ev.type = first.type;
  ev.format = first.interpreted ? 'ausearch' : first.type.startsWith('AUOMS_') ? 'auoms' : 'auditd';
  ev.file = origin.file;
  ev.line = origin.line;
  const execves: AuditRecord[] = [];
  let proc: AuditRecord | undefined;
  for (const r of records) {
    switch (r.type) {
      case 'SYSCALL':
        proc = r;
        break;
      case 'EXECVE':
        execves.push(r);
        break;
      case 'CWD':
        ev.cwd = fieldText(r, 'cwd');
        break;
      case 'PATH': {
        const name = fieldText(r, 'name');
        if (name !== undefined && name !== '(null)') ev.paths.push({ item: Number(r.get('item') ?? ev.paths.length), name, nametype: r.get('nametype') ?? '' });
        break;
      }
      case 'PROCTITLE':
        if (r.get('proctitle') !== undefined) lz.setProctitleRecord(r);
        break;
      default:
        if (r.type.startsWith('AUOMS_')) readAuoms(r, ev);
        else if (!proc && r.get('pid') !== undefined) proc = r; // userspace records carry their own process fields
    }
  }
  if (execves.length > 0) ev.type = 'EXECVE';
  if (proc) readProcess(proc, ev);
  if (execves.length > 0) readArgs(execves, ev, warn);
  else if (ev.format !== 'auoms' && ev.cmdline === undefined) lz.cmdlineFromProctitle();
  for (const p of ev.paths) {
    if (p.nametype === 'CREATE') ev.created.push(ev.cwd && !p.name.startsWith('/') ? posix.join(ev.cwd, p.name) : p.name);
  }
  return ev;
}

function num(v: string | undefined): number | string | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return v !== '' && Number.isFinite(n) ? n : v;
}

function readProcess(r: AuditRecord, ev: AuditEvent): void {
  const f = r;
  // Read in the kernel's field order (arch syscall success ... ppid pid auid uid gid ... comm exe key):
  // each get() then continues where the last one ended, one pass over the record.
  ev.arch = r.enrichedGet('ARCH') ?? f.get('arch');
  const sc = f.get('syscall');
  if (sc !== undefined) ev.syscall = /^\d+$/.test(sc) ? Number(sc) : SYSCALL_NUMBERS[sc] ?? sc;
  ev.success = f.get('success') ?? f.get('res');
  const ppid = num(f.get('ppid'));
  const pid = num(f.get('pid'));
  if (typeof pid === 'number') ev.pid = pid;
  if (typeof ppid === 'number') ev.ppid = ppid;
  ev.auid = num(f.get('auid'));
  ev.uid = num(f.get('uid'));
  ev.gid = num(f.get('gid'));
  ev.comm = fieldText(r, 'comm');
  ev.exe = fieldText(r, 'exe');
  const key = fieldText(r, 'key');
  ev.key = key === undefined || key === '(null)' ? undefined : key.split('\x01').join(',');
  ev.uidName = r.enrichedGet('UID') ?? (r.interpreted ? f.get('uid') : undefined);
  ev.auidName = r.enrichedGet('AUID') ?? (r.interpreted ? f.get('auid') : undefined);
  // A kernel SYSCALL record never names its node in the body (node= leads the line); others may.
  if (ev.node === undefined && r.type !== 'SYSCALL') ev.node = f.get('node');
}

/** EXECVE: argc, a0..aN; long arguments come as aN_len then aN[0], aN[1]... possibly across several records. */
function readArgs(records: AuditRecord[], ev: AuditEvent, warn: (reason: string) => void): void {
  const args = new Map<number, string>();
  // Chunks of a long argument as written; decoded only once joined (below).
  const parts = new Map<number, { r: AuditRecord; k: string; raw: string }[]>();
  let argc: number | undefined;
  for (const r of records) {
    for (const [k, raw] of r.fields) {
      if (k === 'argc') { argc = Number(raw); continue; }
      if (k.charCodeAt(0) !== 97) continue; // 'a'
      const br = k.indexOf('[');
      if (br > 0) {
        const n = Number(k.slice(1, br));
        const idx = Number(k.slice(br + 1, -1));
        let list = parts.get(n);
        if (!list) parts.set(n, (list = []));
        list[idx] = { r, k, raw };
      } else if (!k.endsWith('_len')) {
        const n = Number(k.slice(1));
        if (Number.isInteger(n)) args.set(n, argValue(r, k, raw, warn));
      }
    }
  }
  // The kernel cuts a long argument by bytes: a UTF-8 character can straddle two hex chunks, so hex chunks
  // are joined first and decoded once (decoding each alone would give U+FFFD on both sides of the cut).
  for (const [n, list] of parts) {
    const chunks = [...list].filter((c) => c !== undefined);
    const hex = chunks.every((c) => !c.r.interpreted && !c.r.quoted.has(c.k) && c.raw !== '(null)');
    const joined = hex ? decodeHex(chunks.map((c) => c.raw).join('')) : null;
    args.set(n, joined ?? chunks.map((c) => argValue(c.r, c.k, c.raw, warn)).join(''));
  }
  const count = argc ?? (args.size > 0 ? Math.max(...args.keys()) + 1 : 0);
  const argv: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = args.get(i);
    if (a === undefined) warn(`EXECVE argc=${count} but a${i} is missing`);
    argv.push(a ?? '');
  }
  ev.argc = count;
  ev.argv = argv;
  ev.cmdline = shellJoin(argv);
}

function argValue(r: AuditRecord, k: string, raw: string, warn: (reason: string) => void): string {
  if (r.interpreted || r.quoted.has(k)) return raw;
  if (raw === '(null)') return raw;
  const d = decodeHex(raw);
  if (d === null) warn(`EXECVE ${k} is neither quoted nor hex: ${raw.slice(0, 40)}`);
  return d ?? raw;
}

/** Microsoft AUOMS flattens an event into one record; its cmdline and proctitle are unquoted free text. */
function readAuoms(r: AuditRecord, ev: AuditEvent): void {
  readProcess(r, ev);
  ev.uidName = r.get('user');
  ev.auidName = r.get('audit_user');
  const raw = r.raw;
  const endMark = raw.lastIndexOf(' redactors=');
  const end = endMark < 0 ? raw.length : endMark;
  const c = raw.indexOf(' cmdline="');
  if (c >= 0) ev.cmdline = raw.slice(c + ' cmdline="'.length, raw[end - 1] === '"' ? end - 1 : end);
  const p = raw.indexOf(' proctitle=');
  if (p >= 0) ev.proctitle = raw.slice(p + ' proctitle='.length, c > p ? c : end);
  const argc = r.get('argc');
  if (argc !== undefined) ev.argc = Number(argc);
  ev.cwd = fieldText(r, 'cwd');
  const name = fieldText(r, 'name');
  if (name) ev.paths.push({ item: 0, name, nametype: r.get('nametype') ?? '' });
  const keyR = r.get('key_r');
  const keyText = keyR ? decodeHex(keyR) : null;
  if (keyText) ev.key = keyText.split('\x01').join(',');
}
