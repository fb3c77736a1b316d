// Damaged EVTX input: truncation, bad chunk checksums, corrupt BinXML and templates, garbage between
// records, hostile nesting, non-EVTX files. The parser must skip exactly what is broken with a located
// warning (file, byte offset, reason) and keep every good record; only a file that is not EVTX at all is
// an error (HARNESS_EVTX_NOT_EVTX), and an unreadable path is HARNESS_EVTX_READ.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATASETS, datasetsPresent, requireOrSkip } from '../../helpers/env.js';
import { parseEvtxBuffer, readEvtxFile } from '../../../harness/telemetry/parsers/evtx/index.js';
import { crc32 } from '../../../harness/telemetry/parsers/evtx/crc32.js';
import type { ParseWarning } from '../../../harness/model/event.js';
import type { WindowsEventRecord } from '../../../harness/telemetry/record.js';
import { buildEvtx, type BNode } from './builder.js';
import { typesRecord } from './fixtures.js';

const HEADER = 4096;
const CHUNK = 65536;

function parse(buf: Buffer): { recs: WindowsEventRecord[]; warnings: ParseWarning[] } {
  const warnings: ParseWarning[] = [];
  const recs = [...parseEvtxBuffer(buf, { file: 'bad.evtx', onWarning: (w) => warnings.push(w) })];
  return { recs, warnings };
}
const ids = (rs: WindowsEventRecord[]): number[] => rs.map((r) => r.recordId);

// Recomputes a chunk's event-records CRC (and so its header CRC, which covers it) so that a test can damage
// BinXML without also tripping the checksums.
function fixDataCrc(buf: Buffer, chunk: number): void {
  const c = buf.subarray(HEADER + chunk * CHUNK, HEADER + (chunk + 1) * CHUNK);
  c.writeUInt32LE(crc32(c.subarray(512, c.readUInt32LE(48))), 52);
  c.writeUInt32LE(crc32(c.subarray(128, 512), crc32(c.subarray(0, 120))), 124);
}

describe('EVTX parser on damaged input', function () {
  let real: Buffer;
  let all: WindowsEventRecord[];
  const chunkOf = (r: WindowsEventRecord): number => Math.floor((r.origin.offset! - HEADER) / CHUNK);

  before(function () {
    requireOrSkip(this, datasetsPresent(), `datasets not found at ${DATASETS}`);
    real = readFileSync(join(DATASETS, 'EVTX-ATTACK-SAMPLES/Privilege Escalation/Sysmon_UACME_64.evtx'));
    all = parse(real).recs;
    expect(all).to.have.length(530);
  });

  it('keeps every complete record of a truncated file and warns where it was cut', function () {
    const cut = HEADER + 5 * CHUNK + 20000;
    const { recs, warnings } = parse(real.subarray(0, cut));
    const before = all.filter((r) => r.origin.offset! + 100 < cut && chunkOf(r) <= 5);
    const kept = new Set(ids(recs));
    expect(all.filter((r) => chunkOf(r) < 5).every((r) => kept.has(r.recordId))).to.equal(true);
    expect(recs.length).to.be.within(before.length - 2, before.length);
    expect(recs.every((r) => r.origin.offset! < cut)).to.equal(true);
    expect(warnings.some((w) => w.reason.includes('truncated') && w.offset! >= HEADER + 5 * CHUNK && w.file === 'bad.evtx')).to.equal(true);
  });

  it('skips a chunk whose header checksum is wrong, with a warning at that checksum, and keeps the others', function () {
    const buf = Buffer.from(real);
    buf[HEADER + 3 * CHUNK + 60] ^= 0xff; // inside the CRC-covered header area
    const { recs, warnings } = parse(buf);
    expect(ids(recs)).to.deep.equal(ids(all.filter((r) => chunkOf(r) !== 3)));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.deep.include({ file: 'bad.evtx', offset: HEADER + 3 * CHUNK + 124 });
    expect(warnings[0].reason).to.match(/chunk header checksum mismatch.*chunk skipped/);
  });

  it('warns about an event-records checksum mismatch and still returns every record of the chunk', function () {
    const buf = Buffer.from(real);
    const victim = all.find((r) => chunkOf(r) === 2 && r.eventData.Image)!;
    // Change one UTF-16 character of the Image value in place ("e" -> "E").
    const img = Buffer.from(victim.eventData.Image, 'utf16le');
    const at = buf.indexOf(img, victim.origin.offset!);
    expect(at).to.be.greaterThan(0);
    const e = buf.indexOf(Buffer.from('e', 'utf16le'), at);
    buf[e] = 'E'.charCodeAt(0);
    const { recs, warnings } = parse(buf);
    expect(ids(recs)).to.deep.equal(ids(all));
    expect(warnings).to.have.length(1);
    expect(warnings[0].offset).to.equal(HEADER + 2 * CHUNK + 52);
    expect(warnings[0].reason).to.match(/event-records checksum mismatch/);
  });

  it('skips one record with corrupt BinXML (hostile substitution count) and keeps its neighbours', function () {
    const buf = buildEvtx([[typesRecord(1), typesRecord(2), typesRecord(3)]]);
    const good = parse(buf).recs;
    const rec2 = good[1].origin.offset!;
    // Record 2 refers to the template defined in record 1: fragment header 4, instance 10, then the count.
    buf.writeUInt32LE(0x7fffffff, rec2 + 24 + 14);
    fixDataCrc(buf, 0);
    const { recs, warnings } = parse(buf);
    expect(ids(recs)).to.deep.equal([1, 3]);
    expect(warnings).to.have.length(1);
    expect(warnings[0].offset).to.be.within(rec2, rec2 + 100);
    expect(warnings[0].reason).to.match(/record 2 .*substitution count/);
  });

  it('skips the records of a corrupt template, each with a warning, and nothing else', function () {
    const other = { ...typesRecord(4), template: { ...typesRecord(4).template, id: 0x7777 } };
    const buf = buildEvtx([[typesRecord(1), typesRecord(2), other], [typesRecord(5)]]);
    // The resident template of record 1 starts after the instance header: break its first element token.
    const tpl = HEADER + 512 + 24 + 14 + 24;
    expect(buf[tpl]).to.equal(0x0f);
    buf[tpl + 4] = 0x3c; // not a BinXML token
    fixDataCrc(buf, 0);
    const { recs, warnings } = parse(buf);
    expect(ids(recs)).to.deep.equal([4, 5]);
    expect(warnings).to.have.length(2);
    expect(warnings.map((w) => w.reason)).to.satisfy((rs: string[]) => rs.every((r) => /record [12] .*unexpected BinXML token 0x3c/.test(r)), JSON.stringify(warnings));
  });

  it('resynchronises after garbage between records', function () {
    const buf = Buffer.from(real);
    const victim = all.find((r) => chunkOf(r) === 1)!;
    buf.fill(0x41, victim.origin.offset!, victim.origin.offset! + 16); // destroys the record header
    const { recs, warnings } = parse(buf);
    expect(ids(recs)).to.deep.equal(ids(all.filter((r) => r !== victim)));
    expect(warnings.map((w) => w.offset)).to.include(victim.origin.offset);
    expect(warnings.some((w) => /bad event record header; skipped \d+ bytes/.test(w.reason))).to.equal(true);
  });

  it('bounds element nesting instead of overflowing the stack', function () {
    let deep: BNode = { el: 'Leaf', children: [{ text: 'x' }] };
    for (let i = 0; i < 300; i++) deep = { el: `L${i % 10}`, children: [deep] };
    const r = typesRecord(1);
    (r.template.nodes[0] as { children: BNode[] }).children.push(deep);
    const { recs, warnings } = parse(buildEvtx([[r, typesRecord(2)]]));
    expect(recs).to.have.length(0); // both use the template that nests too deep
    expect(warnings).to.have.length(2);
    expect(warnings[0].reason).to.match(/nested too deep/);
  });

  it('says nothing about preallocated all-zero chunks', function () {
    const buf = Buffer.concat([buildEvtx([[typesRecord(1)]]), Buffer.alloc(CHUNK)]);
    const { recs, warnings } = parse(buf);
    expect(ids(recs)).to.deep.equal([1]);
    expect(warnings).to.deep.equal([]);
  });

  it('rejects a file that is not EVTX, and an unreadable path, with coded errors and a fix', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'evtx-bad-'));
    try {
      const txt = join(dir, 'notes.evtx');
      writeFileSync(txt, 'type=EXECVE msg=audit(1.2:3): argc=1 a0="openssl"\n'.repeat(300));
      const err = await (async () => {
        for await (const _r of readEvtxFile(txt)) void _r;
      })().then(() => null, (e: unknown) => e);
      expect(err).to.include({ name: 'HarnessError', code: 'HARNESS_EVTX_NOT_EVTX' });
      expect((err as { fix?: string }).fix).to.match(/wevtutil epl/);
      const missing = await (async () => {
        for await (const _r of readEvtxFile(join(dir, 'nope.evtx'))) void _r;
      })().then(() => null, (e: unknown) => e);
      expect(missing).to.include({ code: 'HARNESS_EVTX_READ' });
      expect((missing as Error).message).to.contain('ENOENT');
      expect(() => [...parseEvtxBuffer(new Uint8Array(0))]).to.throw(/not an EVTX file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the chunks of a file whose header is damaged, with a warning', function () {
    const buf = Buffer.from(real);
    buf.fill(0, 0, 8);
    const { recs, warnings } = parse(buf);
    expect(ids(recs)).to.deep.equal(ids(all));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.deep.include({ offset: 0 });
  });
});
