// `harness check [PATH...]`: validates atomics, expectations, rules and config (default: the project's own)
// and lists every problem as `file:line:column: severity: message [CODE]` with its fix.
import type { Command } from 'commander';
import { relative } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../errors.js';
import { checkPaths, checkProject } from '../catalog/check.js';
import { action, EXIT_FINDINGS, EXIT_OK } from './common.js';

// The AQL area registers its compile/lint checker from this module when it exists (registerRuleChecker).
const RULE_CHECKER_MODULE = '../aql/rule-checker.js';

/** Registers `harness check`. */
export function register(program: Command): void {
  program
    .command('check')
    .description('validate atomics, expectations, rules, harness.config.yaml and targets.yaml; list every problem with file:line')
    .argument('[paths...]', 'files or directories to check (default: the project itself)')
    .action(
      action(async (paths: string[]) => {
        await loadRuleChecker();
        const r = paths.length > 0 ? checkPaths(paths) : checkProject();
        const sorted = r.diagnostics.map(relativeDiagnostic);
        for (const d of sorted) process.stdout.write(formatDiagnostic(d) + '\n');
        const errors = sorted.filter((d) => d.severity === 'error').length;
        const warnings = sorted.length - errors;
        process.stdout.write(`${errors} error(s), ${warnings} warning(s) in ${r.files.length} file(s)\n`);
        return errors > 0 ? EXIT_FINDINGS : EXIT_OK;
      }),
    );
}

/** A diagnostic with its file shown relative to the working directory when inside it. */
export function relativeDiagnostic(d: Diagnostic): Diagnostic {
  const f = d.location.file;
  if (!f.startsWith('/')) return d;
  const rel = relative(process.cwd(), f);
  return rel.startsWith('..') ? d : { ...d, location: { ...d.location, file: rel } };
}

async function loadRuleChecker(): Promise<void> {
  try {
    await import(RULE_CHECKER_MODULE);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    // Only "that module does not exist yet" is expected; anything else is a real failure to report.
    if (err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('rule-checker')) return;
    throw e;
  }
}
