// Matcher table: every matcher of DESIGN section 5, folded and case-sensitive, with #{args}.
import { expect } from 'chai';
import type { FieldMatcher } from '../../harness/model/catalog.js';
import { compileMatcher } from '../../harness/verdict/matchers.js';

const args = { harness_marker: 'ath-abcd1234-3', harness_cert_path: 'C:\\Temp\\ath-abcd1234-3.cer' };
type Case = [FieldMatcher['op'], FieldMatcher['value'], boolean, string | null, boolean];

const cases: Case[] = [
  ['equals', 'C:\\Windows\\System32\\certutil.exe', false, 'c:\\windows\\system32\\CERTUTIL.EXE', true],
  ['equals', 'C:\\Windows\\System32\\certutil.exe', true, 'c:\\windows\\system32\\CERTUTIL.EXE', false],
  ['equals', 'certutil.exe', false, 'C:\\Windows\\System32\\certutil.exe', false],
  ['contains', '-addstore', false, 'certutil -AddStore Root x.cer', true],
  ['contains', '-addstore', true, 'certutil -AddStore Root x.cer', false],
  ['contains', '#{harness_cert_path}', false, 'certutil -addstore root c:\\temp\\ath-abcd1234-3.cer', true],
  ['contains', '#{harness_cert_path}', false, 'certutil -addstore root c:\\temp\\ath-abcd1234-4.cer', false],
  ['contains', '#{unknown_arg}', false, 'anything', false],
  ['contains_all', ['-store', 'Root'], false, 'certutil -user -store root', true],
  ['contains_all', ['-store', 'Root'], false, 'certutil -store My', false],
  ['startswith', 'HKLM\\SOFTWARE', false, 'hklm\\software\\Microsoft', true],
  ['startswith', 'HKLM\\SOFTWARE', false, 'HKU\\S-1\\SOFTWARE', false],
  ['endswith', '\\certutil.exe', false, 'C:\\Windows\\System32\\CertUtil.exe', true],
  ['endswith', '\\certutil.exe', false, 'C:\\Temp\\notcertutil.exe', false],
  ['regex', '-urlcache\\s+-split\\s+-f\\s+https?://', false, 'certutil -URLCACHE -split -f http://127.0.0.1:8080/x', true],
  ['regex', '^openssl$', true, 'OpenSSL', false],
  ['regex', '#{harness_marker}\\.cer$', false, 'C:\\Temp\\ath-abcd1234-3.cer', true],
  ['regex', '#{harness_marker}\\.cer$', false, 'C:\\Temp\\ath-abcd1234-3Xcer', false],
  ['in', ['12', '13'], false, '13', true],
  ['in', ['12', '13'], false, '1', false],
  ['exists', true, false, '', true],
  ['exists', true, false, null, false],
  ['exists', false, false, null, true],
  ['contains', 'x', false, null, false],
  ['equals', 13, false, '13', true],
];

describe('signal matchers', () => {
  for (const [op, value, cs, actual, want] of cases) {
    it(`${op} ${JSON.stringify(value)}${cs ? ' (case: sensitive)' : ''} on ${JSON.stringify(actual)} -> ${want}`, () => {
      expect(compileMatcher({ op, value, caseSensitive: cs }, args)(actual)).to.equal(want);
    });
  }

  // Markers are not self-delimiting: ath-abcd1234-1 is a prefix of ath-abcd1234-10 (the 10th planned
  // execution, often on another host), so a value ending with the marker must not match inside a longer one.
  describe('marker boundaries (ath-abcd1234-1 vs ath-abcd1234-10)', () => {
    const m = 'ath-abcd1234-1';
    const mk: [FieldMatcher['op'], string | string[], string, boolean][] = [
      ['contains', '#{harness_marker}', 'openssl req -x509 -subj /CN=x/OU=ath-abcd1234-10 -out /tmp/ath-abcd1234-10.pem', false],
      ['contains', '#{harness_marker}', 'openssl req -x509 -subj /CN=x/OU=ath-abcd1234-1 -out /tmp/ath-abcd1234-1.pem', true],
      ['contains', '#{harness_marker}', 'ath-abcd1234-10 then ath-abcd1234-1', true], // a later occurrence counts
      ['contains', '#{harness_marker}', 'ATH-ABCD1234-1', true],
      ['contains_all', ['pkcs12', '#{harness_marker}'], 'openssl pkcs12 -export -out /tmp/ath-abcd1234-12.pfx', false],
      ['contains', '#{harness_marker}.pem', '/tmp/ath-abcd1234-1.pem', true], // the marker is followed by text of the value itself
      ['startswith', '#{harness_marker}', 'ath-abcd1234-19 x', false],
      ['startswith', '#{harness_marker}', 'ath-abcd1234-1 x', true],
      ['regex', '#{harness_marker}', 'x ath-abcd1234-11 y', false],
      ['regex', '#{harness_marker}', 'x ath-abcd1234-1 y', true],
      ['equals', '#{harness_marker}', 'ath-abcd1234-1', true],
    ];
    for (const [op, value, actual, want] of mk) {
      it(`${op} ${JSON.stringify(value)} on ${JSON.stringify(actual)} -> ${want}`, () => {
        expect(compileMatcher({ op, value, caseSensitive: false }, { harness_marker: m }, false, m)(actual)).to.equal(want);
      });
    }
  });

  describe('recordings (#{...} as wildcards)', () => {
    const rec: [FieldMatcher['op'], string, string, boolean][] = [
      ['contains', 'Root\\Certificates\\#{harness_cert_thumbprint}', 'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\ROOT\\Certificates\\AB12\\Blob', true],
      ['contains', 'Root\\Certificates\\#{harness_cert_thumbprint}', 'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\CA\\Certificates\\AB12', false],
      ['equals', 'certutil -addstore Root #{harness_cert_path}', 'certutil -addstore root C:\\x.cer', true],
      ['equals', 'certutil -addstore Root #{harness_cert_path}', 'xcertutil -addstore root C:\\x.cer', false],
      ['endswith', '#{harness_marker}.cer', 'C:\\x.cer', true],
      ['startswith', '#{harness_tmp}\\ath', 'C:\\Temp\\ath-1.cer', true],
    ];
    for (const [op, value, actual, want] of rec) {
      it(`${op} ${value} on ${actual} -> ${want}`, () => {
        expect(compileMatcher({ op, value, caseSensitive: false }, {}, true)(actual)).to.equal(want);
      });
    }
  });
});
