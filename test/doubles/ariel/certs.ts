// Test double support: a throw-away CA and a server certificate for 127.0.0.1/localhost, made with
// node-forge when the Ariel double starts, so the client's TLS verification (caFile) is exercised for real.
import forge from 'node-forge';

export interface DoubleCerts {
  caPem: string;
  keyPem: string;
  certPem: string;
}

function serial(): string {
  return forge.util.bytesToHex(forge.random.getBytesSync(8)).replace(/^[89a-f]/, '1');
}

let cached: DoubleCerts | undefined;

// The CA and server certificate of this test process (made once: RSA key generation in JS is slow).
export function doubleCerts(): DoubleCerts {
  return (cached ??= makeDoubleCerts());
}

// Generates a CA and a server certificate it signs (RSA 2048, valid one day).
export function makeDoubleCerts(commonName = 'ariel-double.test'): DoubleCerts {
  const now = new Date(Date.now() - 60_000);
  const later = new Date(Date.now() + 86_400_000);
  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  ca.validity.notBefore = now;
  ca.validity.notAfter = later;
  const caName = [{ name: 'commonName', value: 'Ariel double test CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }, { name: 'subjectKeyIdentifier' }]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = now;
  cert.validity.notAfter = later;
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());
  return { caPem: forge.pki.certificateToPem(ca), keyPem: forge.pki.privateKeyToPem(keys.privateKey), certPem: forge.pki.certificateToPem(cert) };
}
