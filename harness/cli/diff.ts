// `harness diff OLD NEW [--json] [--history N]`: flips between two runs; exit 1 on a regression.
import { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { action, EXIT_FINDINGS, EXIT_OK, printJson } from './common.js';
import { loadReport, resolveReportPath } from '../report/index.js';
import { diffReports, findFlaky } from '../report/diff.js';
import { listRuns } from '../report/history.js';
import { HarnessError } from '../errors.js';

export function register(program: Command): void {
  program
    .command('diff')
    .description('compare two runs: regressions (DETECTED -> MISSED), other flips, new and removed tests, flaky tests')
    .argument('<old>', 'the earlier run (directory or report.json)')
    .argument('<new>', 'the later run (directory or report.json)')
    .option('--history <n>', 'also list tests that flip back and forth across the last N runs in the report directory', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 2) throw new HarnessError('HARNESS_USAGE', `--history takes a whole number >= 2, got ${v}`);
      return n;
    })
    .option('--json', 'print the diff as JSON')
    .action(action(async (oldPath: string, newPath: string, opts: { json?: boolean; history?: number }) => {
      const oldR = loadReport(oldPath);
      const newR = loadReport(newPath);
      const d = diffReports(oldR, newR);
      let flaky: ReturnType<typeof findFlaky> = [];
      if (opts.history) {
        const reportDir = dirname(dirname(resolve(resolveReportPath(newPath))));
        const runs = listRuns(reportDir).map((r) => r.report).filter((r) => r.startedAt <= newR.startedAt).slice(-opts.history);
        flaky = findFlaky(runs);
      }
      if (opts.json) {
        printJson({ ...d, flaky });
      } else {
        const out: string[] = [`${d.old} -> ${d.new}: ${d.regressions.length} regression(s), ${d.flips.length} flip(s), ${d.added.length} new, ${d.removed.length} removed`];
        for (const f of d.flips) {
          const blame = f.blame === 'rule' ? `rule changed: ${f.rulesChanged.join(', ')}` : 'rules unchanged: the environment or the telemetry changed';
          out.push(`  ${f.kind === 'regression' ? 'REGRESSION' : f.kind === 'improvement' ? 'improved  ' : 'changed   '} ${f.technique} ${f.test} @ ${f.target}: ${f.from} -> ${f.to} (${blame})`);
        }
        for (const a of d.added) out.push(`  new        ${a.key}: ${a.verdict}`);
        for (const r of d.removed) out.push(`  removed    ${r.key}: was ${r.verdict}`);
        for (const f of flaky) out.push(`  flaky      ${f.test}: ${f.verdicts.join(' -> ')}`);
        process.stdout.write(out.join('\n') + '\n');
      }
      return d.regressions.length ? EXIT_FINDINGS : EXIT_OK;
    }));
}
