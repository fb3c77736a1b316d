// Configuration and targets: harness.config.yaml (run and back-end options) and targets.yaml (hosts),
// validated with located errors, resolved once (CLI > environment > file > defaults) and frozen.
export { loadTargets, checkTargetsFile, expandHome } from './targets.js';
export { resolveConfig, type CliOptions, type ResolveInput } from './resolve.js';
export { readConfigFile, type ConfigLayer } from './config-file.js';
export { DEFAULTS } from './defaults.js';
import { isHarnessError, type Diagnostic } from '../errors.js';
import { readConfigFile } from './config-file.js';
import { resolveConfig } from './resolve.js';

/** Every problem of a harness.config.yaml (for `harness check`), including those of the merged result. */
export function checkConfigFile(path: string): Diagnostic[] {
  const diagnostics = readConfigFile(path).diagnostics;
  if (diagnostics.some((d) => d.severity === 'error')) return diagnostics;
  try {
    // With no environment and no flags: what the file alone says (e.g. a qradar back-end without a URL).
    resolveConfig({ cli: { config: path }, env: {} });
  } catch (e) {
    if (!isHarnessError(e)) throw e;
    diagnostics.push({ severity: 'error', code: e.code, message: e.message, location: { file: path }, ...(e.fix ? { fix: e.fix } : {}) });
  }
  return diagnostics;
}
