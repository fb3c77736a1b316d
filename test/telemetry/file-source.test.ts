// FileTelemetrySource: the TelemetrySource over local files, with its time window and collected warnings.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATASETS, datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { FileTelemetrySource } from '../../harness/telemetry/index.js';
import { loadProfile } from '../../harness/telemetry/profile.js';

describe('FileTelemetrySource (recorded OTRF audit.log)', () => {
  it('yields events inside the window only and collects warnings', async function () {
    requireOrSkip(this, datasetsPresent(), 'datasets missing');
    const dir = mkdtempSync(join(tmpdir(), 'ath-src-'));
    const f = join(dir, 'audit.log');
    const text = readFileSync(join(DATASETS, 'OTRF-Security-Datasets/atomic/linux/discovery/host/sh_arp_cache_2020-11-10074812.log'), 'utf8');
    writeFileSync(f, `${text}type=BROKEN\n`);
    const src = new FileTelemetrySource([f], { profile: loadProfile('stock'), host: { hostname: 'lnx-01', sourceip: '10.0.0.9' } });
    const all = [];
    for await (const e of src.events()) all.push(e);
    expect(all.map((e) => e.properties.cmdline)).to.deep.equal(['arp -a', "grep -v '^?'"]);
    expect(all[0]!.hostname).to.equal('lnx-01');
    expect(all[0]!.logsourcename).to.equal('lnx-01 @ 10.0.0.9');
    expect(src.warnings().map((w) => [w.line, w.reason])).to.deep.equal([[13, 'record has no msg=audit(...) header']]);
    const t = all[0]!.devicetime;
    const inside = [];
    for await (const e of src.events({ start: t + 1, stop: t + 10_000 })) inside.push(e);
    expect(inside).to.have.length(0); // both execs share one millisecond
    for await (const e of src.events({ start: t, stop: t + 1 })) inside.push(e);
    expect(inside).to.have.length(2);
  });
});
