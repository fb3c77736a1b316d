import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMarkerCertificate, parseCertificate } from '../../harness/run/certificates.js';
import { hasCommand, requireOrSkip } from '../helpers/env.js';

describe('run: marker certificates (node-forge, checked with real openssl)', () => {
  let dir: string;
  before(function () {
    requireOrSkip(this, hasCommand('openssl'), 'openssl is not installed');
    dir = mkdtempSync(join(tmpdir(), 'ath-cert-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('puts the marker in the CN and knows the SHA-1 thumbprint openssl computes', () => {
    const c = generateMarkerCertificate('ath-1a2b3c4d-7');
    writeFileSync(join(dir, 'c.der'), c.der);
    writeFileSync(join(dir, 'c.pem'), c.pem);
    const fp = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(dir, 'c.der'), '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' });
    expect(fp.trim().split('=')[1]!.replace(/:/g, '')).to.equal(c.thumbprint);
    expect(c.thumbprint).to.match(/^[0-9A-F]{40}$/);
    const subj = execFileSync('openssl', ['x509', '-in', join(dir, 'c.pem'), '-noout', '-subject', '-nameopt', 'RFC2253'], { encoding: 'utf8' });
    expect(subj.trim()).to.equal('subject=O=atomic-harness,CN=ath-1a2b3c4d-7');
    expect(c.subject).to.equal('CN=ath-1a2b3c4d-7, O=atomic-harness');
    // A CA certificate, as a root-store import needs.
    const text = execFileSync('openssl', ['x509', '-in', join(dir, 'c.pem'), '-noout', '-text'], { encoding: 'utf8' });
    expect(text).to.match(/CA:TRUE/);
  });

  it('gives a different thumbprint per marker even with one key, and parses PEM and DER alike', () => {
    const a = generateMarkerCertificate('ath-1a2b3c4d-1');
    const b = generateMarkerCertificate('ath-1a2b3c4d-2', { keyPem: a.keyPem });
    expect(a.thumbprint).to.not.equal(b.thumbprint);
    expect(parseCertificate(Buffer.from(b.pem)).thumbprint).to.equal(b.thumbprint);
    expect(parseCertificate(b.der).commonName).to.equal('ath-1a2b3c4d-2');
  });

  it('parses a certificate openssl made, and refuses garbage with a coded error', () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'o.pem'), '-days', '1', '-subj', '/CN=Microsoft IT TLS CA 5/OU=ath-1a2b3c4d-9'], { stdio: 'ignore' });
    const pem = execFileSync('cat', [join(dir, 'o.pem')]);
    const p = parseCertificate(pem);
    expect(p.subject).to.equal('CN=Microsoft IT TLS CA 5, OU=ath-1a2b3c4d-9');
    const fp = execFileSync('openssl', ['x509', '-in', join(dir, 'o.pem'), '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' });
    expect(fp.trim().split('=')[1]!.replace(/:/g, '')).to.equal(p.thumbprint);
    expect(() => parseCertificate(Buffer.from('not a certificate'))).to.throw(/HARNESS_RUN_CERT_PARSE|not a parsable/);
  });
});
