// `harness run`: the main job. Thin: parse flags, call runPipeline, print the verdicts and where the
// report set is. Exit code per --fail-on (0 pass, 1 findings, 2 usage/configuration error).
import type { Command } from 'commander';
import { relative } from 'node:path';
import { abortOnInterrupt } from '../run/orchestrator.js';
import { runPipeline } from '../run/pipeline.js';
import { createProgressPrinter } from '../run/progress.js';
import type { RunReport } from '../model/report.js';
import { action, EXIT_USAGE } from './common.js';

interface RunFlags {
  config?: string;
  targets?: string;
  only?: string[];
  backend?: string;
  reportDir?: string;
  failOn?: string;
  profile?: string;
  setupSensors?: boolean;
  baseline?: string[];
  concurrency?: string;
  rules?: string;
}

// Registers `harness run`.
export function register(program: Command): void {
  program
    .command('run')
    .description('run the atomic tests on the targets, collect telemetry, judge every test x target, write the report set')
    .option('--config <file>', 'harness.config.yaml to use')
    .option('--targets <file>', 'targets file (default: ./targets.yaml, else this machine as a Linux target)')
    .option('--only <id...>', 'only these tests: GUID, technique (T1588.004) or technique-number (T1587.003-4)')
    .option('--backend <name>', 'where telemetry and rule results come from: local | qradar')
    .option('--report-dir <dir>', 'where reports/<run-id>/ and reports/latest go (default: reports)')
    .option('--fail-on <policy>', 'exit 1 on: regression | gap | any | never (default: regression)')
    .option('--profile <name>', 'property profile (default: stock)')
    .option('--setup-sensors', 'add temporary audit rules on Linux targets (removed afterwards)')
    .option('--baseline <file...>', 'benign event files: any rule row on them is a false positive')
    .option('--concurrency <n>', 'targets run in parallel')
    .option('--rules <dir>', 'evaluate with the rules of this directory instead of expectations/rules (same file names), e.g. expectations/rules/tuned')
    .action(action(async (flags: RunFlags) => {
      const progress = createProgressPrinter();
      let fault: string | undefined;
      const sigint = abortOnInterrupt((why, kind) => {
        if (kind === 'fault') fault = why;
        progress.finish();
        process.stderr.write(`harness: ${kind === 'signal' ? 'interrupted' : why}: finishing cleanups and writing a partial report (Ctrl-C again to quit at once)\n`);
      });
      try {
        const r = await runPipeline({
          cli: { config: flags.config, targets: flags.targets, only: flags.only, backend: flags.backend, reportDir: flags.reportDir, failOn: flags.failOn, profile: flags.profile, setupSensors: flags.setupSensors, baselines: flags.baseline, concurrency: flags.concurrency },
          env: process.env,
          rulesDir: flags.rules,
          signal: sigint.signal,
          onProgress: progress,
          log: (line) => { progress.finish(); process.stderr.write(`${line}\n`); },
        });
        progress.finish();
        process.stdout.write(formatRunSummary(r.report));
        process.stdout.write(`\nreport set: ${relative(process.cwd(), r.runDir) || r.runDir}/ (${r.files.map((f) => f.split('/').pop()).join(', ')})\n`);
        for (const e of r.writeErrors) process.stderr.write(`harness: could not write ${e.format}: ${e.error}\n`);
        if (fault) {
          process.stderr.write(`harness: the run stopped on an internal error, the report is partial: ${fault}\n`);
          return EXIT_USAGE;
        }
        if (r.exit.exitCode) process.stdout.write(`\nexit 1 (--fail-on):\n${r.exit.reasons.map((x) => `  ${x}`).join('\n')}\n`);
        return r.exit.exitCode;
      } finally {
        sigint.dispose();
      }
    }));
}

/** One line per result, then the counts by verdict (what a cron mail or CI log shows). */
export function formatRunSummary(report: RunReport): string {
  const lines: string[] = [];
  for (const r of report.results) {
    const gap = r.knownGap ? ' (known gap)' : '';
    const first = (r.reason ?? '').split('\n')[0];
    lines.push(`${r.verdict.padEnd(15)} ${r.technique.padEnd(10)} ${r.test} @ ${r.target}${gap}${first ? `\n${' '.repeat(16)}${first.slice(0, 600)}` : ''}`);
  }
  const counts = Object.entries(report.summary.byVerdict).map(([v, n]) => `${v} ${n}`).join(', ');
  for (const f of report.findings ?? []) if (f.kind !== 'SENSOR') lines.push(`${f.kind.padEnd(15)} ${f.message}`);
  return `${lines.join('\n')}\n\n${report.results.length} result(s): ${counts || 'none'}${report.interrupted ? ' (INTERRUPTED: partial report)' : ''}\n`;
}
