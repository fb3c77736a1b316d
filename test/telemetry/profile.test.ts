// Property profiles: loading, located errors, the field catalog, and raw-name lookups that work under
// every profile (recorded real events from the datasets, real files for the bad profiles).
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATASETS, datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { listProfiles, loadProfile } from '../../harness/telemetry/profile.js';
import { readEventFiles } from '../../harness/telemetry/index.js';
import { rawValue, signalSourceOf } from '../../harness/telemetry/sources.js';
import { isHarnessError, type HarnessError } from '../../harness/errors.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import type { PropertyProfile } from '../../harness/model/profile.js';

const SEED_NAMES = ['EventID', 'TargetObject', 'Image', 'CommandLine', 'ParentImage', 'HostName', 'UserName', 'Process Path', 'Process CommandLine'];

function err(fn: () => unknown): HarnessError {
  try { fn(); } catch (e) { if (isHarnessError(e)) return e; throw e; }
  throw new Error('expected a HarnessError');
}

async function first(rel: string, profile: PropertyProfile): Promise<NormalizedEvent> {
  for await (const e of readEventFiles([join(DATASETS, rel)], { profile })) return e;
  throw new Error('no event');
}

describe('property profiles', () => {
  it('ships stock and sysmon-dsm with the documented catalogs of the seed rules\' names', () => {
    expect(listProfiles()).to.include.members(['stock', 'sysmon-dsm']);
    const stock = loadProfile('stock');
    const dsm = loadProfile('sysmon-dsm');
    for (const n of SEED_NAMES) expect(stock.customProperties, n).to.include(n);
    expect(SEED_NAMES.filter((n) => dsm.customProperties.includes(n))).to.deep.equal(['Process Path', 'Process CommandLine']);
    expect(stock.deviceTypes[12]).to.equal('Microsoft Windows Security Event Log');
    expect(stock.sources.sysmon!.devicetype).to.equal(12);
    expect(stock.sources.auditd!.devicetype).to.equal(11);
    expect(dsm.deviceTypes[dsm.sources.sysmon!.devicetype]).to.match(/Sysmon/);
    expect(loadProfile('stock')).to.equal(stock, 'cached');
  });

  it('rejects a missing profile and a bad one with file:line and the fix', () => {
    const e1 = err(() => loadProfile('no-such-profile'));
    expect(e1.code).to.equal('HARNESS_PROFILE_NOT_FOUND');
    expect(e1.fix).to.include('stock');
    const dir = mkdtempSync(join(tmpdir(), 'ath-profile-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'name: bad\ndeviceTypes:\n  12: Windows\nsources:\n  sysmon:\n    devicetype: 12\n    properties:\n      Image: [Image, { name: "Process Name", transform: rot13 }]\n');
    const e2 = err(() => loadProfile(f));
    expect(e2.code).to.equal('HARNESS_PROFILE_INVALID');
    expect(e2.message).to.include('rot13');
    expect(e2.location).to.deep.include({ file: f, line: 8 });
    writeFileSync(f, 'name: bad\ndeviceTypes: { 12: W }\nsources:\n  sysmon: { devicetype: 13 }\n');
    expect(err(() => loadProfile(f)).format()).to.match(/bad\.yaml:4:\d+: devicetype 13 has no name in deviceTypes \[HARNESS_PROFILE_INVALID\]\n {2}fix: add `13: <DSM name>`/);
    writeFileSync(f, 'name: bad\ndeviceTypes: { 12: W }\nsources: {}\ncolour: blue\n');
    expect(err(() => loadProfile(f)).location?.line).to.equal(4);
    writeFileSync(f, 'name: [unclosed\n');
    expect(err(() => loadProfile(f)).code).to.equal('HARNESS_PROFILE_INVALID');
  });

  it('raw names resolve under every profile, from properties or from the payload (recorded Sysmon 13 and 4688)', async function () {
    requireOrSkip(this, datasetsPresent(), 'datasets missing');
    const reg = 'SigmaHQ-sigma-regression_data/registry_set_install_root_or_ca_certificat/d223b46b-5621-4037-88fe-fda32eead684.evtx';
    const target = 'HKU\\S-1-5-21-4246997345-1000708036-2014123355-1001\\Software\\Microsoft\\SystemCertificates\\CA\\Certificates\\67CB47F0FE1CE30BE53C368173B985747E9762D0\\Blob';
    for (const name of ['stock', 'sysmon-dsm']) {
      const p = loadProfile(name);
      const e = await first(reg, p);
      expect(signalSourceOf(e)).to.equal('sysmon');
      expect(rawValue(e, 'TargetObject', p), name).to.equal(target);
      expect(rawValue(e, 'targetobject', p), `${name} case-insensitive`).to.equal(target);
      expect(rawValue(e, 'Image', p)).to.equal('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
      expect(rawValue(e, 'Details', p)).to.equal('Binary Data');
      expect(rawValue(e, 'EventID', p)).to.equal(13);
      expect(rawValue(e, 'NoSuchField', p)).to.equal(null);
    }
    const dsm = loadProfile('sysmon-dsm');
    const e = await first(reg, dsm);
    expect(e.properties.TargetObject).to.equal(undefined);
    expect(e.properties['Registry Key']).to.include('SystemCertificates\\CA');
    expect(e.devicetype).to.equal(4001);
    expect(e.logsourcetypename).to.equal('Microsoft Windows Sysmon');
    const sec = 'EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1140-Deobfuscate-Decode Files or Information/ID4688-Certutil download.evtx';
    let seen = 0;
    for await (const x of readEventFiles([join(DATASETS, sec)], { profile: dsm })) {
      if (x.eventid !== 4688) continue;
      expect(x.properties['Process Path']).to.equal('C:\\Windows\\System32\\certutil.exe');
      expect(rawValue(x, 'SubjectUserName', dsm)).to.equal('admmig');
      expect(x.devicetype).to.equal(12);
      seen++;
    }
    expect(seen).to.equal(1);
  });

  it('normalised JSONL read back keeps its source identity (signalSourceOf, rawValue via payload)', async function () {
    requireOrSkip(this, datasetsPresent(), 'datasets missing');
    const p = loadProfile('stock');
    const e = await first('OTRF-Security-Datasets/atomic/linux/discovery/host/sh_arp_cache_2020-11-10074812.log', p);
    const back = JSON.parse(JSON.stringify(e)) as NormalizedEvent;
    expect(signalSourceOf(back)).to.equal('auditd');
    expect(rawValue(back, 'exe', loadProfile('sysmon-dsm'))).to.equal('/usr/sbin/arp');
    const noOrigin = { ...back, origin: { format: 'qradar' } };
    expect(signalSourceOf(noOrigin), 'from the payload alone, as QRadar returns it').to.equal('auditd');
  });

  it('an auditd record forwarded through syslog keeps its header in the QRadar payload: still auditd, fields still read', async function () {
    requireOrSkip(this, datasetsPresent(), 'datasets missing');
    const p = loadProfile('stock');
    const e = await first('OTRF-Security-Datasets/atomic/linux/discovery/host/sh_arp_cache_2020-11-10074812.log', p);
    const record = e.payload.split('\n').find((l) => l.startsWith('type=SYSCALL')) ?? e.payload.split('\n')[0]!;
    for (const header of ['<14>Nov 10 07:48:12 ubuntu audispd: ', 'Nov 10 07:48:12 ubuntu audispd: node=ubuntu ', '<29>1 2020-11-10T07:48:12Z ubuntu audisp-syslog - - - ']) {
      const fwd = { ...e, payload: header + record, origin: { format: 'qradar' } } as NormalizedEvent;
      expect(signalSourceOf(fwd), header).to.equal('auditd');
      expect(rawValue(fwd, 'exe', p), header).to.equal('/usr/sbin/arp');
    }
    // A Windows payload that merely mentions such text later on is not taken for auditd by a prefix alone.
    expect(signalSourceOf({ ...e, payload: 'AgentDevice=WindowsLog\tSource=Microsoft-Windows-Sysmon\tMessage=typex=EXECVE', origin: { format: 'qradar' } } as NormalizedEvent)).to.not.equal('auditd');
  });
});
