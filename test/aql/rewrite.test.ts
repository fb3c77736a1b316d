import { expect } from 'chai';
import { parseAql, withTimeWindow } from '../../harness/aql/index.js';
import { datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { SEED1 } from './helpers.js';

const W = { start: 1732250000000, stop: 1732250600000 };

describe('withTimeWindow (the text the QRadar client sends)', () => {
  it('replaces LAST n with absolute START/STOP and keeps every other byte (whitespace around the old clause goes)', () => {
    expect(withTimeWindow(`SELECT "Image" AS i\nFROM events WHERE "Image" ILIKE '%\\x.exe'\nLAST 24 HOURS\n`, W)).to.equal(`SELECT "Image" AS i\nFROM events WHERE "Image" ILIKE '%\\x.exe' START 1732250000000 STOP 1732250600000`);
  });
  it('appends a window to a query without one and puts LIMIT before it', () => {
    expect(withTimeWindow('select a from events', W, { limit: 100 })).to.equal('select a from events LIMIT 100 START 1732250000000 STOP 1732250600000');
  });
  it('moves a LIMIT written after the time clause in front of the new window, keeping the smaller limit', () => {
    expect(withTimeWindow('SELECT a FROM events START 1 STOP 2 LIMIT 5', W, { limit: 100 })).to.equal('SELECT a FROM events LIMIT 5 START 1732250000000 STOP 1732250600000');
    expect(withTimeWindow('SELECT a FROM events LIMIT 500 LAST 5 MINUTES', W, { limit: 100 })).to.equal('SELECT a FROM events LIMIT 100 START 1732250000000 STOP 1732250600000');
  });
  it('does not touch LIMIT-like text inside strings', () => {
    expect(withTimeWindow(`SELECT a FROM events WHERE a = 'LAST 5 MINUTES' LAST 5 MINUTES`, W)).to.equal(`SELECT a FROM events WHERE a = 'LAST 5 MINUTES' START 1732250000000 STOP 1732250600000`);
  });
  it('keeps the seed rule byte for byte apart from its time clause, and the result parses', function () {
    requireOrSkip(this, datasetsPresent(), 'the shared datasets are not present');
    const q = SEED1();
    const out = withTimeWindow(q, W, { limit: 1000 });
    expect(out).to.equal(q.slice(0, q.lastIndexOf('LAST 24 HOURS')).replace(/\s+$/, '') + ' LIMIT 1000 START 1732250000000 STOP 1732250600000');
    expect(parseAql(out).time).to.deep.include({ kind: 'range' });
  });
});
