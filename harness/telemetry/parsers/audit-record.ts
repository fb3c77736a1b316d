// One audit record line -> its header (node, type, time, serial) and its key=value fields.
// Three shapes are read: raw audit.log (`type=T msg=audit(1700000000.123:42): k=v ...`, with the
// `format=enriched` tail after \x1d), `ausearch -i` interpreted text (`msg=audit(11/22/26 05:09:32.119:6335) : `,
// values unquoted and possibly holding spaces) and Microsoft AUOMS (`type=AUOMS_EXECVE audit(...): `).

/**
 * One record. Everything but the header is read lazily, from offsets into the line: most records of a
 * large log are only grouped, and a record's fields are read one at a time by direct scans (get()),
 * without slicing the body, the tail or the stamp first.
 */
export class AuditRecord {
  private _fields?: Map<string, string>;
  private _quoted?: Set<string>;
  private _key?: string;
  // Where the body ends: the enriched tail's \x1d, or the end of the line; -1 until first needed.
  private bodyEnd = -1;
  /** Whether the value last returned by get() was double-quoted in the log. */
  lastQuoted = false;
  // Whether get() may scan the body directly (raw text without a nested msg='...'); decided once.
  private plain?: boolean;
  // Where the last direct scan ended: callers read fields in the kernel's order, so the next one is
  // looked for from there first and the body is scanned about once, not once per field.
  private cursor = 0;
  constructor(
    readonly type: string,
    readonly node: string | undefined,
    /** epoch ms */
    readonly time: number,
    readonly serial: number,
    readonly interpreted: boolean,
    readonly raw: string,
    /** Offsets in raw: the stamp inside msg=audit(...), and where the fields start. */
    private readonly stampStart: number,
    private readonly stampEnd: number,
    private readonly bodyStart: number,
  ) {}

  /** `1604994496.155:42` (or the interpreted form), plus `node|` in front when the line names a node: the grouping key. */
  get key(): string {
    if (this._key === undefined) {
      const stamp = this.raw.slice(this.stampStart, this.stampEnd);
      this._key = this.node === undefined ? stamp : `${this.node}|${stamp}`;
    }
    return this._key;
  }

  /** `1604994496.155` (raw) or the interpreted date text (ausearch -i). */
  get timeRaw(): string {
    return this.raw.slice(this.stampStart, this.raw.lastIndexOf(':', this.stampEnd));
  }

  /** The field text after the header, without the enriched tail. */
  get body(): string {
    return this.raw.slice(this.bodyStart, this.end());
  }

  /** The `format=enriched` interpreted tail (AUID="root" UID="root" ...), after \x1d. */
  get tail(): string | undefined {
    const e = this.end();
    return e < this.raw.length ? this.raw.slice(e + 1) : undefined;
  }

  private end(): number {
    if (this.bodyEnd < 0) {
      const gs = this.raw.indexOf('\x1d', this.bodyStart);
      this.bodyEnd = gs < 0 ? this.raw.length : gs;
    }
    return this.bodyEnd;
  }

  /** Every field, quotes removed, hex NOT decoded (see fieldText). */
  get fields(): Map<string, string> {
    if (!this._fields) {
      this._fields = new Map();
      this._quoted = new Set();
      if (this.interpreted) tokenizeInterpreted(this.type, this.body, this._fields);
      else tokenize(this.body, this._fields, this._quoted);
    }
    return this._fields;
  }

  /** Names of the fields whose value was double-quoted (raw logs hex-encode the others). */
  get quoted(): Set<string> {
    void this.fields;
    return this._quoted!;
  }

  /** One field's value as written (quotes removed); sets lastQuoted. A direct scan, no full tokenizing. */
  get(key: string): string | undefined {
    const end = this.end();
    if (this.plain === undefined) {
      const q = this.raw.indexOf("'", this.bodyStart);
      this.plain = !this.interpreted && (q < 0 || q > end);
    }
    if (this._fields || !this.plain) {
      const v = this.fields.get(key);
      this.lastQuoted = v !== undefined && this._quoted!.has(key);
      return v;
    }
    const b = this.raw;
    const j = valueAt(b, key, Math.max(this.cursor, this.bodyStart), this.bodyStart, end);
    if (j < 0) return undefined;
    const c = b.charCodeAt(j);
    if (c === 123) return this.fields.get(key);
    const e = valueEnd(b, j, end);
    this.cursor = e;
    this.lastQuoted = c === 34;
    return c === 34 ? b.slice(j + 1, e) : b.slice(j, e);
  }

  /** One field of the enriched tail (ARCH, UID="root", ...), quotes removed; a direct scan. */
  enrichedGet(key: string): string | undefined {
    const start = this.end() + 1;
    const b = this.raw;
    if (start > b.length) return undefined;
    const j = valueAt(b, key, start, start, b.length);
    if (j < 0) return undefined;
    const e = valueEnd(b, j, b.length);
    return b.charCodeAt(j) === 34 ? b.slice(j + 1, e) : b.slice(j, e);
  }
}

// Index of the value of `key=` in b[start, end) (the key at `start` or after a space), looked for from
// `from` first and then from `start`; -1 when absent.
function valueAt(b: string, key: string, from: number, start: number, end: number): number {
  let i = from === start ? -1 : find(b, key, from - 1, end);
  if (i < 0) i = b.startsWith(key, start) && b.charCodeAt(start + key.length) === 61 ? start + key.length + 1 : find(b, key, start, end);
  return i;
}

function find(b: string, key: string, from: number, end: number): number {
  let needle = NEEDLES.get(key);
  if (needle === undefined) NEEDLES.set(key, (needle = ` ${key}=`));
  const i = b.indexOf(needle, from);
  return i < 0 || i + needle.length > end ? -1 : i + needle.length;
}

// End of the value starting at j (before `end`): the closing quote of a "quoted" value, else the next space.
function valueEnd(b: string, j: number, end: number): number {
  const e = b.charCodeAt(j) === 34 ? b.indexOf('"', j + 1) : b.indexOf(' ', j);
  return e < 0 || e > end ? end : e;
}

export type RecordResult = AuditRecord | { error: string } | null;

const HEADER_AUDIT = 'audit(';
const NEEDLES = new Map<string, string>();

/** Parses one line; null for lines that carry no record (blank, `----`, `<no matches>`). */
export function parseAuditRecord(line: string): RecordResult {
  if (line.length === 0 || line.startsWith('----') || line.startsWith('<no matches>')) return null;
  let p = 0;
  let node: string | undefined;
  if (line.startsWith('node=')) {
    const sp = line.indexOf(' ');
    if (sp < 0) return { error: 'node= without a record' };
    node = line.slice(5, sp);
    p = sp + 1;
  }
  if (!line.startsWith('type=', p)) {
    // syslog-forwarded audit lines carry a prefix (`Nov 22 05:09:32 host audispd: type=...`)
    const t = line.indexOf(' type=', p);
    if (t < 0) return { error: 'not an audit record (no type=)' };
    p = t + 1;
    if (line.startsWith('node=', p - 0)) { /* unreachable: node= precedes type= */ }
  }
  const tEnd = line.indexOf(' ', p);
  if (tEnd < 0) return { error: 'record has no msg=audit(...) header' };
  const type = typeAt(line, p + 5, tEnd);
  const a = line.indexOf(HEADER_AUDIT, tEnd);
  if (a < 0 || a > tEnd + 5) return { error: 'record has no msg=audit(...) header' };
  const close = line.indexOf(')', a);
  if (close < 0) return { error: 'unterminated msg=audit( header' };
  const s0 = a + HEADER_AUDIT.length;
  const colon = line.lastIndexOf(':', close);
  if (colon < s0) return { error: `bad audit stamp "${line.slice(s0, close)}"` };
  const interpreted = line.charCodeAt(s0 + 2) === 47 || line.charCodeAt(s0 + 1) === 47; // MM/ or M/
  const timeRaw = interpreted ? line.slice(s0, colon) : '';
  // digits by hand: this runs once per line of logs with millions of lines
  let serial = 0;
  for (let i = colon + 1; i < close; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9 || i - colon > 15) return { error: `bad audit stamp "${line.slice(s0, close)}"` };
    serial = serial * 10 + c;
  }
  let time: number;
  if (interpreted) time = parseInterpretedTime(timeRaw);
  else {
    let secs = 0;
    let ms = 0;
    let frac = -1;
    for (let i = s0; i < colon; i++) {
      const ch = line.charCodeAt(i);
      if (ch === 46 && frac < 0) { frac = 0; continue; }
      const c = ch - 48;
      if (c < 0 || c > 9) { secs = NaN; break; }
      if (frac < 0) secs = secs * 10 + c;
      else if (frac++ < 3) ms = ms * 10 + c;
    }
    if (frac <= 0 || frac > 6 || colon - s0 > 19) secs = NaN;
    for (let f = frac; f < 3; f++) ms *= 10;
    time = secs * 1000 + ms;
  }
  if (colon + 1 === close || !Number.isFinite(time)) return { error: `bad audit stamp "${line.slice(s0, close)}"` };
  let body = close + 1;
  while (body < line.length && (line.charCodeAt(body) === 58 || line.charCodeAt(body) === 32)) body++; // ':' and spaces
  return new AuditRecord(type, node, time, serial, interpreted, line, s0, close, body);
}

// Record types seen so far, by length: a type is looked up in place instead of cut out of every line.
const TYPES: string[][] = [];
let typeCount = 0;

function typeAt(line: string, start: number, end: number): string {
  const known = TYPES[end - start];
  if (known) for (const t of known) if (line.startsWith(t, start)) return t;
  const t = line.slice(start, end);
  // Bounded: a log of garbage must not grow the table without end.
  if (typeCount < 256 && end - start < 64) {
    (TYPES[end - start] ??= []).push(t);
    typeCount++;
  }
  return t;
}

/** ausearch -i prints local time as MM/DD/YY[YY] HH:MM:SS.mmm. */
function parseInterpretedTime(s: string): number {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4}) (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(s);
  if (!m) return NaN;
  let year = Number(m[3]);
  if (year < 100) year += 2000;
  return new Date(year, Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]), Number((m[7] ?? '0').padEnd(3, '0'))).getTime();
}

/** Raw key=value tokens: "quoted", 'nested msg', {braced} or bare (bare = hex where the kernel encoded it). */
export function tokenize(text: string, out: Map<string, string>, quoted: Set<string>): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const eq = text.indexOf('=', i);
    const sp = text.indexOf(' ', i);
    if (eq < 0) break;
    if (sp >= 0 && sp < eq) { i = sp + 1; continue; } // a word without '=' (e.g. "avc:  denied")
    const key = text.slice(i, eq);
    let j = eq + 1;
    const c = text.charCodeAt(j);
    if (c === 34) { // "
      const end = text.indexOf('"', j + 1);
      const stop = end < 0 ? n : end;
      out.set(key, text.slice(j + 1, stop));
      quoted.add(key);
      i = stop + 1;
    } else if (c === 39) { // ' : userspace records nest their fields in msg='...'
      const end = text.indexOf("'", j + 1);
      const stop = end < 0 ? n : end;
      tokenize(text.slice(j + 1, stop), out, quoted);
      i = stop + 1;
    } else if (c === 123) { // {
      const end = text.indexOf('}', j + 1);
      const stop = end < 0 ? n : end + 1;
      out.set(key, text.slice(j, stop));
      i = stop;
    } else {
      const end = text.indexOf(' ', j);
      const stop = end < 0 ? n : end;
      out.set(key, text.slice(j, stop));
      i = stop;
    }
  }
}

const NEXT_ARG = / a\d+(?:\[\d+\]|_len)?=/g;
const NEXT_KEY = / [A-Za-z_][\w-]*=/g;

/** ausearch -i values are printed unquoted and may hold spaces: cut at the next `key=` instead of the next space. */
function tokenizeInterpreted(type: string, text: string, out: Map<string, string>): void {
  const body = text.replace(/\s+$/, '');
  if (type === 'PROCTITLE' && body.startsWith('proctitle=')) {
    out.set('proctitle', body.slice('proctitle='.length));
    return;
  }
  const re = type === 'EXECVE' ? NEXT_ARG : NEXT_KEY;
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('=', i);
    if (eq < 0) break;
    const key = body.slice(i, eq);
    re.lastIndex = eq;
    const m = re.exec(body);
    const stop = m ? m.index : body.length;
    if (type === 'EXECVE' || !key.includes(' ')) out.set(key, body.slice(eq + 1, stop));
    i = stop + 1;
  }
}

/** Decodes the kernel's hex encoding of a value (used when it holds spaces, quotes or control bytes). */
export function decodeHex(s: string): string | null {
  if (s.length === 0 || s.length % 2 !== 0) return null;
  // Buffer's hex decoder stops at the first pair that is not hex: a short result is the validation.
  const b = Buffer.from(s, 'hex');
  return b.length * 2 === s.length ? b.toString('utf8') : null;
}

/** The value of a field that the kernel may hex-encode: quoted -> as is, bare hex -> decoded, else as is. */
export function fieldText(rec: AuditRecord, key: string): string | undefined {
  const v = rec.get(key);
  if (v === undefined) return undefined;
  if (rec.interpreted || rec.lastQuoted) return v;
  if (v === '(null)' || v === '?') return v;
  return decodeHex(v) ?? v;
}
