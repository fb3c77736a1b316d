// `harness report REPORT --format html|junit|md|navigator|json [--out F]`: re-renders a stored report.
import { Command, Option } from 'commander';
import { action, EXIT_OK } from './common.js';
import { loadReport, readEvidence, resolveReportPath, writers, REPORT_FORMATS, type ReportFormat } from '../report/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('re-render a stored report (report.json or its run directory) in another format')
    .argument('<report>', 'reports/<run-id>, reports/latest, or a report.json')
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).makeOptionMandatory())
    .option('--out <file>', 'write to this file (default: stdout)')
    .action(action(async (path: string, opts: { format: ReportFormat; out?: string }) => {
      const file = resolveReportPath(path);
      const report = loadReport(file);
      // The evidence lives beside report.json; re-attach it so HTML cells can show their events.
      report.evidence ??= readEvidence(file);
      const out = writers[opts.format].render(report);
      if (opts.out && opts.out !== '-') {
        writeFileAtomic(opts.out, out);
        process.stderr.write(`wrote ${opts.out}\n`);
      } else {
        process.stdout.write(out);
      }
      return EXIT_OK;
    }));
}
