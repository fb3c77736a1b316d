import { expect } from 'chai';
import { parseAql } from '../../harness/aql/index.js';
import { harnessErrorOf } from './helpers.js';

const errorOf = (q: string) => harnessErrorOf(() => parseAql(q, { file: 'q.aql' }));

describe('AQL parser', () => {
  it('parses SELECT items with bare, single- and double-quoted aliases and *', () => {
    const q = parseAql(`SELECT a x, b AS 'y z', c AS "w", QIDNAME(qid) FROM events`);
    expect(q.select!.map((s) => s.alias)).to.deep.equal(['x', 'y z', 'w', null]);
    expect(parseAql('SELECT * FROM flows').select).to.equal(null);
    expect(parseAql('SELECT * FROM flows').from).to.equal('flows');
  });

  it('gives NOT > AND > OR precedence', () => {
    const q = parseAql('SELECT a FROM events WHERE NOT a = 1 AND b = 2 OR c = 3');
    expect(q.where!.kind).to.equal('Logical');
    const or = q.where as { op: string; args: { kind: string; op?: string; args?: { kind: string }[] }[] };
    expect(or.op).to.equal('OR');
    expect(or.args[0].op).to.equal('AND');
    expect(or.args[0].args![0].kind).to.equal('Not');
  });

  it('reads keywords case-insensitively and keeps quoted names exact', () => {
    const q = parseAql(`select "Process Path" from EVENTS where UtF8(payLoad) ilike '%x%' limit 5 last 5 minutes`);
    expect(q.from).to.equal('events');
    expect(q.limit!.value).to.equal(5);
    expect(q.time).to.include({ kind: 'last', amount: 5, unit: 'MINUTES' });
    expect((q.select![0].expr as { name: string }).name).to.equal('Process Path');
  });

  it('keeps backslashes literal and reads doubled quotes as one quote', () => {
    const q = parseAql(`SELECT a FROM events WHERE a LIKE '%\\\\x''y\\'`);
    expect((q.where as unknown as { pattern: { value: string } }).pattern.value).to.equal("%\\\\x'y\\");
  });

  it('parses every predicate form', () => {
    const q = parseAql(`SELECT a FROM events WHERE a NOT LIKE 'x' AND b NOT ILIKE 'y' AND c MATCHES 'z' AND d NOT IMATCHES 'w'
      AND e NOT IN (1, 2) AND f IS NOT NULL AND g IS NULL AND h BETWEEN 1 AND 5 AND i <> 1 AND j != 2 AND k >= 3 AND l <= 4 AND m < 5 AND n > 6
      AND INCIDR('10.0.0.0/8', sourceip) AND REFERENCESETCONTAINS('Admin Users', username)`);
    const kinds = (q.where as { args: { kind: string; not?: boolean }[] }).args.map((a) => a.kind + (a.not ? '!' : ''));
    expect(kinds).to.deep.equal(['Like!', 'Like!', 'Like', 'Like!', 'In!', 'IsNull!', 'IsNull', 'Between', 'Compare', 'Compare', 'Compare', 'Compare', 'Compare', 'Compare', 'Call', 'Call']);
  });

  it('parses simple and searched CASE, IF THEN ELSE, arithmetic and intervals', () => {
    const q = parseAql(`SELECT CASE username WHEN 'root' THEN 'A' ELSE 'B' END AS u, CASE WHEN a = 1 THEN 'x' END AS v,
      IF username = 'root' THEN 'ADMIN' ELSE username AS w, (1 + 2) * 3 - -4 % 5 AS n, NOW() - 1 DAYS AS t FROM events`);
    expect(q.select!.map((s) => s.expr.kind)).to.deep.equal(['Case', 'Case', 'If', 'Arith', 'Arith']);
    expect(q.select!.map((s) => s.alias)).to.deep.equal(['u', 'v', 'w', 'n', 't']);
  });

  it('parses GROUP BY, HAVING, ORDER BY, LIMIT and both time clause forms', () => {
    const q = parseAql(`SELECT username, COUNT(*) AS c FROM events GROUP BY username HAVING c > 1 ORDER BY c DESC, username LIMIT 10 START '2026-11-22 05:00' STOP '2026-11-22 06:00:30'`);
    expect(q.groupBy).to.have.length(1);
    expect(q.orderBy.map((o) => o.desc)).to.deep.equal([true, false]);
    expect(q.time!.kind).to.equal('range');
    const q2 = parseAql(`SELECT a FROM events START 1732250000000 STOP PARSEDATETIME('1 hour ago')`);
    expect(q2.time).to.deep.include({ kind: 'range' });
  });

  it('accepts LIMIT after the time clause but flags it', () => {
    expect(parseAql('SELECT a FROM events LAST 5 MINUTES LIMIT 3').limitAfterTime).to.equal(true);
    expect(parseAql('SELECT a FROM events LIMIT 3 LAST 5 MINUTES').limitAfterTime).to.equal(false);
  });

  it('reports an unterminated string with line, column and a caret', () => {
    const e = errorOf("SELECT a\nFROM events WHERE a LIKE 'abc");
    expect(e.code).to.equal('HARNESS_AQL_SYNTAX');
    expect(e.location).to.deep.equal({ file: 'q.aql', line: 2, column: 26 });
    expect(e.message).to.equal("Syntax Error: Unterminated string literal.\n2 | FROM events WHERE a LIKE 'abc\n  |                          ^");
  });

  it('reports an unexpected token', () => {
    const e = errorOf('SELECT a FROM events WHERE a LIKE LIMIT 5');
    expect(e.message.split('\n')[0]).to.equal('Syntax Error: Unexpected Name "LIMIT".');
    expect(e.location).to.include({ line: 1, column: 35 });
  });

  it('reports a missing FROM table, a bad time unit and a missing parenthesis', () => {
    expect(errorOf('SELECT a FROM logs').message).to.match(/^Syntax Error: Expected events or flows, found Name "logs"\./);
    expect(errorOf('SELECT a FROM events LAST 5 WEEKS').message).to.match(/^Syntax Error: Expected MINUTES, HOURS or DAYS, found Name "WEEKS"\./);
    const e = errorOf('SELECT a FROM events WHERE (a = 1');
    expect(e.message).to.match(/^Syntax Error: Expected "\)", found <EOF>\./);
    expect(e.location).to.include({ column: 34 });
  });

  it('counts lines from lineOffset for queries embedded in a larger file', () => {
    const e = harnessErrorOf(() => parseAql('SELECT a\nFROM events WHERE ?', { file: 'r.yaml', lineOffset: 10 }));
    expect(e.location).to.deep.equal({ file: 'r.yaml', line: 12, column: 19 });
    expect(e.message).to.contain('12 | FROM events WHERE ?');
  });

  it('formats a syntax error as file:line:column, code and fix (what the CLI prints)', () => {
    expect(errorOf('SELECT FROM events').format()).to.match(/^q\.aql:1:8: Syntax Error: Unexpected Name "FROM"\.\n1 \| SELECT FROM events\n  \|        \^ \[HARNESS_AQL_SYNTAX\]\n  fix: /);
  });
});
