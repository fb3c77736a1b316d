// Oracle: every .evtx in ../shared/datasets, parsed by our TypeScript EVTX parser, must equal python-evtx's
// rendering beside it (`*.evtx.python-evtx.xml`): same records in the same order, and every System field,
// EventData/UserData name and value. python-evtx writes SystemTime as "2021-11-02 14:15:23.676702" where we
// (like Windows) write "2021-11-02T14:15:23.6767020Z": times are compared as instants, exactly as
// python-evtx computes them (see `same` in oracle-xml.ts).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { DATASETS, datasetsPresent, requireOrSkip } from '../../helpers/env.js';
import { evtxBufferXml, parseEvtxBuffer } from '../../../harness/telemetry/parsers/evtx/index.js';
import type { WindowsEventRecord } from '../../../harness/telemetry/record.js';
import { chunkRecords } from '../../../harness/telemetry/parsers/evtx/chunk.js';
import { toEventRecord } from '../../../harness/telemetry/parsers/evtx/convert.js';
import { child, leaves, micros, readEvents, same, type OElement } from './oracle-xml.js';

function evtxFiles(): string[] {
  return execFileSync('find', [DATASETS, '-name', '*.evtx', '-type', 'f'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).sort();
}

// The record's fields against the oracle's System block and EventData/UserData.
function compareRecord(r: WindowsEventRecord, o: OElement, diff: (field: string, ours: unknown, oracle: unknown) => void): void {
  const sys = child(o, 'System')!;
  const check = (field: string, ours: string | number | undefined, oracle: string | undefined): void => {
    if (!same(ours, oracle)) diff(field, ours, oracle);
  };
  const prov = child(sys, 'Provider');
  check('Provider/@Name', r.provider, prov?.attrs.Name ?? prov?.attrs.EventSourceName);
  check('Provider/@Guid', r.providerGuid, prov?.attrs.Guid);
  check('EventID', r.eventId, child(sys, 'EventID')?.text);
  for (const [k, f] of [['Version', r.version], ['Level', r.level], ['Task', r.task], ['Opcode', r.opcode]] as const) {
    check(k, f, child(sys, k)?.text);
  }
  check('Keywords', r.keywords, child(sys, 'Keywords')?.text);
  check('TimeCreated/@SystemTime', r.timeCreatedRaw, child(sys, 'TimeCreated')?.attrs.SystemTime);
  const tms = micros(child(sys, 'TimeCreated')?.attrs.SystemTime ?? '');
  if (tms === null || Math.abs(r.timeCreated * 1000 - tms) >= 1001) diff('timeCreated (epoch ms)', r.timeCreated, tms);
  check('EventRecordID', r.recordId, child(sys, 'EventRecordID')?.text);
  check('Execution/@ProcessID', r.processId, child(sys, 'Execution')?.attrs.ProcessID);
  check('Execution/@ThreadID', r.threadId, child(sys, 'Execution')?.attrs.ThreadID);
  check('Channel', r.channel, child(sys, 'Channel')?.text);
  check('Computer', r.computer, child(sys, 'Computer')?.text);
  check('Security/@UserID', r.userSid, child(sys, 'Security')?.attrs.UserID);
  // EventData / UserData, as flat name -> value.
  const want = new Map<string, string>();
  const ed = child(o, 'EventData');
  let unnamed = 0;
  for (const d of ed?.children ?? []) want.set(d.name === 'Data' ? d.attrs.Name ?? `Data${++unnamed}` : d.name, d.text);
  const ud = child(o, 'UserData');
  const flat = (els: OElement[]): void => {
    for (const e of els) {
      if (e.children.length) flat(e.children);
      else if (!want.has(e.name)) want.set(e.name, e.text);
    }
  };
  if (ud) flat(ud.children);
  const got = new Map(Object.entries(r.eventData));
  for (const [k, v] of want) if (!got.has(k) || !same(got.get(k), v)) diff(`EventData ${k}`, got.get(k), v);
  for (const k of got.keys()) if (!want.has(k)) diff(`EventData ${k} (extra)`, got.get(k), undefined);
}

describe('EVTX parser against python-evtx (oracle: every dataset .evtx and its python-evtx XML)', function () {
  this.timeout(120_000);
  before(function () {
    requireOrSkip(this, datasetsPresent(), `datasets not found at ${DATASETS}`);
  });

  it('finds the dataset EVTX files, each with its oracle rendering', function () {
    const files = evtxFiles();
    expect(files.length).to.be.at.least(16);
    for (const f of files) expect(existsSync(`${f}.python-evtx.xml`), `${f}.python-evtx.xml`).to.equal(true);
  });

  it('yields the same records, in the same order, with every System field and EventData value equal', function () {
    const problems: string[] = [];
    let total = 0;
    for (const f of evtxFiles()) {
      const name = relative(DATASETS, f);
      const oracle = readEvents(readFileSync(`${f}.python-evtx.xml`, 'utf8'));
      const warnings: string[] = [];
      const recs = [...parseEvtxBuffer(readFileSync(f), { file: f, values: 'python-evtx', onWarning: (w) => warnings.push(`${w.offset}: ${w.reason}`) })];
      if (warnings.length) problems.push(`${name}: ${warnings.length} warnings on a good file, first: ${warnings[0]}`);
      if (recs.length !== oracle.length) problems.push(`${name}: ${recs.length} records, python-evtx has ${oracle.length}`);
      for (let i = 0; i < Math.min(recs.length, oracle.length); i++) {
        const id = child(child(oracle[i], 'System'), 'EventRecordID')?.text;
        compareRecord(recs[i], oracle[i], (field, ours, theirs) =>
          problems.push(`${name} record #${i} (EventRecordID ${id}): ${field}: ours ${JSON.stringify(ours)} python-evtx ${JSON.stringify(theirs)}`),
        );
      }
      total += recs.length;
    }
    if (problems.length) console.log(`      ${problems.length} differences; first 40:\n      ${problems.slice(0, 40).join('\n      ')}`);
    expect(problems, problems.slice(0, 5).join('\n')).to.deep.equal([]);
    expect(total).to.be.at.least(2400);
  });

  it('in the default Windows value style differs from python-evtx only by Windows forms (true, 0x3001f)', function () {
    const problems: string[] = [];
    const changed = new Map<string, number>();
    for (const f of evtxFiles()) {
      const buf = readFileSync(f);
      const py = [...parseEvtxBuffer(buf, { values: 'python-evtx' })];
      const win = [...parseEvtxBuffer(buf)];
      expect(win.length).to.equal(py.length);
      win.forEach((r, i) => {
        const p = py[i];
        const pairs: Array<[string, string | number | undefined, string | number | undefined]> = [
          ['Keywords', r.keywords, p.keywords], ['SystemTime', r.timeCreatedRaw, p.timeCreatedRaw], ['Guid', r.providerGuid, p.providerGuid],
          ...Object.keys(p.eventData).map((k): [string, string, string] => [k, r.eventData[k], p.eventData[k]]),
        ];
        for (const [k, w, q] of pairs) {
          if (w === q) continue;
          const expected = q === 'True' ? 'true' : q === 'False' ? 'false' : typeof q === 'string' && /^0x0+[0-9a-f]/.test(q) ? q.replace(/^0x0+(?=[0-9a-f])/, '0x') : undefined;
          if (w !== expected) problems.push(`${relative(DATASETS, f)} #${i} ${k}: windows ${JSON.stringify(w)} python-evtx ${JSON.stringify(q)}`);
          else changed.set(k, (changed.get(k) ?? 0) + 1);
        }
        expect(Object.keys(r.eventData)).to.deep.equal(Object.keys(p.eventData));
      });
    }
    console.log(`      values in Windows form: ${[...changed].map(([k, n]) => `${k} x${n}`).join(', ')}`);
    expect(problems.slice(0, 10)).to.deep.equal([]);
    expect(changed.get('Initiated')).to.be.greaterThan(0); // booleans: Sysmon 3
    expect(changed.get('LogonId')).to.be.greaterThan(0); // hex64: Sysmon 1
  });

  it('gives identical records on the fast (per-template plan) path and the element-tree path', function () {
    let fast = 0;
    for (const f of evtxFiles()) {
      const buf = readFileSync(f);
      for (const win of [true, false]) {
        const a: WindowsEventRecord[] = [];
        const b: WindowsEventRecord[] = [];
        for (let off = 4096; off < buf.length; off += 65536) {
          const chunk = buf.subarray(off, off + 65536);
          a.push(...chunkRecords(chunk, off, f, () => {}, toEventRecord(f, () => {}, true), win));
          b.push(...chunkRecords(chunk, off, f, () => {}, toEventRecord(f, () => {}, false), win));
        }
        expect(a, relative(DATASETS, f)).to.deep.equal(b);
        fast += a.length;
      }
    }
    expect(fast).to.be.at.least(2 * 2414);
  });

  it('renders each record as XML whose every element and attribute equals the python-evtx rendering', function () {
    const problems: string[] = [];
    for (const f of evtxFiles()) {
      const name = relative(DATASETS, f);
      const oracle = readEvents(readFileSync(`${f}.python-evtx.xml`, 'utf8'));
      const ours = readEvents([...evtxBufferXml(readFileSync(f), { file: f, values: 'python-evtx' })].join('\n'));
      expect(ours.length, name).to.equal(oracle.length);
      for (let i = 0; i < oracle.length; i++) {
        const a = leaves(ours[i]);
        const b = leaves(oracle[i]);
        for (const [k, v] of b) if (!a.has(k) || !same(a.get(k), v)) problems.push(`${name} #${i} ${k}: ours ${JSON.stringify(a.get(k))} python-evtx ${JSON.stringify(v)}`);
        for (const k of a.keys()) if (!b.has(k)) problems.push(`${name} #${i} ${k}: only ours`);
      }
    }
    if (problems.length) console.log(`      ${problems.length} differences; first 40:\n      ${problems.slice(0, 40).join('\n      ')}`);
    expect(problems, problems.slice(0, 5).join('\n')).to.deep.equal([]);
  });
});
