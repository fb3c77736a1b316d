// Value types and BinXML tokens the recorded datasets do not contain (ANSI strings, signed and floating
// numbers, binary, size_t, SYSTEMTIME, arrays, CDATA, entity and character references, nested BinXML),
// in synthetic EVTX files built byte by byte (builder.ts). Checked three ways: fixed expected values;
// python-evtx (the real evtx_dump.py) on the same bytes; libevtx (the real evtxexport) for what python-evtx
// cannot render (arrays; entity references, which python-evtx escapes twice).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, requireOrSkip } from '../../helpers/env.js';
import { evtxBufferXml, parseEvtxBuffer, readEvtxFile } from '../../../harness/telemetry/parsers/evtx/index.js';
import type { ParseWarning } from '../../../harness/model/event.js';
import type { WindowsEventRecord } from '../../../harness/telemetry/record.js';
import { buildEvtx, type BNode, type BRecord } from './builder.js';
import { ARRAY_EXPECTED, arrayRecord, nestedRecord, typesExpected, typesRecord } from './fixtures.js';
import { readEvents, same, child } from './oracle-xml.js';

function parse(buf: Buffer, values: 'windows' | 'python-evtx' = 'python-evtx'): { recs: WindowsEventRecord[]; warnings: ParseWarning[] } {
  const warnings: ParseWarning[] = [];
  return { recs: [...parseEvtxBuffer(buf, { values, onWarning: (w) => warnings.push(w) })], warnings };
}

// typesRecord without the Data elements python-evtx cannot render (its CDATA reader takes the length in
// bytes; it escapes entity references twice).
function pythonSafe(r: BRecord): BRecord {
  const ev = (r.template.nodes[0] as { children: BNode[] }).children[1] as { children: Array<{ attrs: Array<[string, Array<{ text: string }>]> }> };
  ev.children = ev.children.filter((d) => !['CData', 'Entity'].includes(d.attrs[0][1][0].text));
  r.template.id += 0x100;
  return r;
}

describe('EVTX value types and tokens (synthetic files built byte by byte)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'evtx-types-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('renders every value type, CDATA, entity references and null optional substitutions as expected', function () {
    const { recs, warnings } = parse(buildEvtx([[typesRecord(1), typesRecord(2)]]));
    expect(warnings).to.deep.equal([]);
    expect(recs).to.have.length(2);
    for (const r of recs) expect(r.eventData).to.deep.equal(typesExpected());
    const r = recs[0];
    expect(r).to.include({
      provider: 'Microsoft-Windows-Sysmon',
      providerGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
      eventId: 1,
      level: 4,
      keywords: '0x8000000000000000',
      timeCreatedRaw: '2021-11-02T14:15:23.6767020Z',
      timeCreated: Date.UTC(2021, 10, 2, 14, 15, 23, 676),
      recordId: 1,
      processId: 1234,
      threadId: 42,
      channel: 'Microsoft-Windows-Sysmon/Operational',
      computer: 'WS01.lab.local',
      userSid: 'S-1-5-18',
    });
    expect(r.origin).to.deep.include({ format: 'evtx', file: '<buffer>', recordId: 1, offset: 4096 + 512 });
  });

  it('renders booleans, hex and binary as Windows does in the default style', function () {
    const { recs, warnings } = parse(buildEvtx([[typesRecord(1)]]), 'windows');
    expect(warnings).to.deep.equal([]);
    expect(recs[0].eventData).to.deep.equal({
      ...typesExpected(),
      BoolTrue: 'true',
      BoolFalse: 'false',
      Hex32: '0x3001f',
      Hex64: '0x3001f',
      Binary: 'DEADBEEF00',
    });
    expect(recs[0].keywords).to.equal('0x8000000000000000');
    expect([...parseEvtxBuffer(buildEvtx([[arrayRecord(1, false)]]))][0].eventData.Hex64Array).to.equal('0x1, 0xff');
  });

  it('expands nested BinXML values (type 0x21) into UserData, and leaves a null optional SID out', function () {
    const { recs, warnings } = parse(buildEvtx([[nestedRecord(7)]]));
    expect(warnings).to.deep.equal([]);
    expect(recs[0].eventId).to.equal(1102);
    expect(recs[0].eventData).to.deep.equal({ SubjectUserName: 'admmig', SubjectDomainName: 'OFFSEC' });
    expect(recs[0].userSid).to.equal(undefined);
    expect([...evtxBufferXml(buildEvtx([[nestedRecord(7)]]))][0]).to.contain(
      '<UserData><LogFileCleared><SubjectUserName>admmig</SubjectUserName><SubjectDomainName>OFFSEC</SubjectDomainName></LogFileCleared></UserData>',
    );
  });

  it('renders arrays as repeated elements (XML) and joined items (EventData), character references and PIs', function () {
    const buf = buildEvtx([[arrayRecord(1, true)]]);
    const { recs, warnings } = parse(buf);
    expect(warnings).to.deep.equal([]);
    expect(recs[0].eventData).to.deep.equal(ARRAY_EXPECTED);
    const xml = [...evtxBufferXml(buf, { values: 'python-evtx' })][0];
    expect(xml).to.contain('<Data Name="WStringArray">one</Data><Data Name="WStringArray">two</Data><Data Name="WStringArray">three</Data>');
  });

  it('agrees with python-evtx (evtx_dump.py) on every value type of the same bytes', function () {
    requireOrSkip(this, hasCommand('evtx_dump.py'), 'evtx_dump.py (Debian python3-evtx) not installed');
    const file = join(dir, 'types.evtx');
    const buf = buildEvtx([[pythonSafe(typesRecord(1)), nestedRecord(2), pythonSafe(typesRecord(3))]]);
    writeFileSync(file, buf);
    const oracle = readEvents(execFileSync('evtx_dump.py', [file], { encoding: 'utf8' }));
    const { recs } = parse(buf);
    expect(recs.length).to.equal(oracle.length).and.equal(3);
    const problems: string[] = [];
    recs.forEach((r, i) => {
      const want = new Map<string, string>();
      for (const d of child(oracle[i], 'EventData')?.children ?? []) want.set(d.attrs.Name, d.text);
      for (const el of child(child(oracle[i], 'UserData'), 'LogFileCleared')?.children ?? []) want.set(el.name, el.text);
      expect(want.size, `record ${i}`).to.be.greaterThan(1);
      // python-evtx bug: it puts SYSTEMTIME milliseconds into the microseconds field (".825" -> ".000825").
      const sysTime = want.get('SystemTime');
      if (sysTime) want.set('SystemTime', sysTime.replace(/\.000(\d{3})$/, '.$1000'));
      for (const [k, v] of want) if (!same(r.eventData[k], v)) problems.push(`#${i} ${k}: ours ${JSON.stringify(r.eventData[k])} python-evtx ${JSON.stringify(v)}`);
      const sys = child(oracle[i], 'System');
      if (!same(r.timeCreatedRaw, child(sys, 'TimeCreated')?.attrs.SystemTime)) problems.push(`#${i} SystemTime`);
      if (!same(r.providerGuid, child(sys, 'Provider')?.attrs.Guid)) problems.push(`#${i} Guid`);
      if (!same(r.userSid, child(sys, 'Security')?.attrs.UserID)) problems.push(`#${i} UserID`);
    });
    expect(problems).to.deep.equal([]);
  });

  it('agrees with libevtx (evtxexport) on arrays and entity references', function () {
    requireOrSkip(this, hasCommand('evtxexport'), 'evtxexport (Debian libevtx-utils) not installed');
    const file = join(dir, 'arrays.evtx');
    writeFileSync(file, buildEvtx([[arrayRecord(1, false), typesRecord(2)]]));
    const theirs = readEvents(execFileSync('evtxexport', ['-f', 'xml', file], { encoding: 'utf8' }));
    // libevtx pads hex like python-evtx does.
    const ours = readEvents([...evtxBufferXml(buildEvtx([[arrayRecord(1, false), typesRecord(2)]]), { values: 'python-evtx' })].join('\n'));
    const pairs = (e: (typeof theirs)[number]): string[] => (child(e, 'EventData')?.children ?? []).map((d) => `${d.attrs.Name}=${d.text}`);
    expect(pairs(ours[0])).to.deep.equal(pairs(theirs[0]));
    expect(pairs(theirs[0])).to.include('UInt32Array=2');
    expect(pairs(theirs[1])).to.include('Entity=a & b');
    expect(pairs(ours[1])).to.include('Entity=a & b');
  });

  it('streams the same records from a file as from a buffer', async function () {
    const file = join(dir, 'stream.evtx');
    const buf = buildEvtx([[typesRecord(1), nestedRecord(2)], [typesRecord(3)], [arrayRecord(4)]]);
    writeFileSync(file, buf);
    const fromFile = [];
    for await (const r of readEvtxFile(file)) fromFile.push(r);
    const fromBuf = [...parseEvtxBuffer(buf, { file, values: 'windows' })];
    expect(fromFile.map((r) => r.recordId)).to.deep.equal([1, 2, 3, 4]);
    expect(fromFile).to.deep.equal(fromBuf);
  });
});
