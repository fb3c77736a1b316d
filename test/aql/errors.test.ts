import { expect } from 'chai';
import { compileAql, parseNow } from '../../harness/aql/index.js';
import { harnessErrorOf, PROFILE } from './helpers.js';

const compileErr = (q: string) => harnessErrorOf(() => compileAql(q, { profile: PROFILE, now: 0 }, { file: 'r.aql' }));
const first = (e: Error) => e.message.split('\n')[0];

describe('AQL compile errors (located, with a fix, never a stack)', () => {
  it('LOGSOURCETIME: unknown field, did you mean devicetime (the Log Source Time)?', () => {
    const e = compileErr('SELECT a FROM events WHERE LOGSOURCETIME > 0');
    expect(e.code).to.equal('HARNESS_AQL_UNKNOWN_FIELD');
    expect(first(e)).to.equal('Unknown field LOGSOURCETIME. Did you mean devicetime (the Log Source Time)?');
    expect(e.location).to.deep.equal({ file: 'r.aql', line: 1, column: 28 });
  });
  it('suggests close names for a misspelt field, and the exact-case property for a quoted name', () => {
    expect(first(compileErr('SELECT sourcip FROM events'))).to.equal('Unknown field sourcip. Did you mean "sourceip"?');
    expect(first(compileErr('SELECT "process path" FROM events'))).to.equal('Unknown field "process path". Did you mean "Process Path" (quoted names are case-sensitive)?');
    expect(first(compileErr('SELECT "Nothing Like It" FROM events'))).to.equal('Unknown field "Nothing Like It".');
  });
  it('unknown function, with did-you-mean and position', () => {
    const e = compileErr('SELECT a FROM events WHERE\n  LOGSOURCETYPE(devicetype) = 1');
    expect(e.code).to.equal('HARNESS_AQL_UNKNOWN_FUNCTION');
    expect(first(e)).to.equal('Unknown function LOGSOURCETYPE(). Did you mean "LOGSOURCENAME" or "LOGSOURCETYPENAME"?');
    expect(e.location).to.deep.equal({ file: 'r.aql', line: 2, column: 3 });
  });
  it('wrong number of arguments', () => {
    const e = compileErr('SELECT LOWER(a, b) FROM events');
    expect(e.code).to.equal('HARNESS_AQL_BAD_ARGUMENT');
    expect(first(e)).to.equal('LOWER() takes 1 argument(s), found 2.');
  });
  it('an invalid regular expression in MATCHES', () => {
    const e = compileErr(`SELECT "Image" FROM events WHERE "Image" MATCHES '(unclosed'`);
    expect(e.code).to.equal('HARNESS_AQL_BAD_REGEX');
    expect(e.location).to.include({ column: 50 });
    expect(first(compileErr(`SELECT "Image" FROM events WHERE "Image" MATCHES 'a++'`))).to.equal('Invalid regular expression in MATCHES: possessive quantifiers (*+, ++, ?+) are Java-only.');
  });
  it('an aggregate in WHERE', () => {
    const e = compileErr('SELECT "Image" FROM events WHERE COUNT(*) > 1');
    expect(e.code).to.equal('HARNESS_AQL_AGGREGATE_MISPLACED');
    expect(e.fix).to.equal('move the condition to HAVING');
  });
  it('an unknown reference set, and a bad CIDR', () => {
    const e = compileErr(`SELECT username FROM events WHERE REFERENCESETCONTAINS('Admins', username)`);
    expect(e.code).to.equal('HARNESS_AQL_UNKNOWN_REFERENCE_SET');
    expect(first(e)).to.equal("Unknown reference set 'Admins'. Known: 'Admin Users'.");
    expect(compileErr(`SELECT username FROM events WHERE INCIDR('10.0.0.0/33', sourceip)`).code).to.equal('HARNESS_AQL_BAD_ARGUMENT');
  });
  it('HAVING without grouping, and an unknown time zone', () => {
    expect(compileErr('SELECT username FROM events HAVING username = 1').message).to.match(/^Syntax Error: HAVING needs GROUP BY or an aggregate\./);
    const e = harnessErrorOf(() => compileAql('SELECT username FROM events', { profile: PROFILE, timeZone: 'Mars/Olympus' }));
    expect(e.code).to.equal('HARNESS_AQL_BAD_TIMEZONE');
    expect(e.fix).to.contain('IANA');
  });
  it('a bad time field or MATCHES mode is a configuration error', () => {
    const e = harnessErrorOf(() => compileAql('SELECT username FROM events', { profile: PROFILE, timeField: 'endtime' as 'starttime' }));
    expect([e.code, e.message]).to.deep.equal(['HARNESS_AQL_BAD_OPTION', "time field 'endtime' is not starttime or devicetime"]);
    expect(harnessErrorOf(() => compileAql('SELECT username FROM events', { profile: PROFILE, matches: 'partial' as 'full' })).code).to.equal('HARNESS_AQL_BAD_OPTION');
  });
  it('--now must be ISO 8601 or epoch ms', () => {
    expect(parseNow('2026-11-22T06:00:00Z')).to.equal(Date.parse('2026-11-22T06:00:00Z'));
    expect(parseNow('1732250000000')).to.equal(1732250000000);
    const e = harnessErrorOf(() => parseNow('tomorrow'));
    expect([e.code, e.message]).to.deep.equal(['HARNESS_AQL_BAD_NOW', "--now 'tomorrow' is not a time"]);
  });
  it('relaxed mode collects unknown names instead of throwing', () => {
    const c = compileAql('SELECT LOGSOURCETYPE(devicetype) AS t FROM events WHERE LOGSOURCETIME > 0 OR username IS NOT NULL', { profile: PROFILE, now: 0, unknownFields: 'null' });
    expect(c.unknowns.map((u) => [u.kind, u.name])).to.deep.equal([['field', 'LOGSOURCETIME'], ['function', 'LOGSOURCETYPE']]);
  });
});
