// `harness lab up|down|status`: the network-namespace lab of Linux targets (root).
import type { Command } from 'commander';
import { action, printJson, EXIT_FINDINGS, EXIT_OK } from './common.js';
import { HarnessError } from '../errors.js';
import { labUp, labDown, labStatus, type LabState } from '../lab/index.js';

function instanceOf(v: string | undefined): number {
  const n = v === undefined ? 0 : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 250) throw new HarnessError('HARNESS_LAB_INSTANCE', `--instance must be 0..250, got ${v}`, { fix: 'omit it for the default lab' });
  return n;
}

function printState(s: LabState): void {
  process.stdout.write(`lab ${s.instance}: bridge ${s.bridge} ${s.subnet} (host side ${s.gateway}), dir ${s.dir}${s.sudo ? ', users with sudo' : ''}\n`);
  for (const h of s.hosts) {
    process.stdout.write(`  ${h.name.padEnd(14)} ${h.address.padEnd(14)} user ${h.user.padEnd(12)} sshd ${h.sshdAlive ? `up (pid ${h.sshdPid})` : 'DOWN'}${h.netnsUp ? '' : ' netns MISSING'}  ${h.hostKey}\n`);
  }
  process.stdout.write(`targets: ${s.targetsFile}\n`);
}

// Registers `harness lab`.
export function register(program: Command): void {
  const lab = program.command('lab').description('network-namespace lab of Linux targets with sshd and auditd (root)');
  const common = (c: Command): Command => c.option('--dir <dir>', 'lab state directory').option('--instance <n>', 'lab instance (0 = the default lab)');
  common(lab.command('up').description('create (or repair/resize) the lab and write targets.lab.yaml'))
    .option('--hosts <n>', 'number of hosts', '3')
    .option('--sudo', 'give the lab users passwordless sudo (targets get sudo: true; kept on a re-run of up)')
    .option('--json', 'print the lab as JSON')
    .action(action(async (o: { hosts: string; dir?: string; instance?: string; sudo?: boolean; json?: boolean }) => {
      const s = await labUp({ hosts: Number(o.hosts), dir: o.dir, instance: instanceOf(o.instance), ...(o.sudo ? { sudo: true } : {}) });
      if (o.json) printJson(s);
      else printState(s);
    }));
  common(lab.command('down').description('remove exactly what `lab up` made'))
    .action(action(async (o: { dir?: string; instance?: string }) => {
      await labDown({ dir: o.dir, instance: instanceOf(o.instance) });
      process.stdout.write('lab down\n');
    }));
  common(lab.command('status').description('hosts, addresses and sshd liveness'))
    .option('--json', 'print the lab as JSON')
    .action(action(async (o: { dir?: string; instance?: string; json?: boolean }) => {
      const s = await labStatus({ dir: o.dir, instance: instanceOf(o.instance) });
      if (o.json) printJson(s);
      else if (!s) process.stdout.write('no lab is up\n');
      else printState(s);
      if (!s) return EXIT_OK;
      return s.hosts.every((h) => h.sshdAlive && h.netnsUp) ? EXIT_OK : EXIT_FINDINGS;
    }));
}
