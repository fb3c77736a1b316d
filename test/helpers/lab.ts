// Brings a network-namespace lab up for one test suite and down after it. Each suite claims its own
// lab instance (a directory under /var/lib/atomic-harness created exclusively), so suites in parallel
// processes never share namespaces, users, addresses or audit rules. Skips with a printed reason when
// not root or when ip/sshd/auditctl are missing (fails in CI, see requireOrSkip).
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, hasCommand, requireOrSkip } from './env.js';
import { labUp, labDown, type LabState } from '../../harness/lab/index.js';
import { LAB_ROOT } from '../../harness/lab/layout.js';
import { loadTargets } from '../../harness/config/index.js';
import type { Target } from '../../harness/model/config.js';

export interface LabHandle {
  /** Set once the before hook ran. */
  state: LabState;
  targets: Target[];
  instance: number;
}

// Why a lab cannot run here (undefined when it can).
export function labUnavailable(): string | undefined {
  if (!isRoot) return 'the lab needs root (network namespaces, users, audit rules)';
  for (const cmd of ['ip', 'ssh-keygen', 'auditctl', 'useradd']) if (!hasCommand(cmd)) return `${cmd} is not installed`;
  if (!existsSync('/usr/sbin/sshd') && !existsSync('/sbin/sshd')) return 'sshd is not installed (openssh-server)';
  return undefined;
}

// Claims a free lab instance number by creating its directory exclusively.
export function claimInstance(): { instance: number; dir: string } {
  mkdirSync(LAB_ROOT, { recursive: true });
  const start = 20 + Math.floor(Math.random() * 200);
  for (let k = 0; k < 230; k++) {
    const instance = 20 + ((start - 20 + k) % 230);
    const dir = join(LAB_ROOT, `lab-${instance}`);
    try {
      mkdirSync(dir);
      return { instance, dir };
    } catch {
      /* taken */
    }
  }
  throw new Error('no free lab instance (stale /var/lib/atomic-harness/lab-* directories?)');
}

// Registers before/after hooks in the current describe(): a lab with `hosts` hosts for the suite.
export function useLab(hosts: number, opts: { sudo?: boolean } = {}): LabHandle {
  const handle = { instance: -1 } as LabHandle;
  let dir: string | undefined;
  before(async function () {
    this.timeout(120_000);
    const why = labUnavailable();
    requireOrSkip(this, why === undefined, why ?? '');
    const claim = claimInstance();
    dir = claim.dir;
    handle.instance = claim.instance;
    if (opts.sudo) requireOrSkip(this, hasCommand('sudo') && hasCommand('visudo'), 'sudo is not installed (Debian package sudo)');
    handle.state = await labUp({ hosts, instance: claim.instance, dir: claim.dir, ...(opts.sudo ? { sudo: true } : {}) });
    handle.targets = loadTargets(handle.state.targetsFile);
  });
  after(async function () {
    this.timeout(120_000);
    if (!dir) return;
    await labDown({ instance: handle.instance, dir });
    rmSync(dir, { recursive: true, force: true });
  });
  return handle;
}
