// 1,000,000 normalised events shaped like the real Sysmon events in ../shared/datasets (SigmaHQ and OTRF
// recordings): process creation (1) and registry create/set (12/13) with realistic images, command lines
// and registry paths. About 0.1% of all events are certificate-store writes or certificate tooling that the
// (corrected) seed rules should return; 1% are benign certificate-store writes by excluded system processes.
import type { NormalizedEvent } from '../../harness/model/event.js';
import type { PropertyProfile } from '../../harness/model/profile.js';

/** A deployment with a Sysmon-named DSM (so seed 1's DSM filter passes and its patterns are really evaluated). */
export const BENCH_PROFILE: PropertyProfile = {
  name: 'bench-sysmon-dsm',
  deviceTypes: { 11: 'Linux OS', 12: 'Microsoft Windows Security Event Log', 4001: 'Microsoft Windows Sysmon' },
  sources: {},
  customProperties: ['EventID', 'HostName', 'UserName', 'Image', 'CommandLine', 'ParentImage', 'TargetObject', 'Details', 'Process Path', 'Process CommandLine'],
};

export const T0 = Date.parse('2026-11-21T06:00:00Z');
export const NOW = Date.parse('2026-11-22T06:00:00Z');

// mulberry32: deterministic, so every run measures the same rows.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYS = 'C:\\Windows\\System32\\';
const BENIGN_IMAGES = [
  `${SYS}svchost.exe`, `${SYS}RuntimeBroker.exe`, 'C:\\Windows\\explorer.exe', 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', `${SYS}conhost.exe`, `${SYS}taskhostw.exe`, `${SYS}SearchIndexer.exe`,
  `${SYS}WindowsPowerShell\\v1.0\\powershell.exe`, `${SYS}cmd.exe`, 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', `${SYS}backgroundTaskHost.exe`,
];
const BENIGN_CMD: Record<string, string[]> = {
  'powershell.exe': ['powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\ProgramData\\inventory.ps1', 'powershell.exe Get-Service | Where-Object Status -eq Running'],
  'cmd.exe': ['cmd.exe /c ipconfig /all', 'C:\\Windows\\system32\\cmd.exe /c "dir C:\\Users\\Public"'],
  'svchost.exe': ['C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule', 'C:\\Windows\\System32\\svchost.exe -k LocalServiceNetworkRestricted -p'],
};
const BENIGN_KEYS = [
  'HKLM\\System\\CurrentControlSet\\Services\\bam\\State\\UserSettings\\S-1-5-21-4246997345-1000708036-2014123355-1001\\\\Device\\HarddiskVolume3\\Windows\\System32\\cmd.exe',
  'HKU\\S-1-5-21-4246997345-1000708036-2014123355-1001\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RecentDocs\\.txt',
  'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\OneDrive',
  'HKLM\\System\\CurrentControlSet\\Services\\W32Time\\Config\\LastKnownGoodTime',
  'HKU\\S-1-5-21-4246997345-1000708036-2014123355-1001\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\ZoneMap\\ProxyBypass',
  'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\SignatureLocation',
];
const THUMB = (r: () => number) => Array.from({ length: 40 }, () => '0123456789ABCDEF'[Math.floor(r() * 16)]).join('');
const CERT_STORES = [
  'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Root\\Certificates\\', 'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\CA\\Certificates\\',
  'HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\Root\\Certificates\\', 'HKU\\S-1-5-21-4246997345-1000708036-2014123355-1001\\Software\\Microsoft\\SystemCertificates\\CA\\Certificates\\',
];
const TOOLING: [string, string][] = [
  [`${SYS}certutil.exe`, 'certutil  -addstore -f root C:\\Users\\ADMINI~1\\AppData\\Local\\Temp\\cert.cer'],
  ['C:\\Program Files\\OpenSSL-Win64\\bin\\openssl.exe', 'openssl req -x509 -newkey rsa:2048 -keyout key.pem -out cert.pem -days 365 -subj "/CN=Microsoft IT TLS CA 5"'],
  [`${SYS}WindowsPowerShell\\v1.0\\powershell.exe`, 'powershell.exe -Command "New-SelfSignedCertificate -DnsName test.local -CertStoreLocation Cert:\\LocalMachine\\My"'],
];

// Generates n events; the counts of planted positives are returned so the bench can check the engines.
export function generateEvents(n: number, seed = 42): { events: NormalizedEvent[]; planted: { registry: number; tooling: number } } {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const events: NormalizedEvent[] = new Array(n);
  let registry = 0;
  let tooling = 0;
  for (let i = 0; i < n; i++) {
    const t = T0 + Math.floor((i / n) * 86_400_000);
    const host = `WS-${String(Math.floor(r() * 200)).padStart(3, '0')}`;
    const user = `CORP\\user${Math.floor(r() * 500)}`;
    const roll = r();
    let props: Record<string, string | number | null>;
    let eid: number;
    if (roll < 0.5) {
      eid = 1;
      let image = pick(BENIGN_IMAGES);
      const base = image.slice(image.lastIndexOf('\\') + 1).toLowerCase();
      let cmd = pick(BENIGN_CMD[base] ?? [`"${image}"`]);
      if (r() < 0.002) {
        [image, cmd] = pick(TOOLING);
        tooling++;
      }
      props = { EventID: 1, HostName: host, UserName: user, Image: image, CommandLine: cmd, ParentImage: 'C:\\Windows\\explorer.exe', 'Process Path': image, 'Process CommandLine': cmd };
    } else {
      eid = roll < 0.75 ? 12 : 13;
      let image = pick(BENIGN_IMAGES);
      let key = pick(BENIGN_KEYS);
      const c = r();
      if (c < 0.002) {
        image = pick([`${SYS}certutil.exe`, `${SYS}WindowsPowerShell\\v1.0\\powershell.exe`, `${SYS}mmc.exe`]);
        key = pick(CERT_STORES) + THUMB(r) + '\\Blob';
        registry++;
      } else if (c < 0.022) {
        image = pick([`${SYS}svchost.exe`, `${SYS}lsass.exe`]);
        key = pick(CERT_STORES) + THUMB(r) + '\\Blob';
      }
      props = { EventID: eid, HostName: host, UserName: user, Image: image, TargetObject: key, Details: eid === 13 ? 'Binary Data' : null };
    }
    events[i] = {
      starttime: t, devicetime: t - 1500, devicetype: 4001, logsourceid: 100 + (i % 200), logsourcename: `${host} @ 10.1.${(i % 200) >> 4}.${i % 16}`, logsourcetypename: 'Microsoft Windows Sysmon',
      sourceip: `10.1.${(i % 200) >> 4}.${i % 16}`, username: user, hostname: host, eventid: eid, payload: '', properties: props, origin: { format: 'bench' },
    };
  }
  return { events, planted: { registry, tooling } };
}
