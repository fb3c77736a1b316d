// Certificates the harness provides to behaviours (DESIGN section 4): generated per execution with
// node-forge, the marker in the subject CN, so the SHA-1 thumbprint (the registry key name Windows uses
// under ...\SystemCertificates\Root\Certificates\) is known before the behaviour runs.
import forge from 'node-forge';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { HarnessError } from '../errors.js';

export interface MarkerCertificate {
  der: Buffer;
  pem: string;
  /** SHA-1 of the DER encoding, upper-case hex without separators (as Windows shows it). */
  thumbprint: string;
  /** RFC 4514-ish one-line subject, e.g. `CN=ath-1a2b3c4d-3, O=atomic-harness`. */
  subject: string;
  /** The private key, for behaviours that need a PFX; never written to reports. */
  keyPem: string;
}

export interface CertificateOptions {
  /** Reuse a key (PEM) across executions: the thumbprint still differs per marker (subject, serial). */
  keyPem?: string;
  days?: number;
  now?: Date;
}

// A fresh RSA-2048 private key in PEM (node's crypto: node-forge's pure-JS keygen is far slower).
export function generateKeyPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

// A self-signed CA certificate whose CN is the marker; thumbprint known before any behaviour runs.
export function generateMarkerCertificate(marker: string, opts: CertificateOptions = {}): MarkerCertificate {
  const keyPem = opts.keyPem ?? generateKeyPem();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const pub = forge.pki.setRsaPublicKey(key.n, key.e);
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  // Positive serial: a leading 0x00..0x7f byte keeps DER INTEGER positive.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  const now = opts.now ?? new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + (opts.days ?? 2) * 86_400_000);
  const attrs = [
    { name: 'commonName', value: marker },
    { name: 'organizationName', value: 'atomic-harness' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return { der, pem: forge.pki.certificateToPem(cert), thumbprint: thumbprintOf(der), subject: subjectOf(cert), keyPem };
}

// SHA-1 of DER bytes, upper-case hex (what `openssl x509 -fingerprint -sha1` prints, without colons).
export function thumbprintOf(der: Buffer): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

export interface ParsedCertificate {
  subject: string;
  commonName: string | undefined;
  thumbprint: string;
  notAfter: Date;
}

// Parses a certificate file's bytes (PEM or DER) with node-forge; bad bytes are a HarnessError.
export function parseCertificate(bytes: Buffer, source = 'certificate'): ParsedCertificate {
  let der: Buffer;
  const text = bytes.toString('latin1');
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
  try {
    der = pem ? Buffer.from(forge.pem.decode(pem[0])[0]!.body, 'binary') : bytes;
    const cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(der.toString('binary')));
    const cn = cert.subject.getField('CN') as { value: string } | null;
    return { subject: subjectOf(cert), commonName: cn?.value, thumbprint: thumbprintOf(der), notAfter: cert.validity.notAfter };
  } catch (e) {
    throw new HarnessError('HARNESS_RUN_CERT_PARSE', `${source} is not a parsable X.509 certificate: ${(e as Error).message}`, {
      fix: 'check that the behaviour wrote a PEM or DER certificate at that path',
      details: { source },
    });
  }
}

function subjectOf(cert: forge.pki.Certificate): string {
  return cert.subject.attributes.map((a) => `${a.shortName ?? a.name}=${String(a.value)}`).join(', ');
}
