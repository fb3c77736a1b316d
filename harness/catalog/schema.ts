// A small collector for validating YAML values with locations: every problem becomes a Diagnostic with
// file:line:column, and validation goes on, so `harness check` can list them all at once.
import type { Diagnostic } from '../errors.js';
import type { LoadedYaml, YamlPath } from '../util/yaml.js';

export type Json = unknown;

/** Collects located diagnostics while a loaded YAML value is validated. */
export class Collector {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly yaml: LoadedYaml) {}

  /** Records an error at the value found at `path` (or at its key when `atKey`). */
  error(path: YamlPath, code: string, message: string, fix?: string, atKey = false): void {
    this.push('error', path, code, message, fix, atKey);
  }

  /** Records a warning at the value found at `path`. */
  warn(path: YamlPath, code: string, message: string, fix?: string, atKey = false): void {
    this.push('warning', path, code, message, fix, atKey);
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }

  private push(severity: Diagnostic['severity'], path: YamlPath, code: string, message: string, fix: string | undefined, atKey: boolean): void {
    const location = atKey ? this.yaml.locateKey(path) : this.yaml.locate(path);
    this.diagnostics.push({ severity, code, message, location, ...(fix ? { fix } : {}) });
  }
}

/** `a.b[2].c` for messages. */
export function pathText(path: YamlPath): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s || '(document)';
}

/** A YAML mapping (not a list, not null, not a date). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** What a value is without showing it (for fields that may hold a secret by mistake). */
export function kindOf(v: unknown): string {
  return typeName(v).replace(/ \(.*\)$/s, '');
}

/** What a value is, for messages: `a list`, `a number (5)`, `nothing (null)`. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v} (${JSON.stringify(v)})`;
}

/** Reports keys of `obj` not in `allowed` as errors at the key (with a did-you-mean hint). */
export function checkKeys(c: Collector, path: YamlPath, obj: Record<string, unknown>, allowed: readonly string[], code: string, where: string): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const near = closest(key, allowed);
    c.error([...path, key], code, `unknown field ${JSON.stringify(key)} in ${where}`, near ? `did you mean ${JSON.stringify(near)}? allowed: ${allowed.join(', ')}` : `allowed fields: ${allowed.join(', ')}`, true);
  }
}

/** The allowed word nearest to `word` (edit distance <= 2 or a prefix), for did-you-mean hints. */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = a.startsWith(word) || word.startsWith(a) ? 1 : editDistance(word.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}
