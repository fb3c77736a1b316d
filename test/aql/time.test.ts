import { expect } from 'chai';
import { compileAql } from '../../harness/aql/index.js';
import { ev, PROFILE, harnessErrorOf } from './helpers.js';

const NOW = Date.parse('2026-11-22T06:00:30Z');
const win = (tail: string, tz?: string) => compileAql(`SELECT username FROM events ${tail}`, { profile: PROFILE, now: NOW, timeZone: tz }).window;
const iso = (ms: number) => new Date(ms).toISOString();

describe('AQL time clauses (reference 2.8)', () => {
  it('LAST n MINUTES|HOURS|DAYS is [now - n, now)', () => {
    expect(win('LAST 15 MINUTES')).to.deep.equal({ start: NOW - 15 * 60_000, stop: NOW });
    expect(win('LAST 2 HOURS')).to.deep.equal({ start: NOW - 7_200_000, stop: NOW });
    expect(win('LAST 1 DAYS')).to.deep.equal({ start: NOW - 86_400_000, stop: NOW });
  });
  it('START/STOP strings have minute granularity: STOP without seconds is exclusive', () => {
    const w = win(`START '2026-11-22 15:51' STOP '2026-11-22 17:00'`)!;
    expect([iso(w.start), iso(w.stop)]).to.deep.equal(['2026-11-22T15:51:00.000Z', '2026-11-22T17:00:00.000Z']);
  });
  it('START with seconds is floored; STOP with seconds includes that whole minute', () => {
    const w = win(`START '2026-11-22 15:51:20' STOP '2026-11-22 17:00:20'`)!;
    expect([iso(w.start), iso(w.stop)]).to.deep.equal(['2026-11-22T15:51:00.000Z', '2026-11-22T17:01:00.000Z']);
  });
  it('accepts the other documented formats and epoch ms', () => {
    expect(iso(win(`START '2026/11/22 15:51:00' STOP '2026/11/22-16:00:00'`)!.start)).to.equal('2026-11-22T15:51:00.000Z');
    expect(iso(win(`START '2026:11:22-15:51:00'`)!.start)).to.equal('2026-11-22T15:51:00.000Z');
    expect(win(`START 1732250000000 STOP 1732250400000`)).to.deep.equal({ start: 1732249980000, stop: 1732250400000 });
    expect(win(`START 1732250000000 STOP 1732250600000`)!.stop).to.equal(1732250640000);
  });
  it('reads zone-less strings in the configured zone and a trailing Z as UTC', () => {
    expect(iso(win(`START '2026-07-01 10:00' STOP '2026-07-01 11:00'`, 'Europe/Paris')!.start)).to.equal('2026-07-01T08:00:00.000Z');
    expect(iso(win(`START '2026-07-01 10:00Z'`, 'Europe/Paris')!.start)).to.equal('2026-07-01T10:00:00.000Z');
  });
  it('STOP defaults to now; PARSEDATETIME is relative to the injected now', () => {
    expect(win(`START '2026-11-22 05:00'`)!.stop).to.equal(NOW);
    expect(win(`START PARSEDATETIME('1 hour ago') STOP PARSEDATETIME('now')`)).to.deep.equal({ start: Date.parse('2026-11-22T05:00:00Z'), stop: Date.parse('2026-11-22T06:01:00Z') });
  });
  it('is null without a time clause, and filters on starttime (or devicetime when configured)', () => {
    expect(win('')).to.equal(null);
    const inside = ev({}, { starttime: NOW - 1000, devicetime: NOW - 2 * 86_400_000 });
    const q = 'SELECT username FROM events LAST 1 HOURS';
    expect(compileAql(q, { profile: PROFILE, now: NOW }).matches(inside)).to.equal(true);
    expect(compileAql(q, { profile: PROFILE, now: NOW, timeField: 'devicetime' }).matches(inside)).to.equal(false);
    expect(compileAql(q, { profile: PROFILE, now: NOW }).matches(ev({}, { starttime: NOW }))).to.equal(false); // stop is exclusive
  });
  it('rejects an unreadable time with its position', () => {
    const e = harnessErrorOf(() => win(`START 'yesterday'`));
    expect(e.code).to.equal('HARNESS_AQL_BAD_TIME');
    expect(e.location).to.include({ line: 1, column: 35 });
    expect(e.message).to.match(/^'yesterday' is not a time AQL accepts/);
    expect(harnessErrorOf(() => win(`START PARSEDATETIME('soon')`)).message).to.match(/^PARSEDATETIME\('soon'\) is not a relative time/);
  });
  it('rejects LIMIT after the time clause, as QRadar does', () => {
    const e = harnessErrorOf(() => win('LAST 5 MINUTES LIMIT 10'));
    expect(e.code).to.equal('HARNESS_AQL_LIMIT_AFTER_TIME');
    expect(e.location).to.include({ column: 44 });
  });
});
