import { expect } from 'chai';
import { compileAql, parseAql } from '../../harness/aql/index.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import { requireOrSkip, datasetsPresent } from '../helpers/env.js';
import { harnessErrorOf, PROFILE, SEED1, SEED2, sigmaEvent } from './helpers.js';

// Seed 1 with its two published faults corrected: single backslashes and the stock DSM (devicetype 12).
const fixSeed1 = (q: string) => q.replace(/\\\\/g, '\\').replace(`LOGSOURCETYPENAME(devicetype) ILIKE '%Sysmon%'`, 'devicetype = 12');
// Seed 2 with LOGSOURCETIME (not a field) replaced by devicetime, the "Log Source Time".
const fixSeed2 = (q: string) => q.replace('LOGSOURCETIME', 'devicetime');

describe('the two seed queries over real recorded Sysmon events (SigmaHQ regression data)', function () {
  let regCA: NormalizedEvent, regRoot: NormalizedEvent, svchostRoot: NormalizedEvent, addstore: NormalizedEvent, urlcache: NormalizedEvent;
  before(function () {
    requireOrSkip(this, datasetsPresent(), 'the shared datasets are not present');
    regCA = sigmaEvent('registry_set_install_root_or_ca_certificat');
    // The same real event moved to the machine Root store (the write certutil -addstore Root makes), and
    // the benign variant written by svchost: only the path/image differ from the recording.
    regRoot = { ...regCA, properties: { ...regCA.properties, TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\Root\\Certificates\\67CB47F0FE1CE30BE53C368173B985747E9762D0\\Blob' } };
    svchostRoot = { ...regRoot, properties: { ...regRoot.properties, Image: 'C:\\Windows\\system32\\svchost.exe' } };
    addstore = sigmaEvent('proc_creation_win_certutil_certificate_installation');
    urlcache = sigmaEvent('proc_creation_win_certutil_download');
  });

  describe('seed 1 (T1588.004, root/CA store registry writes)', () => {
    const now = Date.parse('2026-08-11T12:00:00Z');
    it('parses as published', () => {
      const q = parseAql(SEED1());
      expect(q.select!.map((s) => s.alias)).to.deep.equal(['event_time', 'host', 'username', 'event_id', 'store_type', 'registry_path', 'process_image', 'command_line', 'parent_image']);
      expect(q.time).to.include({ kind: 'last', amount: 24, unit: 'HOURS' });
    });
    it('as published returns nothing on a stock deployment, and explain names the DSM filter', () => {
      const c = compileAql(SEED1(), { profile: PROFILE, now });
      expect(c.run([regCA, regRoot, addstore])).to.deep.equal([]);
      const x = c.explain(regRoot);
      expect(x).to.include({ matched: false, predicate: "LOGSOURCETYPENAME(devicetype) ILIKE '%Sysmon%'", left: 'Microsoft Windows Security Event Log', right: '%Sysmon%' });
      expect(x.location).to.deep.equal({ line: 16, column: 7 });
    });
    it('as published still returns nothing where the DSM is named Sysmon: the doubled backslashes never match', () => {
      const sysmonDsm = { ...PROFILE, deviceTypes: { 12: 'Microsoft Windows Sysmon' } };
      const c = compileAql(SEED1(), { profile: sysmonDsm, now });
      expect(c.run([regCA, regRoot])).to.deep.equal([]);
      const x = c.explain(regRoot);
      expect(x.predicate).to.match(/^\( "TargetObject" ILIKE '%\\\\SOFTWARE\\\\Microsoft/);
      expect(x.text).to.contain('none of its 4 alternatives matched');
      expect(x.location).to.deep.equal({ line: 18, column: 7 });
    });
    it('corrected, returns the real CA-store write and the Root-store write, classified, and excludes svchost', () => {
      const c = compileAql(fixSeed1(SEED1()), { profile: PROFILE, now });
      const rows = c.run([regCA, regRoot, svchostRoot, addstore]);
      expect(rows).to.deep.equal([
        { event_time: '2026-08-11 08:16:08', host: 'SigmaCatchVm', username: 'SigmaCatchVm\\frack113', event_id: 13, store_type: 'Intermediate CA', registry_path: regCA.properties.TargetObject, process_image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', command_line: null, parent_image: null },
        { event_time: '2026-08-11 08:16:08', host: 'SigmaCatchVm', username: 'SigmaCatchVm\\frack113', event_id: 13, store_type: 'Trusted Root CA', registry_path: regRoot.properties.TargetObject, process_image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', command_line: null, parent_image: null },
      ]);
      expect(c.explain(svchostRoot)).to.include({ predicate: `"Image" NOT ILIKE '%\\svchost.exe'`, left: 'C:\\Windows\\system32\\svchost.exe' });
      expect(c.explain(addstore).predicate).to.equal(`"EventID" IN ('12', '13')`);
    });
    it('drops events outside LAST 24 HOURS of the injected clock', () => {
      const c = compileAql(fixSeed1(SEED1()), { profile: PROFILE, now: Date.parse('2026-08-13T00:00:00Z') });
      expect(c.run([regCA])).to.deep.equal([]);
      expect(c.explain(regCA).text).to.match(/^the event is outside the time window \[2026-08-12T00:00:00.000Z, 2026-08-13T00:00:00.000Z\)/);
    });
  });

  describe('seed 2 (T1587.003, certificate tooling)', () => {
    const now = Date.parse('2025-10-25T18:00:00Z');
    it('parses as published', () => {
      const q = parseAql(SEED2());
      expect(q.select!.map((s) => s.alias)).to.deep.equal(['event_time', 'log_source', 'host_ip', null, 'process_image', 'command_line', 'detection_branch', 'targets_root_store']);
      expect(q.orderBy).to.have.length(1);
    });
    it('as published is rejected, as QRadar rejects it: LOGSOURCETIME is not a field', () => {
      const e = harnessErrorOf(() => compileAql(SEED2(), { profile: PROFILE, now }, { file: 'seed2.aql' }));
      expect(e.code).to.equal('HARNESS_AQL_UNKNOWN_FIELD');
      expect(e.location).to.deep.equal({ file: 'seed2.aql', line: 47, column: 7 });
      expect(e.message.split('\n')[0]).to.equal('Unknown field LOGSOURCETIME. Did you mean devicetime (the Log Source Time)?');
    });
    it('in relaxed mode LOGSOURCETIME is NULL, so the comparison is unknown and no row passes', () => {
      const c = compileAql(SEED2(), { profile: PROFILE, now, unknownFields: 'null' });
      expect(c.unknowns.map((u) => u.name)).to.deep.equal(['LOGSOURCETIME']);
      expect(c.run([addstore])).to.deep.equal([]);
      expect(c.explain(addstore)).to.include({ predicate: 'LOGSOURCETIME > NOW() - 1 DAYS', left: null, result: null });
    });
    it('corrected, returns the real certutil -addstore root execution as CertUtilStoreImport', () => {
      const c = compileAql(fixSeed2(SEED2()), { profile: PROFILE, now });
      const rows = c.run([urlcache, addstore, regCA]);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.deep.include({ event_time: '2025-10-25 16:54:23', detection_branch: 'CertUtilStoreImport', targets_root_store: 'false', process_image: 'C:\\Windows\\System32\\certutil.exe', log_source: 'ar-win-dc.attackrange.local @ 10.0.0.5', host_ip: '10.0.0.5' });
      const x = c.explain(urlcache);
      expect(x.matched).to.equal(false);
      expect(x.location).to.deep.equal({ line: 48, column: 5 });
      expect(x.text).to.contain(`(4) LOWER("Process Path") LIKE '%certmgr.exe%' was false: left side was 'c:\\windows\\system32\\certutil.exe';`);
      expect(x.text).to.contain(`(6) ( LOWER("Process CommandLine") LIKE '%-addstore%' OR`);
    });
  });
});
