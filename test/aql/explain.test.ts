import { expect } from 'chai';
import { compileAql } from '../../harness/aql/index.js';
import { ev, PROFILE } from './helpers.js';

const NOW = 1_700_000_100_000;
const explain = (q: string, e = ev({ Image: 'C:\\a\\b.exe', EventID: 1 })) => compileAql(q, { profile: PROFILE, now: NOW }).explain(e);

describe('explain: why an event is not returned', () => {
  it('names the first rejecting predicate of an AND with both sides and its position', () => {
    const x = explain(`SELECT "Image" FROM events\nWHERE devicetype = 12 AND "EventID" IN ('12', '13') AND "Image" LIKE '%x%'`);
    expect(x).to.deep.equal({ matched: false, predicate: `"EventID" IN ('12', '13')`, location: { line: 2, column: 27 }, left: 1, right: ['12', '13'], result: false, text: `"EventID" IN ('12', '13') was false: left side was 1, right side was ('12', '13')` });
  });
  it('reports an unknown (NULL) comparison as such', () => {
    const x = explain(`SELECT "Image" FROM events WHERE "CommandLine" ILIKE '%x%'`);
    expect(x).to.include({ result: null, left: null, text: `"CommandLine" ILIKE '%x%' was unknown (NULL): left side was NULL` });
  });
  it('explains a NOT by the value of what it negates', () => {
    const x = explain(`SELECT "Image" FROM events WHERE NOT ("Image" LIKE '%b.exe')`);
    expect(x).to.include({ predicate: `NOT ("Image" LIKE '%b.exe')`, left: true });
  });
  it('lists the reason of every alternative of an OR', () => {
    const x = explain(`SELECT "Image" FROM events WHERE "EventID" = 2 OR "Image" LIKE '%c.exe'`);
    expect(x.text).to.equal(`"EventID" = 2 OR "Image" LIKE '%c.exe' was false: none of its 2 alternatives matched: (1) "EventID" = 2 was false: left side was 1, right side was 2; (2) "Image" LIKE '%c.exe' was false: left side was 'C:\\a\\b.exe'`);
  });
  it('falls back to the time window when WHERE passes', () => {
    const x = explain(`SELECT "Image" FROM events WHERE "EventID" = 1 LAST 1 MINUTES`);
    expect(x).to.include({ matched: false, predicate: 'time window', left: 1_700_000_000_000 });
    expect(x.text).to.equal('the event is outside the time window [2023-11-14T22:14:00.000Z, 2023-11-14T22:15:00.000Z) (starttime was 2023-11-14T22:13:20.000Z)');
  });
  it('says matched when the event is returned', () => {
    expect(explain(`SELECT "Image" FROM events WHERE "EventID" = 1`)).to.deep.equal({ matched: true, text: 'the event passes the WHERE clause and the time window' });
  });
});
