// `harness targets trust NAME`: show the host key a target offers and pin it only when asked.
import type { Command } from 'commander';
import { action, printJson, EXIT_OK, EXIT_FINDINGS } from './common.js';
import { HarnessError } from '../errors.js';
import { loadTargets } from '../config/index.js';
import { trustTarget } from '../exec/trust.js';

// Registers `harness targets`.
export function register(program: Command): void {
  const targets = program.command('targets').description('inspect and pin the hosts in a targets file');
  targets
    .command('trust')
    .description("connect once, print the target's host key fingerprint; --write pins it in the targets file")
    .argument('<name>', 'target name')
    .option('--targets <file>', 'targets file', 'targets.yaml')
    .option('--write', 'write the fingerprint into the targets file (hostKey)')
    .option('--known-hosts <file>', 'append the key to this known_hosts file instead/as well')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (name: string, o: { targets: string; write?: boolean; knownHosts?: string; json?: boolean }) => {
        const t = loadTargets(o.targets).find((x) => x.name === name);
        if (!t) throw new HarnessError('HARNESS_EXEC_UNKNOWN_TARGET', `no target named '${name}' in ${o.targets}`, { location: { file: o.targets }, fix: 'check the name (harness targets trust NAME --targets FILE)' });
        if (t.transport === 'local') throw new HarnessError('HARNESS_EXEC_CONFIG', `target '${name}' is local: it has no host key`, { location: { file: o.targets } });
        const r = await trustTarget(t, o.targets, { writeTargets: o.write, knownHostsFile: o.knownHosts });
        if (o.json) {
          printJson({ target: r.target, address: r.address, port: r.port, keyType: r.offered.type, fingerprint: r.offered.fingerprint, pinned: r.pinned, status: r.status, wrote: r.wrote ?? null });
        } else {
          process.stdout.write(`${r.target} ${r.address}:${r.port} ${r.offered.type} ${r.offered.fingerprint}\n`);
          const pin = r.pinned.length ? r.pinned.join(' or ') : 'none';
          process.stdout.write(`pinned: ${pin} (${r.status})\n`);
          if (r.wrote) process.stdout.write(`wrote: ${r.wrote}\n`);
          else if (r.status !== 'matches') process.stdout.write(`verify the fingerprint out of band, then re-run with --write (or --known-hosts FILE) to pin it\n`);
        }
        return r.status === 'differs' && !r.wrote ? EXIT_FINDINGS : EXIT_OK;
      }),
    );
}
