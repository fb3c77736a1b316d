import { expect } from 'chai';
import { compileAql } from '../../harness/aql/index.js';
import { formatDate, parseDatePattern } from '../../harness/aql/dateformat.js';
import { ev, PROFILE, harnessErrorOf } from './helpers.js';

const fmt = (iso: string, pattern: string, zone = 'UTC') => formatDate(Date.parse(iso), parseDatePattern(pattern), zone);

describe('DATEFORMAT (Java SimpleDateFormat, Locale.US)', () => {
  it('formats the common pattern', () => {
    expect(fmt('2025-10-25T16:54:23.866Z', 'yyyy-MM-dd HH:mm:ss')).to.equal('2025-10-25 16:54:23');
    expect(fmt('2025-10-25T16:54:23.066Z', 'yyyy-MM-dd HH:mm:ss.SSS')).to.equal('2025-10-25 16:54:23.066');
  });
  it('YYYY is the week-year: the last days of December belong to the next year (week starts Sunday, minimal days 1)', () => {
    // 2024-12-29 is a Sunday; its week holds 2025-01-01, so it is week 1 of 2025 in Java's US calendar.
    expect(fmt('2024-12-29T10:00:00Z', 'YYYY-MM-dd')).to.equal('2025-12-29');
    expect(fmt('2024-12-29T10:00:00Z', 'yyyy-MM-dd')).to.equal('2024-12-29');
    expect(fmt('2024-12-28T10:00:00Z', 'YYYY-MM-dd')).to.equal('2024-12-28'); // Saturday: still 2024's last week
    expect(fmt('2024-12-29T10:00:00Z', 'w')).to.equal('1');
    // 2021-01-01 is a Friday: week 1 of 2021 starts Sunday 2020-12-27, so those days print 2021 with YYYY.
    expect(fmt('2020-12-27T00:00:00Z', 'YYYY')).to.equal('2021');
    expect(fmt('2020-12-26T23:59:59Z', 'YYYY')).to.equal('2020');
    expect(fmt('2021-01-02T00:00:00Z', 'YYYY ww')).to.equal('2021 01');
    expect(fmt('2021-01-03T00:00:00Z', 'YYYY w')).to.equal('2021 2');
    expect(fmt('2024-12-29T10:00:00Z', 'YY')).to.equal('25');
  });
  it('hh is the 12-hour clock with a for AM/PM; HH, kk and KK', () => {
    expect(fmt('2025-01-01T00:05:00Z', 'hh:mm a')).to.equal('12:05 AM');
    expect(fmt('2025-01-01T13:05:00Z', 'hh:mm a')).to.equal('01:05 PM');
    expect(fmt('2025-01-01T12:00:00Z', 'h a')).to.equal('12 PM');
    expect(fmt('2025-01-01T00:05:00Z', 'HH kk KK')).to.equal('00 24 00');
  });
  it("quotes literal text with '...' and writes '' as one quote", () => {
    expect(fmt('2025-03-04T05:06:07Z', "yyyy-MM-dd'T'HH:mm:ss''Z''")).to.equal("2025-03-04T05:06:07'+0000'");
    expect(fmt('2025-03-04T05:06:07Z', "'at' h 'o''clock'")).to.equal("at 5 o'clock");
  });
  it('names months and days, and counts day of year', () => {
    expect(fmt('2025-03-04T05:06:07Z', 'EEE, d MMM yyyy')).to.equal('Tue, 4 Mar 2025');
    expect(fmt('2025-03-04T05:06:07Z', 'EEEE MMMM')).to.equal('Tuesday March');
    expect(fmt('2025-03-04T05:06:07Z', 'D u')).to.equal('63 2');
  });
  it('formats in the configured time zone, with Z and X offsets', () => {
    expect(fmt('2025-07-01T12:00:00Z', 'yyyy-MM-dd HH:mm Z', 'America/New_York')).to.equal('2025-07-01 08:00 -0400');
    expect(fmt('2025-01-01T12:00:00Z', 'HH:mm XXX', 'America/New_York')).to.equal('07:00 -05:00');
    expect(fmt('2025-01-01T12:00:00Z', 'HH:mm X', 'UTC')).to.equal('12:00 Z');
    expect(fmt('2025-12-31T23:30:00Z', 'yyyy-MM-dd HH:mm', 'Asia/Tokyo')).to.equal('2026-01-01 08:30');
  });
  it('applies env.timeZone inside a query (default UTC)', () => {
    const q = `SELECT DATEFORMAT(devicetime, 'yyyy-MM-dd HH:mm') AS t FROM events`;
    const e = ev({}, { devicetime: Date.parse('2025-12-31T23:30:00Z') });
    expect(compileAql(q, { profile: PROFILE, now: 0 }).run([e])[0].t).to.equal('2025-12-31 23:30');
    expect(compileAql(q, { profile: PROFILE, now: 0, timeZone: 'Europe/Paris' }).run([e])[0].t).to.equal('2026-01-01 00:30');
  });
  it('rejects a pattern letter Java does not know, with its position', () => {
    const e = harnessErrorOf(() => compileAql(`SELECT DATEFORMAT(starttime, 'yyyy-MM-dd T') AS t FROM events`, { profile: PROFILE, now: 0 }));
    expect(e.code).to.equal('HARNESS_AQL_BAD_DATEFORMAT');
    expect(e.message.split('\n')[0]).to.equal("Illegal pattern character 'T' in DATEFORMAT pattern 'yyyy-MM-dd T'");
    expect(e.location).to.include({ line: 1, column: 30 });
    expect(harnessErrorOf(() => compileAql(`SELECT DATEFORMAT(starttime, 'yyyy ''x') AS t FROM events`, { profile: PROFILE, now: 0 })).message).to.match(/^Unterminated quote/);
  });
});
