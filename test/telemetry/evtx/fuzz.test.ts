// Fuzzing the EVTX parser: thousands of mutated real files (bit flips, byte runs, hostile lengths,
// truncations, spliced and duplicated chunks) from a fixed seed, within a time budget. Asserts that no
// exception escapes (except the documented HARNESS_EVTX_NOT_EVTX when both header and first chunk are gone),
// that it ends, and that every record of every chunk the mutation did not touch is still returned, intact.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASETS, datasetsPresent, requireOrSkip } from '../../helpers/env.js';
import { parseEvtxBuffer } from '../../../harness/telemetry/parsers/evtx/index.js';
import { isHarnessError } from '../../../harness/errors.js';
import type { WindowsEventRecord } from '../../../harness/telemetry/record.js';
import { prng } from '../../helpers/prng.js';

const SEED = 0x5eed_4e7f;
const BUDGET_MS = 20_000;
const MAX_CASES = 4000;
const HEADER = 4096;
const CHUNK = 65536;


interface Mutant {
  buf: Buffer;
  /** Chunk indexes whose bytes may differ from the base (or whose position changed). */
  touched: Set<number>;
  what: string;
}

function mutate(base: Buffer, rnd: () => number): Mutant {
  const int = (n: number): number => Math.floor(rnd() * n);
  const chunks = (base.length - HEADER) / CHUNK;
  const buf = Buffer.from(base);
  const touched = new Set<number>();
  const mark = (from: number, to: number): void => {
    for (let c = Math.floor((from - HEADER) / CHUNK); c <= Math.floor((to - 1 - HEADER) / CHUNK); c++) if (c >= 0) touched.add(c);
  };
  // Aim most mutations at the chunk header, the first records and templates, where structure lives.
  const target = (): number => {
    const c = int(chunks);
    const r = rnd();
    return HEADER + c * CHUNK + (r < 0.3 ? int(512) : r < 0.7 ? 512 + int(4096) : int(CHUNK));
  };
  const kind = int(7);
  switch (kind) {
    case 0: {
      const n = 1 + int(16);
      for (let i = 0; i < n; i++) {
        const at = target();
        buf[at] ^= 1 << int(8);
        mark(at, at + 1);
      }
      return { buf, touched, what: `${n} bit flips` };
    }
    case 1: {
      const at = target();
      const len = 1 + int(64);
      for (let i = 0; i < len && at + i < buf.length; i++) buf[at + i] = int(256);
      mark(at, Math.min(buf.length, at + len));
      return { buf, touched, what: `random run of ${len} at ${at}` };
    }
    case 2: {
      // Hostile lengths and offsets: 0, 0xffff, 0xffffffff, just past the chunk.
      const at = target() & ~3;
      const v = [0, 0xffff, 0xffffffff, 0x10000, 0x7fffffff, 1][int(6)];
      buf.writeUInt32LE(v >>> 0, Math.min(at, buf.length - 4));
      mark(at, at + 4);
      return { buf, touched, what: `u32 ${v} at ${at}` };
    }
    case 3: {
      const cut = HEADER + int(base.length - HEADER);
      mark(cut, base.length);
      return { buf: buf.subarray(0, cut), touched, what: `truncated at ${cut}` };
    }
    case 4: {
      // Splice bytes from one place of the file into another.
      const from = target();
      const to = target();
      const len = 8 + int(2048);
      buf.copy(buf, to, from, Math.min(from + len, buf.length));
      mark(to, Math.min(buf.length, to + len));
      return { buf, touched, what: `spliced ${len} bytes ${from} -> ${to}` };
    }
    case 5: {
      // Copy a whole chunk over another (duplicate records, valid checksums).
      const a = int(chunks);
      const b = int(chunks);
      base.copy(buf, HEADER + b * CHUNK, HEADER + a * CHUNK, HEADER + (a + 1) * CHUNK);
      touched.add(b);
      return { buf, touched, what: `chunk ${a} copied over chunk ${b}` };
    }
    default: {
      const at = int(HEADER);
      buf[at] ^= 1 << int(8);
      return { buf, touched, what: `file header bit flip at ${at}` };
    }
  }
}

const key = (r: WindowsEventRecord): string => JSON.stringify([r.recordId, r.origin.offset, r.eventId, r.timeCreatedRaw, r.eventData]);

describe('EVTX parser fuzzing (fixed seed, bounded time)', function () {
  this.timeout(BUDGET_MS + 40_000);
  let base: Buffer;
  const byChunk: string[][] = [];

  before(function () {
    requireOrSkip(this, datasetsPresent(), `datasets not found at ${DATASETS}`);
    // Header plus the first 4 chunks of a real Sysmon log (chunks are self-contained: own strings and templates).
    const whole = readFileSync(join(DATASETS, 'EVTX-ATTACK-SAMPLES/Privilege Escalation/Sysmon_UACME_64.evtx'));
    base = whole.subarray(0, HEADER + 4 * CHUNK);
    for (const r of parseEvtxBuffer(base)) {
      const c = Math.floor((r.origin.offset! - HEADER) / CHUNK);
      (byChunk[c] ??= []).push(key(r));
    }
    expect(byChunk.map((c) => c.length).every((n) => n > 10)).to.equal(true);
  });

  it('never throws, always ends, and keeps every record of untouched chunks', function () {
    const rnd = prng(SEED);
    const started = Date.now();
    let cases = 0;
    let warned = 0;
    let notEvtx = 0;
    const failures: string[] = [];
    while (cases < MAX_CASES && Date.now() - started < BUDGET_MS) {
      const m = mutate(base, rnd);
      cases++;
      let recs: WindowsEventRecord[];
      let warnings = 0;
      try {
        recs = [...parseEvtxBuffer(m.buf, { file: 'fuzz.evtx', onWarning: (w) => {
          warnings++;
          if (w.file !== 'fuzz.evtx' || typeof w.offset !== 'number' || !w.reason) failures.push(`case ${cases} (${m.what}): unlocated warning ${JSON.stringify(w)}`);
        } })];
      } catch (e) {
        if (isHarnessError(e) && e.code === 'HARNESS_EVTX_NOT_EVTX' && m.touched.has(0)) {
          notEvtx++;
          continue;
        }
        failures.push(`case ${cases} (${m.what}): threw ${(e as Error).stack}`);
        continue;
      }
      if (warnings) warned++;
      const got = new Set(recs.map(key));
      for (let c = 0; c < byChunk.length; c++) {
        if (m.touched.has(c) || HEADER + (c + 1) * CHUNK > m.buf.length) continue;
        const missing = byChunk[c].filter((k) => !got.has(k));
        if (missing.length) failures.push(`case ${cases} (${m.what}): chunk ${c} untouched but ${missing.length} of its records lost or changed`);
      }
    }
    console.log(`      ${cases} mutated inputs in ${Date.now() - started} ms (seed 0x${SEED.toString(16)}): ${warned} produced warnings, ${notEvtx} were no longer EVTX`);
    expect(failures.slice(0, 10)).to.deep.equal([]);
    expect(cases).to.be.at.least(500);
    expect(warned).to.be.at.least(cases / 4); // the mutations do reach the parser's checks
  });
});
