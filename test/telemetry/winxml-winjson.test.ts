// Windows XML and JSON shapes built from real recorded events (datasets): wevtutil-style XML without a
// root element and Windows time format, one event per line, Get-WinEvent RenderedXml, Winlogbeat JSON
// (a re-shaping of the SigmaHQ record, the shape Winlogbeat documents), and broken input of every kind.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASETS, datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { parseWindowsXml, parseWinTime } from '../../harness/telemetry/parsers/winxml.js';
import { jsonToItems, parseJsonLines } from '../../harness/telemetry/parsers/winjson.js';
import type { ParseWarning } from '../../harness/model/event.js';

const SIGMA = 'SigmaHQ-sigma-regression_data/proc_creation_win_certutil_certificate_installation/d2125259-ddea-4c1c-9c22-977eb5b29cf0';
const BIG = 'EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1562.004-Impair Defenses-Disable or Modify System Firewall/ID4688-5447-4950-Firewall disabled (command).evtx.python-evtx.xml';

describe('Windows event XML and JSON parsers (recorded events re-shaped)', () => {
  before(function () {
    requireOrSkip(this, datasetsPresent(), `datasets not found at ${DATASETS}`);
  });
  const xml = (): string => readFileSync(join(DATASETS, BIG), 'utf8');

  it('reads wevtutil /f:xml output (no root element, Windows SystemTime) like the <Events> file', () => {
    const withRoot = parseWindowsXml(xml());
    const bare = xml()
      .replace(/<\?xml[^>]*>\s*/, '').replace(/<\/?Events>/g, '')
      .replace(/SystemTime="(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\.(\d+)"/g, (_, d, t, f) => `SystemTime="${d}T${t}.${String(f).padEnd(7, '0')}Z"`);
    const recs = parseWindowsXml(bare);
    expect(withRoot).to.have.length(998);
    expect(recs.map((r) => [r.recordId, r.eventId, r.timeCreated, r.eventData])).to.deep.equal(withRoot.map((r) => [r.recordId, r.eventId, r.timeCreated, r.eventData]));
    expect(recs[0]!.timeCreatedRaw).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
  });

  it('reads one event per line, and Get-WinEvent RenderedXml with its message', () => {
    const events = xml().match(/<Event [\s\S]*?<\/Event>/g)!.slice(0, 50).map((e) => e.replace(/\n/g, ''));
    const recs = parseWindowsXml(events.join('\n'));
    expect(recs).to.have.length(50);
    expect(recs[10]!.origin.line).to.equal(11);
    const rendered = events[0]!.replace('</Event>', '<RenderingInfo Culture="en-US"><Message>A new process has been created. &amp; more</Message></RenderingInfo></Event>');
    expect(parseWindowsXml(rendered)[0]!.message).to.equal('A new process has been created. & more');
  });

  it('skips garbage and truncated XML with located warnings and keeps every good event', () => {
    const events = xml().match(/<Event [\s\S]*?<\/Event>/g)!.slice(0, 5);
    const broken = [events[0], '<Event><System><Provider Name="X"/></System></Event>', events[1]!.slice(0, 200), events[2], 'garbage < > & <<<', '<Event><System><Provider Name="P"/><EventID>notanumber</EventID></System></Event>', events[3], events[4]!.slice(0, 300)].join('\n');
    const w: ParseWarning[] = [];
    const recs = parseWindowsXml(broken, { file: 'b.xml', onWarning: (x) => w.push(x) });
    expect(recs.map((r) => r.recordId)).to.deep.equal(parseWindowsXml([events[0], events[2], events[3]].join('\n')).map((r) => r.recordId));
    expect(w.map((x) => x.reason)).to.have.length(4);
    expect(w.every((x) => x.file === 'b.xml' && typeof x.line === 'number')).to.equal(true);
    expect(w.map((x) => x.reason).join('|')).to.match(/numeric EventID.*truncated.*numeric EventID.*truncated <Event> at end of input/);
  });

  it('parses the time forms of Windows, python-evtx and Sysmon for Linux to the same instant', () => {
    expect(parseWinTime('2021-11-02T14:15:23.6767020Z')).to.equal(Date.UTC(2021, 10, 2, 14, 15, 23, 676));
    expect(parseWinTime('2021-11-02 14:15:23.676702')).to.equal(Date.UTC(2021, 10, 2, 14, 15, 23, 676));
    expect(parseWinTime('2022-05-11T18:10:20.399931000Z')).to.equal(Date.UTC(2022, 4, 11, 18, 10, 20, 399));
    expect(Number.isNaN(parseWinTime('yesterday'))).to.equal(true);
  });

  it('reads a Winlogbeat record (winlog.event_data) like the SigmaHQ export of the same event', () => {
    const sig = JSON.parse(readFileSync(join(DATASETS, `${SIGMA}.json`), 'utf8')) as { Event: { System: Record<string, any>; EventData: Record<string, unknown> } };
    const sys = sig.Event.System;
    const beat = {
      '@timestamp': sys.TimeCreated['#attributes'].SystemTime,
      event: { code: String(sys.EventID), provider: 'Microsoft-Windows-Sysmon', created: '2025-10-25T17:00:00.000Z' },
      winlog: { channel: sys.Channel, computer_name: sys.Computer, event_id: String(sys.EventID), provider_name: sys.Provider['#attributes'].Name, provider_guid: sys.Provider['#attributes'].Guid, record_id: String(sys.EventRecordID), process: { pid: sys.Execution['#attributes'].ProcessID, thread: { id: sys.Execution['#attributes'].ThreadID } }, user: { identifier: sys.Security['#attributes'].UserID }, event_data: sig.Event.EventData },
    };
    const a = jsonToItems(beat, 1);
    const b = jsonToItems(sig, 1);
    if (typeof a === 'string' || typeof b === 'string') throw new Error(String(a) + String(b));
    const ra = a[0]!.kind === 'windows' ? a[0]!.rec : null;
    const rb = b[0]!.kind === 'windows' ? b[0]!.rec : null;
    expect(ra!.eventData).to.deep.equal(rb!.eventData);
    expect([ra!.eventId, ra!.recordId, ra!.channel, ra!.computer, ra!.timeCreated, ra!.userSid, ra!.processId]).to.deep.equal([rb!.eventId, rb!.recordId, rb!.channel, rb!.computer, rb!.timeCreated, rb!.userSid, rb!.processId]);
  });

  it('skips broken JSON lines and unknown objects with located warnings, keeping the good lines', async () => {
    const lines = readFileSync(join(DATASETS, 'OTRF-Security-Datasets/atomic/windows/credential_access/host/cmd_dumping_ntds_dit_file_volume_shadow_copy.certificate-excerpt.jsonl'), 'utf8').trim().split('\n');
    const mixed = [lines[0], '{"EventID": 13, "Chann', lines[1], '[1,2', '{"hello":"world"}', '', lines[2], '42'];
    const w: ParseWarning[] = [];
    const out = [];
    for await (const it of parseJsonLines(mixed, { file: 'm.jsonl', onWarning: (x) => w.push(x) })) out.push(it);
    expect(out).to.have.length(3);
    expect(w.map((x) => x.line)).to.deep.equal([2, 4, 5, 8]);
    expect(w[0]!.reason).to.match(/broken JSON/);
    expect(w[2]!.reason).to.match(/not a recognised Windows event/);
  });
});
