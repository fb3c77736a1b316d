import { expect } from 'chai';
import { lintAql } from '../../harness/aql/index.js';
import { formatDiagnostic } from '../../harness/errors.js';
import { PROFILE, SEED1, SEED2 } from './helpers.js';
import { datasetsPresent, requireOrSkip } from '../helpers/env.js';

const lint = (q: string) => lintAql(q, { profile: PROFILE, now: 0 }, { file: 'r.aql' });
const codes = (q: string) => lint(q).map((d) => `${d.location.line}:${d.location.column} ${d.severity} ${d.code}`);
const T = ' LAST 1 HOURS';

describe('AQL lint: every finding with line:column, severity and code', () => {
  it('a clean query has no findings', () => {
    expect(lint(`SELECT "Image" AS i FROM events WHERE devicetype = 12 AND "Image" ILIKE '%\\certutil.exe' LIMIT 10${T}`)).to.deep.equal([]);
  });
  it('doubled backslashes in LIKE/ILIKE patterns, at the first \\\\, with the corrected pattern', () => {
    const d = lint(`SELECT "Image" FROM events WHERE "Image" ILIKE '%\\\\Windows\\\\x.exe'${T}`);
    expect(d).to.have.length(1);
    expect(formatDiagnostic(d[0])).to.equal(`r.aql:1:50: warning: ILIKE pattern '%\\\\Windows\\\\x.exe' contains "\\\\": in AQL a backslash is an ordinary character, so this matches two backslashes in a row, which Windows paths never contain; the predicate will not match real events. [HARNESS_AQL_LINT_DOUBLE_BACKSLASH]\n  fix: write '%\\Windows\\x.exe'`);
  });
  it('but not a leading UNC \\\\host, nor a MATCHES regex', () => {
    expect(lint(`SELECT payload FROM events WHERE UTF8(payload) LIKE '%\\\\127.0.0.1\\ADMIN$\\__%'${T}`)).to.deep.equal([]);
    expect(lint(`SELECT payload FROM events WHERE UTF8(payload) MATCHES '.*C:\\\\Windows.*'${T}`)).to.deep.equal([]);
  });
  it('YYYY in DATEFORMAT (week-year), pointing at the Y', () => {
    const d = lint(`SELECT DATEFORMAT(starttime, 'dd/MM/YYYY') AS t FROM events${T}`);
    expect(d.map((x) => [x.code, x.location.column, x.fix])).to.deep.equal([['HARNESS_AQL_LINT_WEEK_YEAR', 37, "use \"yyyy\": 'dd/MM/yyyy'"]]);
    expect(d[0].message).to.equal(`DATEFORMAT pattern 'dd/MM/YYYY' uses "Y", the week-year in Java SimpleDateFormat: in the last days of December it prints the next year (2024-12-29 -> 2025-12-29).`);
    expect(lint(`SELECT DATEFORMAT(starttime, 'yyyy ''YYYY''') AS t FROM events${T}`)).to.deep.equal([]);
  });
  it('unknown fields and functions are errors, all of them listed', () => {
    expect(codes(`SELECT foo(x) AS a FROM events WHERE LOGSOURCETIME > 0 AND "Nope" = 1${T}`)).to.deep.equal([
      '1:8 error HARNESS_AQL_UNKNOWN_FUNCTION', '1:38 error HARNESS_AQL_UNKNOWN_FIELD', '1:60 error HARNESS_AQL_UNKNOWN_FIELD',
    ]);
  });
  it('a LOGSOURCETYPENAME filter that matches no DSM of the profile', () => {
    const d = lint(`SELECT "Image" FROM events WHERE LOGSOURCETYPENAME(devicetype) = 'Sysmon'${T}`);
    expect(d.map((x) => `${x.location.column} ${x.code}`)).to.deep.equal(['34 HARNESS_AQL_LINT_NO_DSM']);
    expect(d[0].message).to.match(/^LOGSOURCETYPENAME\(devicetype\) = 'Sysmon' matches no log source type in profile 'stock-inline' \('Linux OS', 'Microsoft Windows Security Event Log'\)/);
    expect(lint(`SELECT "Image" FROM events WHERE LOGSOURCETYPENAME(devicetype) ILIKE '%windows%'${T}`)).to.deep.equal([]);
    expect(lint(`SELECT "Image" FROM events WHERE LOGSOURCETYPENAME(devicetype) IN ('Linux OS')${T}`)).to.deep.equal([]);
  });
  it('a time predicate that repeats the time clause', () => {
    expect(codes(`SELECT "Image" FROM events WHERE starttime > NOW() - 3600000 LAST 1 HOURS`)).to.deep.equal(['1:34 warning HARNESS_AQL_LINT_TIME_PREDICATE']);
    expect(lint(`SELECT "Image" FROM events WHERE starttime > NOW() - 3600000 LAST 1 HOURS`)[0].message).to.equal('The time predicate "starttime > NOW() - 3600000" repeats the time clause "LAST 1 HOURS".');
    expect(lint(`SELECT "Image" FROM events WHERE starttime > 5${T}`)).to.deep.equal([]);
  });
  it('LIMIT after the time clause is an error; a missing time clause a warning', () => {
    expect(codes(`SELECT "Image" FROM events LAST 1 HOURS LIMIT 5`)).to.deep.equal(['1:41 error HARNESS_AQL_LIMIT_AFTER_TIME']);
    expect(lint(`SELECT "Image" FROM events LAST 1 HOURS LIMIT 5`)[0]).to.deep.include({ message: 'LIMIT comes after the time clause; QRadar expects LIMIT before it.', fix: 'move "LIMIT 5" in front of the time clause' });
    expect(codes(`SELECT "Image" FROM events`)).to.deep.equal(['1:27 warning HARNESS_AQL_LINT_NO_TIME_CLAUSE']);
    expect(lint(`SELECT "Image" FROM events`)[0].message).to.equal('No time clause: QRadar then searches only the last 60 seconds (API) or 5 minutes (AQL guide).');
  });
  it('undocumented constructs: searched CASE, interval arithmetic, LAST n SECONDS', () => {
    expect(codes(`SELECT CASE WHEN qid = 1 THEN 'x' END AS c FROM events WHERE devicetime > NOW() - 1 DAYS LAST 30 SECONDS`)).to.deep.equal([
      '1:8 warning HARNESS_AQL_LINT_UNDOCUMENTED', '1:62 warning HARNESS_AQL_LINT_TIME_PREDICATE', '1:83 warning HARNESS_AQL_LINT_UNDOCUMENTED', '1:90 warning HARNESS_AQL_LINT_UNDOCUMENTED',
    ]);
  });
  it('says what to confirm for each undocumented construct', () => {
    const d = lint(`SELECT CASE WHEN qid = 1 THEN 'x' END AS c FROM events WHERE devicetime > NOW() - 1 DAYS LAST 30 SECONDS`);
    expect(d.filter((x) => x.code === 'HARNESS_AQL_LINT_UNDOCUMENTED').map((x) => x.message)).to.deep.equal([
      "Searched CASE (CASE WHEN <condition> ...) is not shown in IBM's AQL documentation; confirm it on your console with POST /api/ariel/validators/aql before relying on it.",
      'Interval arithmetic "1 DAYS" is not documented AQL; confirm it on your console with POST /api/ariel/validators/aql before relying on it.',
      'LAST n SECONDS is not documented by IBM; confirm it on your console with POST /api/ariel/validators/aql before relying on it.',
    ]);
  });
  it('a CASE branch no row passing WHERE can reach, and the ELSE when WHERE forces a WHEN', () => {
    const q = `SELECT CASE username WHEN 'root' THEN 'admin' WHEN 'bob' THEN 'bob' ELSE 'other' END AS k FROM events WHERE username = 'root'${T}`;
    const d = lint(q);
    expect(d.map((x) => `${x.location.column} ${x.code}`)).to.deep.equal(['52 HARNESS_AQL_LINT_CASE_UNREACHABLE', '74 HARNESS_AQL_LINT_CASE_UNREACHABLE']);
    expect(d[0].message).to.equal(`CASE branch "WHEN ... THEN 'bob'" of k cannot be reached by any row that passes WHERE.`);
    expect(d[1].message).to.equal(`ELSE 'other' of k cannot be reached by any row that passes WHERE.`);
  });
  it('a searched CASE branch implied away by WHERE (substring implication of LIKE patterns)', () => {
    const q = `SELECT CASE WHEN "Image" NOT LIKE '%x%' THEN 'no x' ELSE 'x' END AS k FROM events WHERE "Image" LIKE '%axb%'${T}`;
    expect(codes(q)).to.deep.equal(['1:8 warning HARNESS_AQL_LINT_UNDOCUMENTED', '1:18 warning HARNESS_AQL_LINT_CASE_UNREACHABLE']);
  });
  it('a WHERE alternative whose rows only reach ELSE', () => {
    const q = `SELECT CASE WHEN LOWER("Image") LIKE '%certutil.exe%' THEN 'certutil' ELSE 'other' END AS k FROM events
WHERE LOWER("Image") LIKE '%certutil.exe%' OR LOWER("Image") LIKE '%certmgr.exe%'${T}`;
    const d = lint(q).filter((x) => x.code === 'HARNESS_AQL_LINT_ONLY_ELSE');
    expect(d.map((x) => `${x.location.line}:${x.location.column}`)).to.deep.equal(['2:47']);
    expect(d[0].message).to.equal(`Rows that pass WHERE only through "LOWER("Image") LIKE '%certmgr.exe%'" always get ELSE 'other' in k: no WHEN branch covers them.`);
  });
  it('a syntax error is the single finding', () => {
    expect(codes(`SELECT FROM events`)).to.deep.equal(['1:8 error HARNESS_AQL_SYNTAX']);
  });

  describe('on the two seed rules as published', function () {
    before(function () {
      requireOrSkip(this, datasetsPresent(), 'the shared datasets are not present');
    });
    it('seed 1: searched CASE, 6 doubled-backslash patterns, and the Sysmon DSM filter', () => {
      expect(codes(SEED1())).to.deep.equal([
        '6:3 warning HARNESS_AQL_LINT_UNDOCUMENTED', '7:37 warning HARNESS_AQL_LINT_DOUBLE_BACKSLASH', '8:35 warning HARNESS_AQL_LINT_DOUBLE_BACKSLASH',
        '16:7 warning HARNESS_AQL_LINT_NO_DSM', '19:28 warning HARNESS_AQL_LINT_DOUBLE_BACKSLASH', '20:31 warning HARNESS_AQL_LINT_DOUBLE_BACKSLASH',
        '21:31 warning HARNESS_AQL_LINT_DOUBLE_BACKSLASH', '22:31 warning HARNESS_AQL_LINT_DOUBLE_BACKSLASH',
      ]);
    });
    it('seed 2: YYYY, searched CASE x2, LOGSOURCETIME, the repeated time predicate, 1 DAYS, and certmgr.exe only reaching ELSE', () => {
      expect(codes(SEED2())).to.deep.equal([
        '2:24 warning HARNESS_AQL_LINT_WEEK_YEAR', '8:1 warning HARNESS_AQL_LINT_UNDOCUMENTED', '39:1 warning HARNESS_AQL_LINT_UNDOCUMENTED',
        '47:7 error HARNESS_AQL_UNKNOWN_FIELD', '47:7 warning HARNESS_AQL_LINT_TIME_PREDICATE', '47:31 warning HARNESS_AQL_LINT_UNDOCUMENTED',
        '52:4 warning HARNESS_AQL_LINT_ONLY_ELSE',
      ]);
    });
  });
});
