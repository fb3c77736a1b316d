// `harness cleanup --run ID`: replays the cleanups a crashed or interrupted run left pending in its
// journal, then checks for residue. Exit 0 when everything is clean, 1 when residue or a failure remains.
import type { Command } from 'commander';
import { action, printJson, EXIT_FINDINGS, EXIT_OK } from './common.js';
import { replayCleanups, resolveRunDir } from '../run/cleanup.js';
import { executorFactoryFor } from '../run/executors.js';
import { loadTargets } from '../config/index.js';

// Registers the `cleanup` command.
export function register(program: Command): void {
  program
    .command('cleanup')
    .description("replays pending cleanups from a run's journal (after a crash or SIGKILL) and checks for residue")
    .requiredOption('--run <id>', 'run id (under --report-dir) or the path of reports/<id>')
    .option('--report-dir <dir>', 'where runs write their reports', 'reports')
    .option('--timeout <ms>', 'timeout per cleanup command in ms', '120000')
    .option('--targets <file>', "a targets file whose definitions replace the journal's for the same names (a changed address, key or host key)")
    .option('--json', 'print the result as JSON')
    .action(action(async (o: { run: string; reportDir: string; timeout: string; targets?: string; json?: boolean }) => {
      const runDir = resolveRunDir(o.run, o.reportDir);
      const timeoutMs = Number(o.timeout) > 0 ? Number(o.timeout) : 120_000;
      const targets = o.targets ? loadTargets(o.targets) : undefined;
      const r = await replayCleanups({ runDir, ...(targets ? { targets } : {}), executorFactory: executorFactoryFor({ timeouts: { connectMs: 15_000, execMs: timeoutMs, testMs: timeoutMs } }), timeoutMs });
      if (o.json) printJson(r);
      else {
        if (r.entries.length === 0) process.stdout.write(`run ${r.runId}: nothing pending, every cleanup finished clean\n`);
        for (const e of r.entries) {
          const state = e.ok ? 'clean' : e.residue.length ? 'RESIDUE' : 'FAILED';
          process.stdout.write(`${e.target} #${e.seq} ${e.marker} (was ${e.was}): ${state}${e.residue.length ? `: ${e.residue.join('; ')}` : ''}${!e.ok && e.error && !e.residue.length ? `: ${e.error}` : ''}\n`);
        }
        if (r.entries.length) process.stdout.write(`run ${r.runId}: ${r.entries.length} cleanup(s) replayed, ${r.entries.filter((e) => !e.ok).length} not clean, residue: ${r.residue}\n`);
      }
      return r.ok ? EXIT_OK : EXIT_FINDINGS;
    }));
}
