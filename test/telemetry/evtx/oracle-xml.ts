// Test-local reader for the python-evtx renderings (`*.evtx.python-evtx.xml`) beside the dataset EVTX
// files, and for our own XML rendering: a minimal XML element reader (no DTD, no namespaces) that keeps
// text exactly (python-evtx writes "\n" after each end tag, which only lands in container elements).

export interface OElement {
  name: string;
  attrs: Record<string, string>;
  children: OElement[];
  text: string; // direct text content, entities decoded
}

function decode(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e];
  });
}

// Parses every top-level <Event> element of an XML text (the <?xml?> prolog and <Events> wrapper are skipped).
export function readEvents(xml: string): OElement[] {
  const events: OElement[] = [];
  const stack: OElement[] = [];
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+="[^"]*")*)\s*(\/?)>|<\?[^>]*\?>|<!\[CDATA\[([\s\S]*?)\]\]>/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(xml))) {
    const between = xml.slice(last, m.index);
    if (stack.length) stack[stack.length - 1].text += decode(between);
    last = tag.lastIndex;
    if (m[5] !== undefined) {
      if (stack.length) stack[stack.length - 1].text += m[5];
      continue;
    }
    if (!m[2]) continue; // processing instruction
    if (m[1]) {
      if (m[2] === 'Events' && stack.length === 0) continue;
      const el = stack.pop();
      if (!el || el.name !== m[2]) throw new Error(`oracle XML: unbalanced </${m[2]}> at ${m.index}`);
      if (el.name === 'Event' && stack.length === 0) events.push(el);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(/([\w.:-]+)="([^"]*)"/g)) attrs[a[1]] = decode(a[2]);
    const el: OElement = { name: m[2], attrs, children: [], text: '' };
    if (el.name === 'Events' && stack.length === 0) continue;
    if (stack.length) stack[stack.length - 1].children.push(el);
    if (m[4]) {
      if (el.name === 'Event' && stack.length === 0) events.push(el);
    } else stack.push(el);
  }
  return events;
}

// The child element called `name`, if any.
export function child(el: OElement | undefined, name: string): OElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** Every leaf value of an element tree as path -> value: attributes as path/@name, leaf text as path. */
export function leaves(el: OElement, path = el.name, out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(el.attrs)) out.set(`${path}/@${k}`, v);
  const seen = new Map<string, number>();
  for (const c of el.children) {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    const key = c.name === 'Data' && c.attrs.Name !== undefined ? `Data[${c.attrs.Name}]` : `${c.name}[${n}]`;
    leaves(c, `${path}/${key}`, out);
  }
  if (el.children.length === 0) out.set(path, el.text);
  return out;
}

// python-evtx writes SystemTime as "2021-11-02 14:15:23.676702" where we (like Windows) write
// "2021-11-02T14:15:23.6767020Z": times are compared as instants. python-evtx computes a FILETIME as
// float(ticks) * 1e-7 - 11644473600 (a double, ~2 us steps at today's dates) and rounds to microseconds,
// so `same` redoes exactly that arithmetic from our 100 ns value and demands equality.

// python-evtx drops these control characters from its output (Views.py RESTRICTED_CHARS after escaping).
const RESTRICTED = /[\x01-\x08\x0B\x0C\x0E-\x1F\x7F]/g;

// Microseconds since the epoch of a python-evtx or Windows time text, or null when it is not a time.
export function micros(s: string): number | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z?$/.exec(s);
  if (!m) return null;
  const frac = Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) * 1000 + frac;
}

// What python-evtx prints for the FILETIME our Windows-form text `s` stands for (null if `s` is not one).
export function pythonFiletime(s: string): string | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{7})Z$/.exec(s);
  if (!m) return null;
  const secs = BigInt(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000) + 11644473600n;
  const ticks = secs * 10_000_000n + BigInt(m[7]);
  const t = Number(ticks) * 1e-7 - 11644473600; // the same IEEE double operations as Python
  let whole = Math.floor(t);
  const f = (t - whole) * 1e6;
  let us = Math.round(f);
  if (Math.abs(f - Math.trunc(f) - 0.5) < 1e-9 && us % 2 === 1) us -= 1; // round half to even
  if (us === 1_000_000) {
    whole += 1;
    us = 0;
  }
  const iso = new Date(whole * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${us ? `.${String(us).padStart(6, '0')}` : ''}`;
}

// Our value equals python-evtx's text (times compared as python-evtx computes them).
export function same(ours: string | number | undefined, oracle: string | undefined): boolean {
  const a = ours === undefined ? '' : String(ours).replace(RESTRICTED, '');
  const b = oracle ?? '';
  if (a === b || pythonFiletime(a) === b) return true;
  // SYSTEMTIME values python-evtx builds directly (no float): the same instant to the microsecond.
  const ta = micros(a);
  return ta !== null && ta === micros(b);
}

