// Connection attempts that fail before the SSH handshake, against real TCP servers on loopback: a
// listener that resets every connection (what a client meets when sshd is killed while the kernel
// already accepted its connection) and one that sends a banner and hangs up. ssh2 emits 'error' twice
// for such an attempt (the socket error, then 'Connection lost before handshake' on close); the second
// must not become an uncaught exception, which would end the whole run (and, under mocha, the suite).
import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SshExecutor } from '../../harness/exec/ssh.js';
import { fetchHostKey } from '../../harness/exec/trust.js';
import { HarnessError } from '../../harness/errors.js';
import type { Target } from '../../harness/model/config.js';

async function listen(onConn: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onConn);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

const target = (port: number): Target => ({
  name: 'pre-handshake', os: 'linux', transport: 'ssh', address: '127.0.0.1', port, user: 'nobody',
  auth: { passwordEnv: 'ATH_UNUSED_PW' }, hostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', sudo: false,
});

// Every 'uncaughtException' while `fn` runs and for a while after (the second error comes on close).
async function uncaughtDuring(fn: () => Promise<unknown>): Promise<{ uncaught: Error[]; result: unknown }> {
  const uncaught: Error[] = [];
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const catcher = (e: Error): void => { uncaught.push(e); };
  process.on('uncaughtException', catcher);
  try {
    const result = await fn().then((v) => v, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    return { uncaught, result };
  } finally {
    process.off('uncaughtException', catcher);
    for (const l of listeners) process.on('uncaughtException', l);
  }
}

const servers: Record<string, (s: Socket) => void> = {
  'resets every connection': (s) => setTimeout(() => s.resetAndDestroy(), 20),
  'sends a banner, then resets': (s) => { s.write('SSH-2.0-OpenSSH_9.2p1\r\n'); setTimeout(() => s.resetAndDestroy(), 20); },
  'closes at once': (s) => s.destroy(),
};

describe('SSH connect failures before the handshake (real TCP on loopback)', function () {
  this.timeout(20_000);
  for (const [what, onConn] of Object.entries(servers)) {
    it(`a server that ${what}: connect() rejects with a located error, nothing uncaught`, async () => {
      const { server, port } = await listen(onConn);
      try {
        const ex = new SshExecutor(target(port), { env: { ATH_UNUSED_PW: 'x' }, connectTimeoutMs: 5000 });
        const { uncaught, result } = await uncaughtDuring(() => ex.connect());
        expect(uncaught.map((e) => e.message)).to.deep.equal([]);
        expect(result).to.be.instanceOf(HarnessError);
        expect((result as HarnessError).code).to.match(/^HARNESS_EXEC_CONNECT/);
        expect((result as HarnessError).message).to.contain(`127.0.0.1:${port}`);
        expect(ex.isConnected()).to.equal(false);
        await ex.close();
      } finally {
        server.close();
      }
    });
  }

  it('`harness targets trust` against a server that resets: a located error, nothing uncaught', async () => {
    const { server, port } = await listen(servers['resets every connection']!);
    try {
      const { uncaught, result } = await uncaughtDuring(() => fetchHostKey('127.0.0.1', port, 5000));
      expect(uncaught.map((e) => e.message)).to.deep.equal([]);
      expect(result).to.be.instanceOf(HarnessError);
      expect((result as HarnessError).code).to.equal('HARNESS_EXEC_CONNECT');
    } finally {
      server.close();
    }
  });
});
