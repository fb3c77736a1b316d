// expectations/rules: exact bytes and sha256, metadata beside each rule, and the optional rule-checker
// hook that `harness check` runs (the AQL area registers its compile + lint there).
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCatalog, loadCatalog, registerRuleChecker, runRuleChecker } from '../../harness/catalog/index.js';
import { loadRuleFile, loadRules, sha256Hex } from '../../harness/catalog/rules.js';
import type { RuleFile } from '../../harness/model/catalog.js';
import { expectationsDir } from '../../harness/util/paths.js';

describe('catalog: rules and the rule-checker hook', function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ath-rules-'))));
  afterEach(() => {
    registerRuleChecker(undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the project rules with their exact bytes, sha256 and metadata (subdirectories too)', function () {
    const rules = loadRules(join(expectationsDir, 'rules'));
    const ids = rules.map((r) => r.id);
    expect(ids).to.include.members(['rules/t1587-003-cert-generation.aql', 'rules/t1588-004-root-ca-install.aql']);
    for (const r of rules) expect(r.sha256).to.equal(sha256Hex(Buffer.from(r.text, 'utf8')));
    expect(rules.find((r) => r.id === 'rules/t1588-004-root-ca-install.aql')!.meta).to.deep.include({ technique: 'T1588.004', severity: 'high', source: 'seeds/000_2434b9280510c9de.txt' });
  });

  it('catches a changed byte through the recorded sha256 (CRLF, a trailing newline)', function () {
    const text = "SELECT * FROM events WHERE \"TargetObject\" ILIKE '%\\Root\\Certificates%' LAST 1 HOURS";
    writeFileSync(join(dir, 'r.aql'), text);
    writeFileSync(join(dir, 'r.yaml'), `name: r\ntechnique: T1588.004\nseverity: low\nsource: test\nsha256: '${sha256Hex(text)}'\n`);
    expect(loadRuleFile(join(dir, 'r.aql')).diagnostics).to.deep.equal([]);
    writeFileSync(join(dir, 'r.aql'), text + '\n');
    const d = loadRuleFile(join(dir, 'r.aql')).diagnostics;
    expect(d.map((x) => [x.code, x.location.line])).to.deep.equal([['HARNESS_RULE_CHANGED', 5]]);
  });

  it('runs a registered checker on every rule, demotes accepted findings, and turns a crash into a diagnostic', function () {
    const seen: string[] = [];
    registerRuleChecker((rule: RuleFile) => {
      seen.push(rule.id);
      return rule.id.endsWith('t1587-003-cert-generation.aql') && !rule.id.includes('tuned')
        ? [{ severity: 'error', code: 'HARNESS_AQL_UNKNOWN_FIELD', message: 'Unknown field LOGSOURCETIME', location: { file: rule.path, line: 47, column: 7 } }]
        : [{ severity: 'error', code: 'HARNESS_AQL_SOMETHING', message: 'x', location: { file: rule.path } }];
    });
    const { catalog } = loadCatalog();
    const ds = checkCatalog(catalog);
    expect(seen).to.include.members(['rules/t1587-003-cert-generation.aql', 'rules/t1588-004-root-ca-install.aql']);
    const accepted = ds.find((d) => d.code === 'HARNESS_AQL_UNKNOWN_FIELD')!;
    expect(accepted.severity).to.equal('warning');
    expect(accepted.message).to.include('accepted in the rule\'s metadata');
    expect(ds.filter((d) => d.code === 'HARNESS_AQL_SOMETHING').every((d) => d.severity === 'error')).to.equal(true);
    registerRuleChecker(() => {
      throw new Error('boom');
    });
    const crash = runRuleChecker(catalog.rules[0]!);
    expect(crash.map((d) => [d.code, d.severity])).to.deep.equal([['HARNESS_RULE_CHECK_FAILED', 'error']]);
  });
});
