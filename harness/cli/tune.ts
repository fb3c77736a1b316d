// `harness tune --rule NEW.aql [--replace OLD.aql] --against REPORT [--baseline F...] [--backend qradar]`:
// before/after verdicts for a rule change over the evidence stored with a report, or re-run in QRadar
// over the run window; exit 1 when anything goes from DETECTED to not detected.
import type { Command } from 'commander';
import { formatTune, runTune } from '../verdict/tune-run.js';
import { action, EXIT_FINDINGS, EXIT_OK, printJson } from './common.js';

// Registers `harness tune`.
export function register(program: Command): void {
  program
    .command('tune')
    .description('re-evaluate a changed rule over the evidence of a stored report (or in QRadar over its run window): before/after per test, false positives on baselines')
    .requiredOption('--rule <file>', 'the new rule (.aql)')
    .option('--replace <file>', 'the rule it replaces (default: the rule of the same file name)')
    .requiredOption('--against <report>', 'reports/<run-id>, reports/latest, or a report.json')
    .option('--baseline <file...>', 'benign event files: rows on them are false positives (old vs new)')
    .option('--backend <name>', 'local: the evidence stored with the report (default); qradar: re-run the new and the replaced rule in QRadar over the run window')
    .option('--config <file>', 'harness.config.yaml with the qradar: section (--backend qradar)')
    .option('--targets <file>', 'the targets file of the run: their qradar: mapping restricts the searches to the run\'s hosts (--backend qradar)')
    .option('--profile <name>', 'property profile (default: the report\'s)')
    .option('--json', 'print the outcome as JSON')
    .action(action(async (o: { rule: string; replace?: string; against: string; baseline?: string[]; backend?: string; profile?: string; config?: string; targets?: string; json?: boolean }) => {
      const t = await runTune({ rule: o.rule, replace: o.replace, against: o.against, baselines: o.baseline, backend: o.backend, profile: o.profile, config: o.config, targets: o.targets });
      if (o.json) printJson({ replaces: t.replaces, runId: t.report.runId, backend: t.backend, ...('window' in t ? { window: t.window, fetched: t.fetched } : {}), rejected: t.rejected, rows: t.rows, regressions: t.regressions.length, improvements: t.improvements.length, baselines: t.baselines });
      else process.stdout.write(formatTune(t, o.rule));
      return t.regressions.length ? EXIT_FINDINGS : EXIT_OK;
    }));
}
