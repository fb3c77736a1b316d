// The bench's own lab instance (separate from `harness lab` and from test suites), plus what the peers
// need to reach it with the same keys: a known_hosts file and an Ansible inventory.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labUp, labLayout, type LabState } from '../../harness/lab/index.js';
import { LAB_ROOT } from '../../harness/lab/layout.js';
import { sshdFiles } from '../../harness/lab/sshd.js';
import { loadTargets } from '../../harness/config/index.js';
import type { Target } from '../../harness/model/config.js';

export interface BenchLab {
  state: LabState;
  targets: Target[];
  knownHosts: string;
  inventory: string;
  down(): Promise<void>;
}

// Claims a free instance number (its directory created exclusively), brings `hosts` hosts up.
export async function benchLab(hosts: number): Promise<BenchLab> {
  mkdirSync(LAB_ROOT, { recursive: true });
  let instance = -1;
  let dir = '';
  for (let i = 0; i < 30 && instance < 0; i++) {
    const n = 200 + Math.floor(Math.random() * 50);
    try {
      mkdirSync(join(LAB_ROOT, `lab-${n}`));
      instance = n;
      dir = join(LAB_ROOT, `lab-${n}`);
    } catch { /* taken */ }
  }
  if (instance < 0) throw new Error('no free lab instance for the bench');
  const state = await labUp({ hosts, instance, dir });
  const layout = labLayout(instance, dir);
  const knownHosts = join(dir, 'bench_known_hosts');
  writeFileSync(knownHosts, state.hosts.map((h, i) => {
    const pub = readFileSync(`${sshdFiles(layout.host(i + 1)).hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    return `${h.address} ${pub}\n`;
  }).join(''));
  const inventory = join(dir, 'bench_inventory.ini');
  writeFileSync(inventory, '[lab]\n' + state.hosts.map((h) => `${h.name} ansible_host=${h.address} ansible_user=${h.user}\n`).join(''));
  return {
    state, targets: loadTargets(state.targetsFile), knownHosts, inventory,
    down: async () => {
      await labDown({ instance, dir });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
