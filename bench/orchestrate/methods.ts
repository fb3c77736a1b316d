// The three ways the bench runs the same commands on the same hosts with the same keys: the harness's
// executor (one SSH connection per host, channels reused), a plain `ssh` per command, Ansible ad-hoc.
import { execa } from 'execa';
import type { Target } from '../../harness/model/config.js';
import { createExecutor } from '../../harness/exec/index.js';

export const ANSIBLE_LOCAL_TEMP = '/tmp/ath-bench-ansible';

export interface Batch {
  /** Commands each host runs, in order. */
  commands: string[];
}

export interface Timing {
  wallMs: number;
  /** Commands that did not exit 0 (reported beside the figures, never hidden). */
  failed: number;
  firstFailure?: string;
}

// Hosts in parallel, commands sequential per host, over one connection per host (connect included).
export async function viaHarness(targets: Target[], batch: Batch): Promise<Timing> {
  const t0 = performance.now();
  const fails: string[] = [];
  await Promise.all(targets.map(async (t) => {
    const e = createExecutor(t);
    await e.connect();
    try {
      for (const c of batch.commands) {
        const r = await e.exec(c, { timeoutMs: 60_000 });
        if (r.exitCode !== 0) fails.push(`${t.name}: exit ${r.exitCode}${r.signal ? ` signal ${r.signal}` : ''}: ${r.stderr.trim().slice(0, 200)}`);
      }
    } finally {
      await e.close();
    }
  }));
  return timing(t0, fails);
}

function timing(t0: number, fails: string[]): Timing {
  return { wallMs: performance.now() - t0, failed: fails.length, ...(fails.length ? { firstFailure: fails[0] } : {}) };
}

// Hosts in parallel, one fresh `ssh` process and connection per command (pinned keys via known_hosts).
export async function viaSshLoop(targets: Target[], batch: Batch, knownHosts: string): Promise<Timing> {
  const t0 = performance.now();
  const fails: string[] = [];
  await Promise.all(targets.map(async (t) => {
    const key = (t.auth as { privateKeyPath: string }).privateKeyPath;
    for (const c of batch.commands) {
      const r = await execa('ssh', ['-i', key, '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'ControlMaster=no', '-p', String(t.port), `${t.user}@${t.address}`, c], { reject: false });
      if (r.exitCode !== 0) fails.push(`${t.name}: exit ${r.exitCode}: ${String(r.stderr).trim().slice(0, 200)}`);
    }
  }));
  return timing(t0, fails);
}

// One `ansible all -m shell` per command across every host (its own parallelism: forks = hosts).
export async function viaAnsible(targets: Target[], batch: Batch, inventory: string, knownHosts: string): Promise<Timing> {
  const key = (targets[0]!.auth as { privateKeyPath: string }).privateKeyPath;
  const env = {
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_SSH_ARGS: `-o UserKnownHostsFile=${knownHosts} -o ControlMaster=auto -o ControlPersist=60s`,
    ANSIBLE_PRIVATE_KEY_FILE: key,
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    ANSIBLE_LOCAL_TEMP,
    ANSIBLE_REMOTE_TEMP: '/tmp/.ath-bench-ansible-${USER}',
    ANSIBLE_STDOUT_CALLBACK: 'minimal',
  };
  const t0 = performance.now();
  const fails: string[] = [];
  const limit = targets.map((t) => t.name).join(',');
  for (const c of batch.commands) {
    const r = await execa('ansible', ['all', '-i', inventory, '--limit', limit, '-f', String(targets.length), '-m', 'shell', '-a', c], { env, reject: false });
    if (r.exitCode !== 0) fails.push(`exit ${r.exitCode}: ${String(r.stdout + r.stderr).trim().slice(0, 300)}`);
  }
  return timing(t0, fails);
}

// The command's own run time on this machine (median of `runs`): `sh -c COMMAND` timed by the shell
// around it, so Node's own spawn cost is not counted as the command's.
export async function ownTime(command: string, runs = 5): Promise<number> {
  const ts: number[] = [];
  const q = `'${command.replace(/'/g, `'\\''`)}'`;
  for (let i = 0; i < runs; i++) {
    const r = await execa('sh', ['-c', `s=$(date +%s%N); sh -c ${q} >/dev/null 2>&1; e=$(date +%s%N); echo $((e - s))`]);
    ts.push(Number(String(r.stdout).trim()) / 1e6);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}
