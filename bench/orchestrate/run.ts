// bench/orchestrate: the Linux behaviour (T1587.003 #4, openssl) and a no-op command on 1, 4 and 16 lab
// hosts, run three ways in the same process and lab: the harness executor (one SSH connection per host,
// channels reused), a plain `ssh` per command, and Ansible ad-hoc. Prints wall time, overhead per command
// beyond the command's own run time, the ratios, and the speed-up across hosts. Needs root (the lab).
//   node --import tsx bench/orchestrate/run.ts [--hosts 1,4,16] [--n 40] [--ansible-n 4] [--reps 2]
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { loadAtomicFile } from '../../harness/catalog/index.js';
import { substituteArgs } from '../../harness/catalog/args.js';
import { rendererFor } from '../../harness/exec/shells/index.js';
import { atomicsDir } from '../../harness/util/paths.js';
import { benchLab } from './lab.js';
import { ANSIBLE_LOCAL_TEMP, ownTime, viaAnsible, viaHarness, viaSshLoop, type Batch, type Timing } from './methods.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
}
const HOSTS = arg('hosts', '1,4,16').split(',').map(Number);
const N = Number(arg('n', '40'));
const ANSIBLE_N = Number(arg('ansible-n', '4'));
const REPS = Number(arg('reps', '2'));

// The Linux behaviour's command and cleanup, the marker made per host by the login name (lab users differ).
function behaviourBatch(): Batch {
  const file = loadAtomicFile(join(atomicsDir, 'T1587.003', 'T1587.003.yaml')).file!;
  const test = file.atomic_tests.find((t) => t.supported_platforms.includes('linux'))!;
  const r = rendererFor(test.executor.name, 'linux');
  const commands: string[] = [];
  for (let rep = 1; rep <= REPS; rep++) {
    const args = { harness_marker: `ath-bench-$(id -un)-${rep}`, harness_tmp: '/tmp', pfx_password: 'AtomicHarness-Test1' };
    // Raw substitution on purpose: the marker must expand per host so every method runs the same string.
    for (const text of [test.executor.command!, test.executor.cleanup_command!]) commands.push(r.render(substituteArgs(text, args, (v) => v), {}).commandLine);
  }
  return { commands };
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('bench/orchestrate needs root (it brings up a network-namespace lab)');
    process.exit(2);
  }
  const max = Math.max(...HOSTS);
  console.log(`bench/orchestrate: lab of ${max} hosts coming up ...`);
  const lab = await benchLab(max);
  try {
    const noop: Batch = { commands: Array.from({ length: N }, () => 'true') };
    const noopAnsible: Batch = { commands: noop.commands.slice(0, ANSIBLE_N) };
    const own = await ownTime('true', 9);
    const behaviour = behaviourBatch();
    let ownBehaviour = 0;
    for (const c of behaviour.commands) ownBehaviour += await ownTime(c, 3);
    console.log(`own run time: \`true\` ${ms(own)} (sh -c, median of 9); behaviour batch (${behaviour.commands.length} commands) ${ms(ownBehaviour)}`);
    const header = ['hosts', 'method', 'commands/host', 'wall', 'per command', 'overhead/command', 'vs harness', 'failed'];
    const rows: string[][] = [];
    const harnessWall: Record<number, number> = {};
    for (const h of HOSTS) {
      const targets = lab.targets.slice(0, h);
      // Warm-up (first connection, page cache) not measured.
      await viaHarness(targets, { commands: ['true'] });
      const hw = await viaHarness(targets, noop);
      harnessWall[h] = hw.wallMs;
      const sw = await viaSshLoop(targets, noop, lab.knownHosts);
      const aw = await viaAnsible(targets, noopAnsible, lab.inventory, lab.knownHosts);
      const hp = hw.wallMs / N, sp = sw.wallMs / N, ap = aw.wallMs / ANSIBLE_N;
      const f = (t: Timing) => (t.failed ? `${t.failed} (${t.firstFailure})` : '0');
      rows.push([String(h), 'harness (1 conn/host)', String(N), ms(hw.wallMs), ms(hp), ms(hp - own), '1.0x', f(hw)]);
      rows.push([String(h), 'ssh loop (1 conn/cmd)', String(N), ms(sw.wallMs), ms(sp), ms(sp - own), ratio(sp, hp), f(sw)]);
      rows.push([String(h), 'ansible ad-hoc', String(ANSIBLE_N), ms(aw.wallMs), ms(ap), ms(ap - own), ratio(ap, hp), f(aw)]);
      const bh = await viaHarness(targets, behaviour);
      const bs = await viaSshLoop(targets, behaviour, lab.knownHosts);
      const ba = await viaAnsible(targets, behaviour, lab.inventory, lab.knownHosts);
      const bn = behaviour.commands.length;
      rows.push([String(h), 'harness: T1587.003 #4', String(bn), ms(bh.wallMs), ms(bh.wallMs / bn), ms((bh.wallMs - ownBehaviour) / bn), '1.0x', f(bh)]);
      rows.push([String(h), 'ssh loop: T1587.003 #4', String(bn), ms(bs.wallMs), ms(bs.wallMs / bn), ms((bs.wallMs - ownBehaviour) / bn), ratio(bs.wallMs, bh.wallMs), f(bs)]);
      rows.push([String(h), 'ansible: T1587.003 #4', String(bn), ms(ba.wallMs), ms(ba.wallMs / bn), ms((ba.wallMs - ownBehaviour) / bn), ratio(ba.wallMs, bh.wallMs), f(ba)]);
    }
    const width = header.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(width[i]!)).join('  ');
    console.log(line(header));
    for (const r of rows) console.log(line(r));
    const base = harnessWall[HOSTS[0]!]! / HOSTS[0]!;
    console.log('speed-up (harness, no-op batch): ' + HOSTS.map((h) => `${h} hosts: ${((base * h) / harnessWall[h]!).toFixed(1)}x of ${h}`).join('; '));
    console.log('(overhead = wall per command minus the command\'s own run time (sh -c, timed on this machine; noisy when the machine is loaded);');
    console.log(' "vs harness" = ratio of the wall time per command for the same batch on the same hosts; load average at the end: ' + (await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ') + ` on ${(await import('node:os')).cpus().length} CPUs)`);
  } finally {
    await lab.down();
    // Ansible's temp dirs (local, and the remote ones, which are on this machine's /tmp too).
    rmSync(ANSIBLE_LOCAL_TEMP, { recursive: true, force: true });
    for (const h of lab.state.hosts) rmSync(`/tmp/.ath-bench-ansible-${h.user}`, { recursive: true, force: true });
  }
}

await main();
