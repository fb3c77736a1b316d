// One audit record line -> its header (node, type, time, serial) and its key=value fields.
// Three shapes are read: raw audit.log (`type=T msg=audit(1700000000.123:42): k=v ...`, with the
// `format=enriched` tail after \x1d), `ausearch -i` interpreted text (`msg=audit(11/22/26 05:09:32.119:6335) : `,
// values unquoted and possibly holding spaces) and Microsoft AUOMS (`type=AUOMS_EXECVE audit(...): `).

/** One record. Fields are read lazily: most records of a large log are only grouped, never inspected. */
export class AuditRecord {
  private _fields?: Map<string, string>;
  private _quoted?: Set<string>;
  private _enriched?: Map<string, string>;
  constructor(
    readonly type: string,
    readonly node: string | undefined,
    /** `1604994496.155:42` (or the interpreted form), plus `node|` in front when the line names a node: the grouping key. */
    readonly key: string,
    /** epoch ms */
    readonly time: number,
    readonly serial: number,
    /** The field text after the header, without the enriched tail. */
    readonly body: string,
    /** The `format=enriched` interpreted tail (AUID="root" UID="root" ...), after \x1d. */
    readonly tail: string | undefined,
    readonly interpreted: boolean,
    readonly raw: string,
  ) {}

  /** `1604994496.155` (raw) or the interpreted date text (ausearch -i). */
  get timeRaw(): string {
    const k = this.key;
    return k.slice(k.indexOf('|') + 1, k.lastIndexOf(':'));
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

  /** The enriched tail's fields (upper-case names), if the log is format=enriched. */
  get enriched(): Map<string, string> | undefined {
    if (this.tail === undefined) return undefined;
    if (!this._enriched) tokenize(this.tail, (this._enriched = new Map()), new Set());
    return this._enriched;
  }

  /** Whether the value last returned by get() was double-quoted in the log. */
  lastQuoted = false;

  /** One field's value as written (quotes removed); sets lastQuoted. A direct scan, no full tokenizing. */
  get(key: string): string | undefined {
    if (this._fields || this.interpreted || this.body.indexOf("'") >= 0) {
      const v = this.fields.get(key);
      this.lastQuoted = v !== undefined && this._quoted!.has(key);
      return v;
    }
    const b = this.body;
    let i: number;
    if (b.startsWith(key) && b.charCodeAt(key.length) === 61) i = 0;
    else {
      let needle = NEEDLES.get(key);
      if (needle === undefined) NEEDLES.set(key, (needle = ` ${key}=`));
      i = b.indexOf(needle);
      if (i < 0) return undefined;
      i++;
    }
    const j = i + key.length + 1;
    const c = b.charCodeAt(j);
    if (c === 34) {
      const e = b.indexOf('"', j + 1);
      this.lastQuoted = true;
      return b.slice(j + 1, e < 0 ? b.length : e);
    }
    this.lastQuoted = false;
    if (c === 123) return this.fields.get(key);
    const e = b.indexOf(' ', j);
    return b.slice(j, e < 0 ? b.length : e);
  }
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
  const type = line.slice(p + 5, tEnd);
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
  let text = line.slice(body);
  let tail: string | undefined;
  const gs = text.indexOf('\x1d');
  if (gs >= 0) {
    tail = text.slice(gs + 1);
    text = text.slice(0, gs);
  }
  const stamp = line.slice(s0, close);
  return new AuditRecord(type, node, node === undefined ? stamp : `${node}|${stamp}`, time, serial, text, tail, interpreted, line);
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
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return null;
  }
  return Buffer.from(s, 'hex').toString('utf8');
}

/** The value of a field that the kernel may hex-encode: quoted -> as is, bare hex -> decoded, else as is. */
export function fieldText(rec: AuditRecord, key: string): string | undefined {
  const v = rec.get(key);
  if (v === undefined) return undefined;
  if (rec.interpreted || rec.lastQuoted) return v;
  if (v === '(null)' || v === '?') return v;
  return decodeHex(v) ?? v;
}
