// Host-key pinning: SHA256 fingerprints exactly as `ssh-keygen -lf` prints them, and known_hosts lookup
// (plain and hashed `|1|salt|hash` entries, `[host]:port` forms). The SSH executor refuses any key
// that is not pinned.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

// 'SHA256:<base64 of sha256(key blob), no padding>' for a raw SSH public key blob.
export function fingerprintOf(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

// Normalises a user-written fingerprint (tolerates missing 'SHA256:' prefix and trailing '=').
export function normaliseFingerprint(fp: string): string {
  const body = fp.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
  return `SHA256:${body}`;
}

// The host patterns known_hosts uses for an address and port.
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hostMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return field.split(',').some((p) => !p.startsWith('!') && p === name);
}

// The fingerprints known_hosts pins for host:port (empty when none; @revoked lines are skipped).
export function knownHostsFingerprints(file: string, host: string, port: number): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const name = knownHostsName(host, port);
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    if (fields[0].startsWith('@')) {
      if (fields[0] === '@revoked') continue;
      fields.shift();
    }
    const [hosts, , blob] = fields;
    if (!hosts || !blob || !hostMatches(hosts, name)) continue;
    out.push(fingerprintOf(Buffer.from(blob, 'base64')));
  }
  return out;
}

// One known_hosts line for a key blob (the `ssh-keyscan` format).
export function knownHostsLine(host: string, port: number, key: Buffer): string {
  const typeLen = key.readUInt32BE(0);
  const type = key.subarray(4, 4 + typeLen).toString('ascii');
  return `${knownHostsName(host, port)} ${type} ${key.toString('base64')}`;
}
