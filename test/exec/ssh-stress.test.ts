// Regression: under load (hosts in parallel, many quick commands, a busy CPU) every command must come
// back with its real exit status. A quick command's CHANNEL_SUCCESS, exit-status, EOF and CLOSE often
// reach ssh2 in one socket read; listening for 'exit' after an await then misses it and exitCode came
// back null (about 98% of these commands with the listener attached late, 0 with it attached in the
// exec callback). Real sshd in lab namespaces; the CPU load is real `yes` processes.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { useLab } from '../helpers/lab.js';
import { SshExecutor } from '../../harness/exec/ssh.js';
import type { ExecResult } from '../../harness/exec/types.js';

const HOSTS = 4;
const PER_HOST = 200;

// Even i: nothing but the exit (the quickest command, the one that raced); odd i: output on both streams too.
function commandFor(i: number): string {
  return i % 2 === 0 ? `exit $((${i} % 7))` : `echo out-${i}; echo err-${i} >&2; exit $((${i} % 7))`;
}

// What is wrong with one result ('' when it is exactly what the command did).
function mismatch(i: number, r: ExecResult): string {
  const want = { exitCode: i % 7, signal: null, timedOut: false, aborted: false, stdout: i % 2 ? `out-${i}\n` : '', stderr: i % 2 ? `err-${i}\n` : '' };
  const got = { exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, aborted: r.aborted, stdout: r.stdout, stderr: r.stderr };
  return JSON.stringify(got) === JSON.stringify(want) ? '' : `${r.target} #${i}: got ${JSON.stringify(got)}`;
}

describe('SSH executor under load: every quick command returns its real exit status (real sshd, lab namespaces)', function () {
  this.timeout(90_000);
  const lab = useLab(HOSTS);
  let hogs: ChildProcess[] = [];

  before(() => {
    // Two busy processes per CPU: sshd, the shells and this process all compete for time.
    hogs = Array.from({ length: 2 * availableParallelism() }, () => spawn('yes', [], { stdio: 'ignore' }));
  });
  after(() => {
    for (const h of hogs) h.kill('SIGKILL');
  });

  it(`${HOSTS} hosts x ${PER_HOST} commands in parallel, exit codes 0-6, while the CPU is loaded`, async () => {
    const exs = lab.targets.map((t) => new SshExecutor(t));
    try {
      await Promise.all(exs.map((e) => e.connect()));
      const results = await Promise.all(exs.map((ex) => Promise.all(
        Array.from({ length: PER_HOST }, (_, i) => ex.exec(commandFor(i), { timeoutMs: 30_000 }).then((r) => mismatch(i, r))),
      )));
      const bad = results.flat().filter(Boolean);
      const nulls = bad.filter((b) => b.includes('"exitCode":null')).length;
      expect(results.flat()).to.have.length(HOSTS * PER_HOST);
      expect(bad, `${bad.length} of ${HOSTS * PER_HOST} commands wrong (${nulls} with exitCode null), e.g.\n${bad.slice(0, 5).join('\n')}`).to.deep.equal([]);
    } finally {
      await Promise.all(exs.map((e) => e.close()));
    }
  });
});
