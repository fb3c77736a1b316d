// docs/errors.md must list every stable error code the harness raises, and nothing it no longer raises.
// Codes are found by scanning harness/**/*.ts for quoted HARNESS_* literals and template-built names
// (`HARNESS_QRADAR_${x}`); environment variable names (HARNESS_CONFIG, HARNESS_QRADAR_URL, ...) are told
// apart by how the source uses them and must appear in the document's "Environment variables" table instead.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../../harness/util/paths.js';

const NAME = 'HARNESS_[A-Z0-9_]*[A-Z0-9]';

// Concrete values of template-built codes, keyed by the literal prefix before `${`. A new template site in
// harness/ fails the test until its possible values are listed here (and documented in docs/errors.md).
const TEMPLATE_VALUES: Record<string, string[]> = {};

// Environment variables read outside harness/ (tests, scripts); they belong in the environment table too.
const EXTRA_ENV = ['HARNESS_TEST_OUTPUT'];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

interface Scan {
  /** code -> files (relative to the package root) that raise it */
  codes: Map<string, Set<string>>;
  /** environment variable names read by the source */
  env: Set<string>;
  /** literal prefixes of template-built codes: `HARNESS_X_${...}` or 'HARNESS_X_' + ... */
  templates: Map<string, Set<string>>;
}

function add(m: Map<string, Set<string>>, k: string, file: string): void {
  if (!m.has(k)) m.set(k, new Set());
  m.get(k)!.add(file);
}

function scanSource(): Scan {
  const files = tsFiles(join(packageRoot, 'harness')).map((f) => ({ rel: relative(packageRoot, f), text: readFileSync(f, 'utf8') }));
  const env = new Set<string>();
  // env.HARNESS_X, env['HARNESS_X'], env?.HARNESS_X, and HARNESS_X: as a key of an env object literal.
  const envRes = [
    new RegExp(`\\benv\\??\\.(${NAME})\\b`, 'g'),
    new RegExp(`\\benv\\??\\.?\\[\\s*['"\`](${NAME})['"\`]\\s*\\]`, 'g'),
    new RegExp(`\\benv\\s*[:=]\\s*\\{[^}]*?\\b(${NAME})\\s*:`, 'g'),
  ];
  for (const f of files) for (const re of envRes) for (const m of f.text.matchAll(re)) env.add(m[1]!);

  const codes = new Map<string, Set<string>>();
  const templates = new Map<string, Set<string>>();
  const literal = new RegExp(`(['"\`])(${NAME})\\1`, 'g');
  // Where a name that is also an environment variable is unmistakably used as an error code.
  const codePosition = (name: string) => new RegExp(`(?:new\\s+(?:HarnessError|QRadarError)\\(\\s*|\\bcode:\\s*|\\?\\s*|['"\`]\\s*:\\s*)['"\`]${name}['"\`]`);
  for (const f of files) {
    for (const m of f.text.matchAll(literal)) {
      const name = m[2]!;
      if (env.has(name) && !codePosition(name).test(f.text)) continue;
      add(codes, name, f.rel);
    }
    for (const m of f.text.matchAll(/`(HARNESS_[A-Z0-9_]*)\$\{/g)) add(templates, m[1]!, f.rel);
    for (const m of f.text.matchAll(/(['"])(HARNESS_[A-Z0-9_]*)\1\s*\+/g)) add(templates, m[2]!, f.rel);
  }
  for (const [prefix, where] of templates) for (const v of TEMPLATE_VALUES[prefix] ?? []) for (const w of where) add(codes, v, w);
  return { codes, env, templates };
}

interface DocTables {
  codes: Set<string>;
  env: Set<string>;
  duplicates: string[];
}

// Rows whose first cell is a `HARNESS_*` code; the "Environment variables" section holds the env names.
function readDoc(): DocTables {
  const text = readFileSync(join(packageRoot, 'docs', 'errors.md'), 'utf8');
  const codes = new Set<string>();
  const env = new Set<string>();
  const duplicates: string[] = [];
  let inEnv = false;
  for (const line of text.split('\n')) {
    const h = /^#{1,3}\s+(.*)$/.exec(line);
    if (h) inEnv = /environment variables/i.test(h[1]!);
    const row = new RegExp(`^\\|\\s*\`(${NAME})\`\\s*\\|`).exec(line);
    if (!row) continue;
    const set = inEnv ? env : codes;
    if (set.has(row[1]!)) duplicates.push(row[1]!);
    set.add(row[1]!);
  }
  return { codes, env, duplicates };
}

function envReadOutsideHarness(name: string): boolean {
  const dirs = ['test', 'scripts', 'bench'].map((d) => join(packageRoot, d));
  const self = join(packageRoot, 'test', 'docs', 'errors.test.ts');
  for (const d of dirs) {
    let files: string[] = [];
    try { files = tsFiles(d); } catch { continue; }
    for (const f of files) if (f !== self && new RegExp(`\\benv\\??\\.${name}\\b`).test(readFileSync(f, 'utf8'))) return true;
  }
  return false;
}

const list = (xs: string[], scan?: Scan) => xs.map((x) => `  ${x}${scan?.codes.get(x) ? `  (${[...scan.codes.get(x)!].join(', ')})` : ''}`).join('\n');

describe('docs/errors.md', () => {
  const scan = scanSource();
  const doc = readDoc();

  it('finds the codes and environment variables in the source', () => {
    expect(scan.codes.size, 'no HARNESS_* code found under harness/').to.be.greaterThan(50);
    expect(scan.env.has('HARNESS_CONFIG'), 'HARNESS_CONFIG not recognised as an environment variable').to.equal(true);
    expect(scan.codes.has('HARNESS_CONFIG'), 'an environment variable was taken for an error code').to.equal(false);
  });

  it('documents every error code the source raises', () => {
    const missing = [...scan.codes.keys()].filter((c) => !doc.codes.has(c)).sort();
    expect(missing, `codes raised in harness/ but missing from docs/errors.md:\n${list(missing, scan)}\n`).to.deep.equal([]);
  });

  it('lists no stale code (every documented code is still raised)', () => {
    const stale = [...doc.codes].filter((c) => !scan.codes.has(c)).sort();
    expect(stale, `codes in docs/errors.md that harness/ no longer raises:\n${list(stale)}\n`).to.deep.equal([]);
  });

  it('lists each code once', () => {
    expect(doc.duplicates, `codes listed twice in docs/errors.md:\n${list(doc.duplicates)}\n`).to.deep.equal([]);
  });

  it('knows the concrete values of every template-built code', () => {
    const unknown = [...scan.templates.keys()].filter((p) => !TEMPLATE_VALUES[p]?.length).sort();
    expect(unknown, `template-built codes with no concrete values in TEMPLATE_VALUES (test/docs/errors.test.ts):\n${list(unknown.map((p) => `${p}\${...} in ${[...scan.templates.get(p)!].join(', ')}`))}\n`).to.deep.equal([]);
  });

  it('documents every environment variable in its own table, and only those', () => {
    const missing = [...scan.env].filter((e) => !doc.env.has(e)).sort();
    expect(missing, `environment variables read in harness/ but missing from the environment table:\n${list(missing)}\n`).to.deep.equal([]);
    const stale = [...doc.env].filter((e) => !scan.env.has(e) && !(EXTRA_ENV.includes(e) && envReadOutsideHarness(e))).sort();
    expect(stale, `environment variables in docs/errors.md that nothing reads:\n${list(stale)}\n`).to.deep.equal([]);
  });
});
