// The scalar function table. Each entry checks its arity at compile time and returns a closure; lookups
// (LOGSOURCETYPENAME, LOGSOURCENAME, QIDNAME, CATEGORYNAME, REFERENCESETCONTAINS) read the property
// profile, never a table in this file. Aggregates are listed here for the catalog; compile.ts runs them.
import type { Call } from './ast.js';
import type { PropertyProfile } from '../model/profile.js';
import { formatDate, parseDatePattern, DatePatternError } from './dateformat.js';
import { parseRelative, TimeValueError } from './time.js';
import { toNumber, toText, type Fn } from './values.js';

/** What a function implementation may use when it is compiled. */
export interface FnContext {
  profile: PropertyProfile;
  now: number;
  timeZone: string;
  /** Literal value of argument i, or undefined when it is not a literal. */
  literal(i: number): unknown;
  /** A located error at argument i (or the call when i < 0), to throw at argument i (or the call when i < 0). */
  fail(i: number, code: string, message: string, fix?: string): Error;
}

export interface FnSpec {
  min: number;
  max: number;
  /** Result depends only on the arguments (and the profile/now, fixed per compilation): fold when literal. */
  pure: boolean;
  aggregate?: boolean;
  make?(args: Fn[], ctx: FnContext, node: Call): Fn;
}

const unary = (f: (v: unknown) => unknown): FnSpec['make'] => (args) => {
  const a = args[0];
  return (e, g) => {
    const v = a(e, g);
    return v == null ? null : f(v);
  };
};

const lookup = (table: (p: PropertyProfile) => Record<number, string> | undefined): FnSpec['make'] => (args, ctx) => {
  const t = table(ctx.profile) ?? {};
  const a = args[0];
  return (e, g) => {
    const v = a(e, g);
    if (v == null) return null;
    return t[toNumber(v)] ?? null;
  };
};

function ipv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return null;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return null;
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

export const FUNCTIONS: Record<string, FnSpec> = {
  LOWER: { min: 1, max: 1, pure: true, make: unary((v) => toText(v).toLowerCase()) },
  UPPER: { min: 1, max: 1, pure: true, make: unary((v) => toText(v).toUpperCase()) },
  STR: { min: 1, max: 1, pure: true, make: unary(toText) },
  UTF8: { min: 1, max: 1, pure: true, make: unary(toText) },
  BASE64: { min: 1, max: 1, pure: true, make: unary((v) => Buffer.from(toText(v), 'utf8').toString('base64')) },
  LONG: { min: 1, max: 1, pure: true, make: unary((v) => { const n = toNumber(v); return Number.isNaN(n) ? null : Math.trunc(n); }) },
  DOUBLE: { min: 1, max: 1, pure: true, make: unary((v) => { const n = toNumber(v); return Number.isNaN(n) ? null : n; }) },
  CONCAT: {
    min: 1, max: 64, pure: true,
    // NULL arguments contribute nothing ([U]: QRadar's handling is undocumented).
    make: (args) => (e, g) => { let s = ''; for (const a of args) { const v = a(e, g); if (v != null) s += toText(v); } return s; },
  },
  NOW: { min: 0, max: 0, pure: true, make: (_a, ctx) => () => ctx.now },
  PARSEDATETIME: {
    min: 1, max: 1, pure: true,
    make: (args, ctx) => {
      const lit = ctx.literal(0);
      if (typeof lit === 'string') {
        let ms: number;
        try { ms = parseRelative(lit, ctx.now); } catch (err) { throw ctx.fail(0, 'HARNESS_AQL_BAD_TIME', (err as TimeValueError).message); }
        return () => ms;
      }
      return (e, g) => { const v = args[0](e, g); try { return v == null ? null : parseRelative(toText(v), ctx.now); } catch { return null; } };
    },
  },
  DATEFORMAT: {
    min: 2, max: 2, pure: true,
    make: (args, ctx) => {
      const lit = ctx.literal(1);
      if (typeof lit !== 'string') throw ctx.fail(1, 'HARNESS_AQL_BAD_DATEFORMAT', 'DATEFORMAT needs a literal pattern string', "write e.g. DATEFORMAT(starttime, 'yyyy-MM-dd HH:mm:ss')");
      let parts: ReturnType<typeof parseDatePattern>;
      try { parts = parseDatePattern(lit); } catch (err) {
        throw ctx.fail(1, 'HARNESS_AQL_BAD_DATEFORMAT', `${(err as DatePatternError).message} in DATEFORMAT pattern '${lit}'`, "use Java SimpleDateFormat letters (yyyy MM dd HH mm ss SSS); quote literal text in '...'");
      }
      const zone = ctx.timeZone;
      const a = args[0];
      return (e, g) => { const v = toNumber(a(e, g)); return Number.isNaN(v) ? null : formatDate(v, parts, zone); };
    },
  },
  LOGSOURCETYPENAME: { min: 1, max: 1, pure: true, make: lookup((p) => p.deviceTypes) },
  QIDNAME: { min: 1, max: 1, pure: true, make: lookup((p) => p.qids) },
  CATEGORYNAME: { min: 1, max: 1, pure: true, make: lookup((p) => p.categories) },
  LOGSOURCENAME: {
    min: 1, max: 1, pure: false,
    // The event's own name wins when it names this log source (events carry it); else the profile table.
    make: (args, ctx) => {
      const t = ctx.profile.logSources ?? {};
      const a = args[0];
      return (e, g) => {
        const v = a(e, g);
        if (v == null) return null;
        const id = toNumber(v);
        if (e && e.logsourceid === id && e.logsourcename) return e.logsourcename;
        return t[id] ?? null;
      };
    },
  },
  REFERENCESETCONTAINS: {
    min: 2, max: 2, pure: true,
    make: (args, ctx) => {
      const name = ctx.literal(0);
      if (typeof name !== 'string') throw ctx.fail(0, 'HARNESS_AQL_BAD_ARGUMENT', 'REFERENCESETCONTAINS needs the reference set name as a string literal');
      const sets = ctx.profile.referenceSets ?? {};
      if (!(name in sets)) {
        const known = Object.keys(sets);
        throw ctx.fail(0, 'HARNESS_AQL_UNKNOWN_REFERENCE_SET', `Unknown reference set '${name}'.${known.length ? ` Known: ${known.map((k) => `'${k}'`).join(', ')}.` : ''}`, 'define it under referenceSets in the property profile');
      }
      const set = new Set(sets[name].map(String));
      const a = args[1];
      return (e, g) => { const v = a(e, g); return v == null ? null : set.has(toText(v)); };
    },
  },
  INCIDR: {
    min: 2, max: 2, pure: true,
    make: (args, ctx) => {
      const cidr = ctx.literal(0);
      const m = typeof cidr === 'string' ? /^([\d.]+)\/(\d{1,2})$/.exec(cidr.trim()) : null;
      const base = m ? ipv4(m[1]) : null;
      if (!m || base === null || Number(m[2]) > 32) throw ctx.fail(0, 'HARNESS_AQL_BAD_ARGUMENT', `INCIDR needs an IPv4 CIDR string literal such as '10.0.0.0/8', found ${String(cidr)}`);
      const bits = Number(m[2]);
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      const net = (base & mask) >>> 0;
      const a = args[1];
      return (e, g) => { const v = a(e, g); if (v == null) return null; const ip = ipv4(toText(v)); return ip === null ? false : ((ip & mask) >>> 0) === net; };
    },
  },
  COUNT: { min: 1, max: 1, pure: false, aggregate: true },
  SUM: { min: 1, max: 1, pure: false, aggregate: true },
  MIN: { min: 1, max: 1, pure: false, aggregate: true },
  MAX: { min: 1, max: 1, pure: false, aggregate: true },
  AVG: { min: 1, max: 1, pure: false, aggregate: true },
};
