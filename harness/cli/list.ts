// `harness list [--json]`: the catalog, one entry per atomic test with its expectations (DESIGN section 11).
import type { Command } from 'commander';
import { formatDiagnostic } from '../errors.js';
import { catalogEntries, loadCatalog } from '../catalog/index.js';
import { action, EXIT_FINDINGS, EXIT_OK, printJson } from './common.js';
import { relativeDiagnostic } from './check.js';

/** Registers `harness list`. */
export function register(program: Command): void {
  program
    .command('list')
    .description('list the atomic tests of the catalog with their expected signals and detections')
    .option('--json', 'print the rows as JSON')
    .option('--atomics <dir>', 'atomics directory (default: the project\'s atomics/)')
    .option('--expectations <dir>', 'expectations directory (default: the project\'s expectations/)')
    .action(
      action((opts: { json?: boolean; atomics?: string; expectations?: string }) => {
        const { catalog, diagnostics } = loadCatalog({ atomicsDir: opts.atomics, expectationsDir: opts.expectations });
        const rows = catalogEntries(catalog);
        const errors = diagnostics.filter((d) => d.severity === 'error');
        // Invalid files are left out of the list; say so on stderr so --json stays parseable.
        for (const d of errors) process.stderr.write(formatDiagnostic(relativeDiagnostic(d)) + '\n');
        if (opts.json) printJson(rows);
        else process.stdout.write(renderTable(rows));
        return errors.length > 0 ? EXIT_FINDINGS : EXIT_OK;
      }),
    );
}

function renderTable(rows: ReturnType<typeof catalogEntries>): string {
  if (rows.length === 0) return 'no atomic tests found\n';
  const lines = rows.map((r) => {
    const dets = r.detections.map((d) => `${d.rule.replace(/^rules\//, '').replace(/\.aql$/, '')}:${d.fires ? 'fires' : 'silent'}${d.knownGap ? '(known gap)' : ''}`).join(' ');
    return [r.techniques.join(','), r.guid, r.platforms.join(','), r.executor, String(r.signals), r.name, dets];
  });
  const head = ['TECHNIQUES', 'GUID', 'PLATFORMS', 'EXECUTOR', 'SIGNALS', 'NAME', 'DETECTIONS'];
  const all = [head, ...lines];
  const widths = head.map((_, i) => (i === head.length - 1 ? 0 : Math.max(...all.map((l) => l[i]!.length))));
  return all.map((l) => l.map((c, i) => (widths[i] ? c.padEnd(widths[i]!) : c)).join('  ').trimEnd()).join('\n') + `\n${rows.length} test(s)\n`;
}
