// `harness replay --map FILE`: verdicts from recorded event files tied to atomic tests, no hosts. Writes a
// normal report set (backend 'replay') and prints the verdicts; exit code per --fail-on (default gap).
import type { Command } from 'commander';
import { relative } from 'node:path';
import { HarnessError } from '../errors.js';
import type { FailOn } from '../model/config.js';
import { decideExit } from '../verdict/fail-on.js';
import { runReplay } from '../verdict/replay-run.js';
import { formatRunSummary } from './run.js';
import { action } from './common.js';

const POLICIES: FailOn[] = ['regression', 'gap', 'any', 'never'];

// Registers `harness replay`.
export function register(program: Command): void {
  program
    .command('replay')
    .description('judge recorded event files tied to atomic tests (a replay map), without hosts; writes a report set')
    .requiredOption('--map <file>', 'replay map (e.g. replay/datasets.yaml)')
    .option('--report-dir <dir>', 'where reports/<run-id>-replay/ goes (default: reports)')
    .option('--profile <name>', 'property profile (default: stock)')
    .option('--rules <dir>', 'evaluate with the rules of this directory (same file names), e.g. expectations/rules/tuned')
    .option('--fail-on <policy>', 'exit 1 on: gap | any | never (default: gap)', 'gap')
    .action(action(async (o: { map: string; reportDir?: string; profile?: string; rules?: string; failOn: string }) => {
      if (!POLICIES.includes(o.failOn as FailOn)) throw new HarnessError('HARNESS_CONFIG_BAD_VALUE', `--fail-on ${o.failOn} is not one of ${POLICIES.join(', ')}`, { fix: 'use --fail-on gap, any or never' });
      const r = await runReplay({ map: o.map, reportDir: o.reportDir, profile: o.profile, rulesDir: o.rules });
      process.stdout.write(formatRunSummary(r.report));
      process.stdout.write(`\nreport set: ${relative(process.cwd(), r.runDir) || r.runDir}/ (${r.files.map((f) => f.split('/').pop()).join(', ')})\n`);
      const d = decideExit(r.report, o.failOn as FailOn, null);
      if (d.exitCode) process.stdout.write(`\nexit 1 (--fail-on ${o.failOn}):\n${d.reasons.map((x) => `  ${x}`).join('\n')}\n`);
      return d.exitCode;
    }));
}
