// The local executor (execa, real /bin/sh): results not exceptions, process-group kill on timeout,
// copies for upload/download, and forwardRemotePort as a loopback relay (a no-op for equal ports).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecutor } from '../../harness/exec/index.js';
import type { Target } from '../../harness/model/config.js';

const local: Target = { name: 'local', os: 'linux', transport: 'local', port: 0, sudo: false };
const live = (marker: string): string[] => execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(marker) && !/^\s*Z/.test(l));

describe('local executor (real /bin/sh through execa)', function () {
  this.timeout(60_000);
  const ex = createExecutor(local);
  const work = mkdtempSync(join(tmpdir(), 'ath-local-test-'));
  before(() => ex.connect());
  after(() => rmSync(work, { recursive: true, force: true }));

  it('exit code, stdout, stderr and env are results', async () => {
    const r = await ex.exec('echo out; echo err >&2; printf "%s" "$ATH_V"; exit 3', { env: { ATH_V: 'v' } });
    expect([r.exitCode, r.stdout, r.stderr, r.failed, r.target]).to.deep.equal([3, 'out\nv', 'err\n', true, 'local']);
  });

  it('kills the whole process group at the timeout (background children included)', async () => {
    const marker = `ath-local-hung-${randomBytes(4).toString('hex')}`;
    const r = await ex.exec(`bash -c 'exec -a ${marker}-a sleep 600' & bash -c 'exec -a ${marker}-b sleep 601'`, { timeoutMs: 800 });
    expect([r.timedOut, r.exitCode, r.failed]).to.deep.equal([true, null, true]);
    for (let i = 0; i < 40 && live(marker).length > 0; i++) await new Promise((res) => setTimeout(res, 100));
    expect(live(marker)).to.deep.equal([]);
  });

  it('upload/download copy files; forwardRemotePort relays 8080-style ports on loopback', async () => {
    const src = join(work, 'a.bin');
    const data = randomBytes(10_000);
    writeFileSync(src, data);
    await ex.upload(src, join(work, 'sub', 'b.bin'));
    await ex.download(join(work, 'sub', 'b.bin'), join(work, 'c.bin'));
    expect(readFileSync(join(work, 'c.bin')).equals(data)).to.equal(true);
    const srv = createServer((_q, s) => s.end('relayed'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const free = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const fw = await ex.forwardRemotePort(free, '127.0.0.1', port);
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port: free, path: '/' }, (res) => {
        let b = '';
        res.on('data', (c) => (b += c)).on('end', () => resolve(b));
      }).on('error', reject).end();
    });
    expect(body).to.equal('relayed');
    await fw.close();
    srv.close();
    const same = await ex.forwardRemotePort(port, '127.0.0.1', port);
    await same.close();
  });
});
