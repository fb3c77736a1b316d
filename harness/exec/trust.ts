// Deliberate trust of a host key (`harness targets trust NAME`): connect once, learn the key the
// harness negotiates, show its fingerprint, and write it into the targets file (hostKey) or a
// known_hosts file only when asked. No authentication happens: the handshake stops at the host key.
import { Client } from 'ssh2';
import { appendFileSync, readFileSync } from 'node:fs';
import { parseDocument, isMap, isSeq } from 'yaml';
import { HarnessError } from '../errors.js';
import type { Target } from '../model/config.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { fingerprintOf, knownHostsLine, knownHostsFingerprints } from './hostkey.js';
import { expandHome, pinnedFingerprints } from './ssh-config.js';

export interface OfferedKey {
  key: Buffer;
  type: string;
  fingerprint: string;
}

// Connects to address:port and returns the host key the server offers (the handshake is then dropped).
export async function fetchHostKey(address: string, port: number, timeoutMs = 15_000): Promise<OfferedKey> {
  const client = new Client();
  let got: Buffer | undefined;
  await new Promise<void>((resolve, reject) => {
    // `on`, not `once`: ssh2 may emit a second 'error' for the same attempt (see SshExecutor.connect).
    let settled = false;
    client.on('error', (e: Error) => {
      if (settled) return;
      settled = true;
      if (got) resolve();
      else reject(new HarnessError('HARNESS_EXEC_CONNECT', `cannot reach ${address}:${port}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, { phase: 'connect', fix: 'check the address and port, and that sshd runs' }));
    });
    client.once('ready', () => { settled = true; resolve(); });
    client.connect({ host: address, port, username: 'harness-trust', readyTimeout: timeoutMs, hostVerifier: (key: Buffer) => { got = key; return false; } });
  });
  client.destroy();
  if (!got) throw new HarnessError('HARNESS_EXEC_CONNECT', `${address}:${port} sent no host key`, { phase: 'hostkey' });
  const type = got.subarray(4, 4 + got.readUInt32BE(0)).toString('ascii');
  return { key: got, type, fingerprint: fingerprintOf(got) };
}

export interface TrustResult {
  target: string;
  address: string;
  port: number;
  offered: OfferedKey;
  pinned: string[];
  status: 'matches' | 'differs' | 'unpinned';
  wrote?: string;
}

// Looks up the offered key of a target and, when `write` says so, pins it.
export async function trustTarget(t: Target, targetsFile: string, opts: { writeTargets?: boolean; knownHostsFile?: string; timeoutMs?: number } = {}): Promise<TrustResult> {
  if (!t.address) throw new HarnessError('HARNESS_EXEC_CONFIG', `target '${t.name}' has no address`, { phase: 'config', location: { file: targetsFile }, fix: 'set address:' });
  const offered = await fetchHostKey(t.address, t.port || 22, opts.timeoutMs);
  const pinned = pinnedFingerprints(t, {}).fingerprints;
  const status = pinned.length === 0 ? 'unpinned' : pinned.includes(offered.fingerprint) ? 'matches' : 'differs';
  const r: TrustResult = { target: t.name, address: t.address, port: t.port || 22, offered, pinned, status };
  if (opts.writeTargets) {
    writeHostKey(targetsFile, t.name, offered.fingerprint);
    r.wrote = targetsFile;
  }
  if (opts.knownHostsFile) {
    const file = expandHome(opts.knownHostsFile);
    if (!knownHostsFingerprints(file, r.address, r.port).includes(offered.fingerprint)) appendFileSync(file, knownHostsLine(r.address, r.port, offered.key) + '\n', { mode: 0o600 });
    r.wrote = r.wrote ? `${r.wrote}, ${file}` : file;
  }
  return r;
}

// Sets targets[name].hostKey in a targets file, keeping its comments and layout.
export function writeHostKey(file: string, name: string, fingerprint: string): void {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const list = doc.get('targets');
  if (!isSeq(list)) throw new HarnessError('HARNESS_EXEC_CONFIG', `${file} has no targets list`, { phase: 'config', location: { file } });
  const node = list.items.find((it) => isMap(it) && it.get('name') === name);
  if (!isMap(node)) throw new HarnessError('HARNESS_EXEC_CONFIG', `no target named '${name}' in ${file}`, { phase: 'config', location: { file } });
  node.set('hostKey', fingerprint);
  writeFileAtomic(file, doc.toString());
}
