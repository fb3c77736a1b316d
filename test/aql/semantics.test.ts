import { expect } from 'chai';
import { compileAql, type AqlEnv } from '../../harness/aql/index.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import { ev, PROFILE } from './helpers.js';

const NOW = Date.parse('2026-11-22T06:00:00Z');
const env: AqlEnv = { profile: PROFILE, now: NOW };
const rows = (q: string, events: NormalizedEvent[], e: Partial<AqlEnv> = {}) => compileAql(q, { ...env, ...e }).run(events);
const hit = (where: string, event: NormalizedEvent, e: Partial<AqlEnv> = {}) => compileAql(`SELECT username FROM events WHERE ${where}`, { ...env, ...e }).matches(event);
const one = (expr: string, event: NormalizedEvent = ev({})) => rows(`SELECT ${expr} AS v FROM events`, [event])[0].v;

const img = ev({ Image: 'C:\\Windows\\System32\\certutil.exe', TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Root\\Certificates\\AB12\\Blob', EventID: 13 });

describe('AQL semantics (QRadar rules, reference section 2)', () => {
  describe('backslashes and LIKE', () => {
    it('treats a backslash as an ordinary character: one in the pattern matches one in the value', () => {
      expect(hit(`"TargetObject" ILIKE '%\\SOFTWARE\\Microsoft\\SystemCertificates\\Root\\Certificates%'`, img)).to.equal(true);
    });
    it('so a doubled backslash matches only two backslashes in a row, as on a real console', () => {
      expect(hit(`"TargetObject" ILIKE '%\\\\SOFTWARE\\\\Microsoft%'`, img)).to.equal(false);
      expect(hit(`"TargetObject" LIKE '%\\\\host%'`, ev({ TargetObject: '\\\\host\\share' }))).to.equal(true);
    });
    it('is case-sensitive for LIKE and case-insensitive for ILIKE', () => {
      expect(hit(`"Image" LIKE '%CERTUTIL.EXE'`, img)).to.equal(false);
      expect(hit(`"Image" ILIKE '%CERTUTIL.EXE'`, img)).to.equal(true);
    });
    it('matches the whole value with % and _ anywhere', () => {
      expect(hit(`"Image" LIKE 'certutil.exe'`, img)).to.equal(false);
      expect(hit(`"Image" LIKE 'C:\\Windows\\System__\\%.exe'`, img)).to.equal(true);
      expect(hit(`"Image" LIKE 'C:%32%cert_til.exe'`, img)).to.equal(true);
      expect(hit(`"Image" LIKE 'C:%32%cert_l.exe'`, img)).to.equal(false);
    });
    it('treats regex metacharacters in LIKE patterns literally', () => {
      expect(hit(`"Image" LIKE '%(x)[y].*'`, ev({ Image: 'a(x)[y].*' }))).to.equal(true);
      expect(hit(`"Image" LIKE '%(x)[y].*'`, ev({ Image: 'a(x)[y]xx' }))).to.equal(false);
    });
    it('inverts with NOT LIKE / NOT ILIKE', () => {
      expect(hit(`"Image" NOT ILIKE '%\\svchost.exe'`, img)).to.equal(true);
      expect(hit(`"Image" NOT ILIKE '%\\CERTUTIL.exe'`, img)).to.equal(false);
    });
  });

  describe('MATCHES', () => {
    it('is a full match by default, a find with matches: find', () => {
      expect(hit(`"Image" MATCHES 'certutil'`, img)).to.equal(false);
      expect(hit(`"Image" MATCHES '.*certutil\\.exe'`, img)).to.equal(true);
      expect(hit(`"Image" MATCHES 'certutil'`, img, { matches: 'find' })).to.equal(true);
    });
    it('supports a leading (?i) and IMATCHES, and NOT MATCHES', () => {
      expect(hit(`"Image" MATCHES '(?i).*CERTUTIL\\.EXE'`, img)).to.equal(true);
      expect(hit(`"Image" MATCHES '.*CERTUTIL\\.EXE'`, img)).to.equal(false);
      expect(hit(`"Image" IMATCHES '.*CERTUTIL\\.EXE'`, img)).to.equal(true);
      expect(hit(`"Image" NOT IMATCHES '.*CERTUTIL\\.EXE'`, img)).to.equal(false);
    });
    it('passes backslashes to the regex engine: \\\\ is one literal backslash there', () => {
      expect(hit(`"Image" MATCHES 'C:\\\\Windows\\\\.*'`, img)).to.equal(true);
    });
  });

  describe('NULL (three-valued logic)', () => {
    const noImage = ev({ EventID: 1 });
    it('excludes a row whose comparison is unknown, also under NOT', () => {
      expect(hit(`"Image" LIKE '%x%'`, noImage)).to.equal(false);
      expect(hit(`"Image" NOT LIKE '%x%'`, noImage)).to.equal(false);
      expect(hit(`NOT ("Image" LIKE '%x%')`, noImage)).to.equal(false);
      expect(hit(`"Image" != 'x'`, noImage)).to.equal(false);
      expect(hit(`"Image" NOT IN ('x')`, noImage)).to.equal(false);
      expect(hit(`NOT ("Image" = 'x')`, noImage)).to.equal(false);
    });
    it('lets OR and AND decide when the known side decides', () => {
      expect(hit(`"Image" LIKE '%x%' OR "EventID" = 1`, noImage)).to.equal(true);
      expect(hit(`"Image" LIKE '%x%' AND "EventID" = 2`, noImage)).to.equal(false);
      expect(hit(`NOT ("Image" LIKE '%x%' AND "EventID" = 2)`, noImage)).to.equal(true);
    });
    it('tests NULL with IS NULL / IS NOT NULL (a missing property and a missing built-in are NULL)', () => {
      expect(hit(`"Image" IS NULL`, noImage)).to.equal(true);
      expect(hit(`"Image" IS NOT NULL`, noImage)).to.equal(false);
      expect(hit(`qid IS NULL`, noImage)).to.equal(true);
      expect(hit(`"Image" IS NOT NULL`, img)).to.equal(true);
    });
    it('keeps three-valued logic when alternatives on one operand are merged (x LIKE a OR x LIKE b, x NOT LIKE a AND x NOT LIKE b)', () => {
      expect(hit(`"Image" LIKE '%x%' OR "Image" LIKE '%y%'`, noImage)).to.equal(false);
      expect(hit(`NOT ("Image" LIKE 'a%' OR "Image" LIKE 'b%')`, noImage)).to.equal(false);
      expect(hit(`"Image" LIKE '%x%' OR "Image" LIKE '%y%' OR "EventID" = 1`, noImage)).to.equal(true);
      expect(hit(`"Image" NOT ILIKE '%A%' AND "Image" NOT ILIKE '%B%'`, noImage)).to.equal(false);
      expect(hit(`"Image" NOT ILIKE '%A%' AND "Image" NOT ILIKE '%B%'`, ev({ Image: 'c' }))).to.equal(true);
      expect(hit(`"Image" NOT ILIKE '%A%' AND "Image" NOT ILIKE '%B%'`, ev({ Image: 'xb' }))).to.equal(false);
      expect(hit(`"Image" ILIKE '%A%' OR "Image" ILIKE '%B%'`, ev({ Image: 'xb' }))).to.equal(true);
      expect(hit(`"Image" LIKE '%A%' OR "Image" LIKE '%B%'`, ev({ Image: 'xb' }))).to.equal(false);
    });
    it('gives NULL for NOT IN when no item matches and the list holds a NULL', () => {
      expect(hit(`"EventID" NOT IN (2, NULL)`, img)).to.equal(false);
      expect(hit(`"EventID" IN (13, NULL)`, img)).to.equal(true);
    });
  });

  describe('numbers and strings', () => {
    it('compares numerically when both sides are numeric: "EventID" IN (\'12\',\'13\') matches 13', () => {
      expect(hit(`"EventID" IN ('12', '13')`, img)).to.equal(true);
      expect(hit(`"EventID" = '13'`, img)).to.equal(true);
      expect(hit(`"EventID" = '013'`, img)).to.equal(true);
      expect(hit(`"EventID" = 13.0`, img)).to.equal(true);
      expect(hit(`"EventID" IN ('12', '14')`, img)).to.equal(false);
      expect(hit(`"EventID" = '13'`, ev({ EventID: '13' }))).to.equal(true);
    });
    it('compares strings exactly and case-sensitively with =, and orders them by code unit', () => {
      expect(hit(`username = 'alice'`, ev({}))).to.equal(true);
      expect(hit(`username = 'Alice'`, ev({}))).to.equal(false);
      expect(hit(`username < 'bob' AND username > 'Alice'`, ev({}))).to.equal(true);
    });
    it('orders numbers numerically (9 < 10), not as text', () => {
      expect(hit(`"EventID" < '10'`, ev({ EventID: 9 }))).to.equal(true);
      expect(hit(`"EventID" BETWEEN 9 AND 13`, img)).to.equal(true);
      expect(hit(`"EventID" NOT BETWEEN 9 AND 13`, img)).to.equal(false);
    });
    it('does arithmetic with NULL propagation and constant folding', () => {
      expect(one('(1 + 2) * 3 - 4 / 2')).to.equal(7);
      expect(one('7 % 4')).to.equal(3);
      expect(one('qid + 1')).to.equal(null);
      expect(one('-magnitude', ev({}, { magnitude: 5 }))).to.equal(-5);
      expect(one('1 / 0')).to.equal(null);
    });
  });

  describe('fields', () => {
    it('resolves built-ins case-insensitively and quoted properties exactly', () => {
      expect(one('sourceIP', ev({}))).to.equal('10.0.0.5');
      expect(one('"Process Path"', ev({ 'Process Path': 'C:\\a.exe' }))).to.equal('C:\\a.exe');
      expect(one('Image', ev({ Image: 'x' }))).to.equal('x');
      expect(one('image', ev({ Image: 'x' }))).to.equal('x');
    });
    it('reads a quoted built-in name from the event when no property has that name', () => {
      expect(one('"devicetype"', ev({}))).to.equal(12);
      expect(one('sourceaddress', ev({}))).to.equal('10.0.0.5');
    });
  });

  describe('functions', () => {
    const e = ev({ Image: 'C:\\X.exe' }, { qid: 5000001, category: 8052 });
    it('LOWER, UPPER, STR, LONG, DOUBLE, CONCAT, UTF8, BASE64', () => {
      expect(one('LOWER("Image")', e)).to.equal('c:\\x.exe');
      expect(one('UPPER(username)', e)).to.equal('ALICE');
      expect(one('STR(devicetype)', e)).to.equal('12');
      expect(one(`LONG('42.9')`, e)).to.equal(42);
      expect(one(`DOUBLE('4.5')`, e)).to.equal(4.5);
      expect(one(`LONG('abc')`, e)).to.equal(null);
      expect(one(`CONCAT(username, '@', devicetype)`, e)).to.equal('alice@12');
      expect(one(`CONCAT(username, qid, '!')`, e)).to.equal('alice5000001!');
      expect(one('UTF8(payload)', e)).to.equal('EventID=1');
      expect(one(`BASE64('hi')`, e)).to.equal('aGk=');
    });
    it('looks up names in the profile: LOGSOURCETYPENAME, LOGSOURCENAME, QIDNAME, CATEGORYNAME', () => {
      expect(one('LOGSOURCETYPENAME(devicetype)', e)).to.equal('Microsoft Windows Security Event Log');
      expect(one('LOGSOURCETYPENAME(devicetype)', ev({}, { devicetype: 99 }))).to.equal(null);
      expect(one('LOGSOURCENAME(logsourceid)', e)).to.equal('WIN-WS01 @ 10.0.0.5');
      expect(one('LOGSOURCENAME(logsourceid)', ev({}, { logsourcename: '', logsourceid: 7 }))).to.equal('WIN-WS01 @ 10.0.0.5');
      expect(one('QIDNAME(qid)', e)).to.equal('Registry value set');
      expect(one('CATEGORYNAME(category)', e)).to.equal('Registry modified');
    });
    it('uses a different profile table when the profile says so (nothing hard-coded)', () => {
      const p = { ...PROFILE, deviceTypes: { 12: 'Microsoft Windows Sysmon' } };
      expect(one('LOGSOURCETYPENAME(devicetype)', e)).to.not.equal('Microsoft Windows Sysmon');
      expect(compileAql(`SELECT LOGSOURCETYPENAME(devicetype) AS v FROM events`, { profile: p, now: NOW }).run([e])[0].v).to.equal('Microsoft Windows Sysmon');
    });
    it('REFERENCESETCONTAINS and INCIDR', () => {
      expect(hit(`REFERENCESETCONTAINS('Admin Users', username)`, ev({}, { username: 'root' }))).to.equal(true);
      expect(hit(`REFERENCESETCONTAINS('Admin Users', username)`, e)).to.equal(false);
      expect(hit(`INCIDR('10.0.0.0/8', sourceip)`, e)).to.equal(true);
      expect(hit(`INCIDR('10.0.1.0/24', sourceip)`, e)).to.equal(false);
      expect(hit(`NOT INCIDR('192.168.0.0/16', sourceip)`, e)).to.equal(true);
    });
    it('NOW and PARSEDATETIME use the injected clock; interval arithmetic evaluates as ms', () => {
      expect(one('NOW()')).to.equal(NOW);
      expect(one(`PARSEDATETIME('1 hour ago')`)).to.equal(NOW - 3_600_000);
      expect(one('NOW() - 1 DAYS')).to.equal(NOW - 86_400_000);
      expect(hit('devicetime > NOW() - 1 DAYS', ev({}, { devicetime: NOW - 3_600_000 }))).to.equal(true);
      expect(hit('devicetime > NOW() - 1 DAYS', ev({}, { devicetime: NOW - 2 * 86_400_000 }))).to.equal(false);
    });
  });

  describe('CASE and IF', () => {
    it('simple CASE compares the operand, searched CASE tests conditions in order, ELSE otherwise', () => {
      expect(one(`CASE username WHEN 'root' THEN 'Admin root' WHEN 'alice' THEN 'user' ELSE 'other' END`)).to.equal('user');
      expect(one(`CASE WHEN username LIKE 'a%' THEN 'first' WHEN username LIKE '%e' THEN 'second' ELSE 'none' END`)).to.equal('first');
      expect(one(`CASE WHEN username LIKE 'z%' THEN 'first' END`)).to.equal(null);
      expect(one(`CASE WHEN qid = 1 THEN 'null never true' ELSE 'else' END`)).to.equal('else');
    });
    it('IF cond THEN a ELSE b', () => {
      expect(one(`IF username = 'root' THEN 'ADMIN' ELSE username`)).to.equal('alice');
      expect(one(`IF username = 'alice' THEN 'ADMIN' ELSE username`)).to.equal('ADMIN');
    });
  });

  describe('GROUP BY, HAVING, ORDER BY, LIMIT and result keys', () => {
    const evs = [ev({ Image: 'a' }, { username: 'u1', magnitude: 3 }), ev({ Image: 'b' }, { username: 'u2', magnitude: 5 }), ev({ Image: 'c' }, { username: 'u1', magnitude: 7 }), ev({}, { username: 'u3', magnitude: null })];
    it('aggregates COUNT/SUM/MIN/MAX/AVG per group and filters groups with HAVING', () => {
      const r = rows(`SELECT username, COUNT(*) AS n, COUNT("Image") AS ni, SUM(magnitude) AS s, MIN(magnitude) AS lo, MAX("Image") AS hi, AVG(magnitude) AS avg FROM events GROUP BY username HAVING n >= 1 ORDER BY username`, evs);
      expect(r).to.deep.equal([
        { username: 'u1', n: 2, ni: 2, s: 10, lo: 3, hi: 'c', avg: 5 },
        { username: 'u2', n: 1, ni: 1, s: 5, lo: 5, hi: 'b', avg: 5 },
        { username: 'u3', n: 1, ni: 0, s: null, lo: null, hi: null, avg: null },
      ]);
      expect(rows(`SELECT username, COUNT(*) AS n FROM events GROUP BY username HAVING COUNT(*) > 1`, evs)).to.deep.equal([{ username: 'u1', n: 2 }]);
    });
    it('aggregates without GROUP BY over all matching rows', () => {
      expect(rows(`SELECT COUNT(*) AS n, MAX(magnitude) AS m FROM events WHERE magnitude > 3`, evs)).to.deep.equal([{ n: 2, m: 7 }]);
    });
    it('orders by alias or expression, DESC, NULL first ascending, and applies LIMIT after ORDER BY', () => {
      expect(rows(`SELECT magnitude AS m FROM events ORDER BY m DESC LIMIT 2`, evs).map((x) => x.m)).to.deep.equal([7, 5]);
      expect(rows(`SELECT magnitude FROM events ORDER BY magnitude`, evs).map((x) => x.magnitude)).to.deep.equal([null, 3, 5, 7]);
      expect(rows(`SELECT magnitude FROM events LIMIT 1`, evs)).to.deep.equal([{ magnitude: 3 }]);
    });
    it('names unaliased columns as reference 1.4 says: text as written, fn_arg for functions', () => {
      const c = compileAql(`SELECT sourceIP, "Process Path", QIDNAME(qid), LOGSOURCENAME(logsourceid), LOGSOURCETYPENAME(devicetype), CATEGORYNAME(category), qid + 1 FROM events`, env);
      expect(c.columns).to.deep.equal(['sourceIP', 'Process Path', 'qidname_qid', 'logsourcename_logsourceid', 'logsourcetypename_devicetype', 'categoryname_category', 'qid + 1']);
    });
    it('SELECT * returns the built-in fields the event has and its properties', () => {
      const r = rows(`SELECT * FROM events`, [ev({ Image: 'x' })])[0];
      expect(r).to.include({ starttime: 1_700_000_000_000, devicetype: 12, sourceip: '10.0.0.5', username: 'alice', Image: 'x' });
      expect(r).to.not.have.property('origin');
    });
    it('runWithSources gives the indexes of the events behind each row', () => {
      const c = compileAql(`SELECT username, COUNT(*) AS n FROM events GROUP BY username ORDER BY n DESC`, env);
      expect(c.runWithSources(evs)[0]).to.deep.equal({ row: { username: 'u1', n: 2 }, sources: [0, 2] });
      const c2 = compileAql(`SELECT "Image" FROM events WHERE "Image" IS NOT NULL ORDER BY "Image" DESC`, env);
      expect(c2.runWithSources(evs).map((r) => r.sources)).to.deep.equal([[2], [1], [0]]);
    });
    it('keys rows by table: FROM flows', () => {
      expect(compileAql('SELECT sourceip FROM flows', env).table).to.equal('flows');
    });
  });
});
