// The project's own content: the eight certificate behaviours, their expectations and the two seed rules
// stored byte for byte. These facts are what every verdict of the product is judged against.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { argumentsOf, catalogEntries, checkCatalog, loadCatalog, substituteArgs } from '../../harness/catalog/index.js';
import { rendererFor } from '../../harness/exec/shells/index.js';
import { formatDiagnostic } from '../../harness/errors.js';
import type { AtomicTest, Catalog, DetectionExpectation } from '../../harness/model/catalog.js';
import { packageRoot } from '../../harness/util/paths.js';

const SEEDS = join(packageRoot, '..', 'shared', 'seeds');
const RULE1 = 'rules/t1588-004-root-ca-install.aql';
const RULE2 = 'rules/t1587-003-cert-generation.aql';

function seedSql(file: string, end: string): Buffer {
  const b = readFileSync(join(SEEDS, file));
  const i = b.indexOf('SELECT');
  return b.subarray(i, b.indexOf(end, i) + end.length);
}

describe('catalog: the eight certificate behaviours (project content)', function () {
  let catalog: Catalog;
  const tests = (technique: string): AtomicTest[] => catalog.atomics.find((f) => f.attack_technique === technique)!.atomic_tests;
  const det = (guid: string, rule: string): DetectionExpectation => catalog.expectations.flatMap((f) => f.tests).find((t) => t.guid === guid)!.detections.find((d) => d.rule === rule)!;

  before(function () {
    const r = loadCatalog();
    expect(r.diagnostics.map(formatDiagnostic)).to.deep.equal([]);
    catalog = r.catalog;
  });

  it('loads and cross-checks clean (no error, no warning)', function () {
    expect(checkCatalog(catalog).filter((d) => !d.code.startsWith('HARNESS_AQL_')).map(formatDiagnostic)).to.deep.equal([]);
  });

  it('has four tests per technique, in the seeds\' order', function () {
    expect(tests('T1588.004').map((t) => t.name)).to.deep.equal([
      'Install Self-Signed Root Certificate via certutil',
      'Install Certificate via PowerShell Import-Certificate',
      'Enumerate Certificate Stores for Pre-Attack Reconnaissance',
      'Download and Install Certificate from Remote URL via certutil URLCache',
    ]);
    expect(tests('T1587.003').map((t) => t.name)).to.deep.equal([
      'Create Self-Signed Certificate with PowerShell New-SelfSignedCertificate',
      'Generate Self-Signed Certificate with OpenSSL',
      'Import Self-Signed Certificate to Root Certificate Store',
      'Certificate Generation via OpenSSL on Linux',
    ]);
  });

  it('stores both seed rules byte for byte, as published', function () {
    const r1 = catalog.rules.find((r) => r.id === RULE1)!;
    const r2 = catalog.rules.find((r) => r.id === RULE2)!;
    expect(readFileSync(r1.path).equals(seedSql('000_2434b9280510c9de.txt', 'LAST 24 HOURS'))).to.equal(true);
    expect(readFileSync(r2.path).equals(seedSql('002_9a3d30ccecc6226b.txt', 'LAST 1 DAYS'))).to.equal(true);
    // The published mistakes are kept: doubled backslashes, the Sysmon DSM filter, LOGSOURCETIME.
    expect(r1.text).to.include(`ILIKE '%\\\\SOFTWARE\\\\Microsoft\\\\SystemCertificates\\\\Root\\\\Certificates%'`);
    expect(r1.text).to.include(`LOGSOURCETYPENAME(devicetype) ILIKE '%Sysmon%'`);
    expect(r2.text).to.include('WHERE LOGSOURCETIME > NOW() - 1 DAYS');
    for (const r of [r1, r2]) {
      expect(r.sha256).to.equal(createHash('sha256').update(readFileSync(r.path)).digest('hex'));
      expect(r.meta?.sha256).to.equal(r.sha256);
      expect(r.meta).to.include.keys('name', 'technique', 'severity', 'source');
    }
  });

  it('ties every behaviour to its execution: each test uses #{harness_marker} and declares it with a default', function () {
    for (const t of [...tests('T1588.004'), ...tests('T1587.003')]) {
      expect(t.executor.command, t.name).to.include('#{harness_marker}');
      expect(t.input_arguments?.harness_marker?.default, t.name).to.equal('ath-00000000-0');
    }
  });

  it('writes Windows scripts that survive the command line (no double quotes, no %, no comment lines)', function () {
    for (const t of [...tests('T1588.004'), ...tests('T1587.003')].filter((x) => x.executor.name === 'powershell')) {
      const texts = [t.executor.command!, t.executor.cleanup_command ?? '', ...(t.dependencies ?? []).flatMap((d) => [d.prereq_command, d.get_prereq_command ?? ''])];
      for (const s of texts) {
        expect(s, t.name).to.not.match(/["%]/);
        expect(s.split('\n').filter((l) => l.trim().startsWith('#')), t.name).to.deep.equal([]);
        // #{args} only in argument positions (the PowerShell renderer passes a bare word or a '...' literal).
        expect(s, t.name).to.not.match(/=\s*#\{/);
      }
    }
  });

  it('renders every Windows script through the harness PowerShell renderer for both SSH shells', function () {
    const values = { harness_marker: 'ath-1a2b3c4d-1', harness_tmp: 'C:\\Users\\pur ple\\AppData\\Local\\Temp', harness_cert_path: 'C:\\Users\\pur ple\\AppData\\Local\\Temp\\ath-1a2b3c4d-1.cer', harness_cert_thumbprint: '0A1B2C3D4E5F60718293A4B5C6D7E8F901234567', harness_url: 'http://127.0.0.1:8080/ath-1a2b3c4d-1.cer' };
    for (const shell of ['cmd', 'powershell'] as const) {
      const r = rendererFor('powershell', 'windows', shell);
      for (const t of [...tests('T1588.004'), ...tests('T1587.003')].filter((x) => x.executor.name === 'powershell')) {
        const args = argumentsOf(t, values);
        for (const s of [t.executor.command!, t.executor.cleanup_command].filter((x): x is string => !!x)) {
          const line = r.render(substituteArgs(s, args, r.quote), {}).commandLine;
          expect(line, t.name).to.match(/^powershell\.exe -NoProfile -NonInteractive .*-Command /);
          expect(line, t.name).to.not.include('#{');
        }
      }
    }
  });

  it('cleans every store a root certificate entered, by marker or thumbprint, with a guard against an empty marker', function () {
    for (const t of [...tests('T1588.004'), ...tests('T1587.003')]) {
      const cmd = t.executor.command ?? '';
      if (!/addstore Root|Import-Certificate|New-SelfSignedCertificate/.test(cmd)) continue;
      const c = t.executor.cleanup_command ?? '';
      for (const store of ['Cert:\\LocalMachine\\Root', 'Cert:\\LocalMachine\\CA', 'Cert:\\CurrentUser\\My', 'Cert:\\CurrentUser\\CA']) expect(c, t.name).to.include(store);
      expect(c, t.name).to.include("$_.Subject -match $pattern -or $_.Thumbprint -eq $thumb");
      // The marker must not match a sibling execution's (ath-x-3 vs ath-x-31): a regex with a digit boundary.
      expect(c, t.name).to.include("$pattern = [regex]::Escape($marker) + '(?![0-9])'");
      expect(c, t.name).to.include('if ($marker.Length -lt 8)');
      expect(c, t.name).to.include('-DeleteKey');
    }
    expect(tests('T1588.004')[3]!.executor.cleanup_command).to.include('certutil -urlcache #{harness_url} delete');
  });

  it('runs the Linux generation through sh under /tmp, keeps the Storm-0501 subject and exports a pfx', function () {
    const t = tests('T1587.003')[3]!;
    expect(t.supported_platforms).to.deep.equal(['linux']);
    expect(t.executor.name).to.equal('sh');
    expect(t.input_arguments?.harness_tmp?.default).to.equal('/tmp');
    expect(t.executor.command).to.include('-subj "/CN=Microsoft IT TLS CA 5/OU=$marker"');
    expect(t.executor.command).to.include('openssl pkcs12 -export');
    expect(t.executor.command).to.not.include('sudo');
  });

  it('declares the prerequisite of openssl on Windows and the extra techniques in x-harness', function () {
    const t = tests('T1587.003')[1]!;
    expect(t.dependencies?.[0]?.prereq_command).to.include('openssl.exe');
    expect(catalogEntries(catalog).find((e) => e.guid === tests('T1588.004')[3]!.auto_generated_guid)!.techniques).to.deep.equal(['T1588.004', 'T1105', 'T1553.004']);
  });

  it('expects each rule to fire exactly where its intended logic catches the behaviour', function () {
    const [a1, a2, a3, a4] = tests('T1588.004').map((t) => t.auto_generated_guid);
    const [b1, b2, b3, b4] = tests('T1587.003').map((t) => t.auto_generated_guid);
    const fires = (g: string) => [det(g!, RULE1).fires, det(g!, RULE2).fires];
    expect(fires(a1!)).to.deep.equal([true, true]);
    expect(fires(a2!)).to.deep.equal([true, false]);
    expect(fires(a3!)).to.deep.equal([false, false]);
    expect(fires(a4!)).to.deep.equal([true, true]);
    expect(fires(b1!)).to.deep.equal([true, true]); // rule 1: the copy in the user's CA store
    expect(fires(b2!)).to.deep.equal([false, true]);
    expect(fires(b3!)).to.deep.equal([true, true]);
    expect(fires(b4!)).to.deep.equal([false, false]);
    expect(det(a1!, RULE1).output).to.deep.equal({ store_type: 'Trusted Root CA' });
    expect(det(b1!, RULE2).output).to.deep.equal({ detection_branch: 'PSCertificateCreation' });
    expect(det(b2!, RULE2).output).to.deep.equal({ detection_branch: 'CertGenToolWithArgs' });
    expect(det(b3!, RULE2).output).to.deep.equal({ detection_branch: 'CertUtilStoreImport' });
    // Known gaps only where the seed claims the rule validates the test and its intended logic cannot.
    const gaps = catalog.expectations.flatMap((f) => f.tests.flatMap((t) => t.detections.filter((d) => d.knownGap).map((d) => `${t.guid} ${d.rule}`)));
    expect(gaps.sort()).to.deep.equal([`${a3} ${RULE1}`, `${b4} ${RULE2}`].sort());
  });

  it('marks sensors a stock host lacks as not required', function () {
    for (const s of catalog.expectations.flatMap((f) => f.tests.flatMap((t) => t.signals))) {
      const optional = ['powershell', 'sysmon-linux', 'mde'].includes(s.source) || (s.source === 'security' && s.event_id === 4657) || (s.source === 'auditd' && 'created' in s.where);
      expect(s.required, s.id).to.equal(!optional);
    }
  });
});
