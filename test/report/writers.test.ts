import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureReport } from '../helpers/report-fixture.js';
import { renderJunit, junitOutcome } from '../../harness/report/writers/junit.js';
import { renderMarkdown } from '../../harness/report/writers/markdown.js';
import { buildNavigatorLayer } from '../../harness/report/writers/navigator.js';
import { renderJson } from '../../harness/report/writers/json.js';
import { writeReportSetDetailed, updateLatest, loadReport } from '../../harness/report/index.js';
import { hasCommand, requireOrSkip } from '../helpers/env.js';
import { packageRoot } from '../../harness/util/paths.js';

const GOLDEN = join(packageRoot, 'test/fixtures/report/golden');

// Golden files: regenerate with UPDATE_GOLDEN=1 after a deliberate change, and review the diff.
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    if (!process.env.UPDATE_GOLDEN) throw new Error(`golden file ${name} was missing and has been written; review it and rerun`);
  }
  expect(actual).to.equal(readFileSync(file, 'utf8'));
}

describe('report writers', () => {
  const report = fixtureReport();

  it('junit: maps verdicts to pass, failure, error and skipped', () => {
    const byGuid = (g: string) => report.results.find((r) => r.guid.startsWith(g))!;
    expect(junitOutcome(byGuid('1111'))).to.equal('pass');
    expect(junitOutcome(byGuid('2222'))).to.equal('failure');
    expect(junitOutcome(byGuid('3333'))).to.equal('skipped'); // known gap
    expect(junitOutcome(byGuid('4444'))).to.equal('failure'); // NO_TELEMETRY
    expect(junitOutcome(byGuid('5555'))).to.equal('error'); // NOT_EXECUTED
    expect(junitOutcome(byGuid('6666'))).to.equal('skipped');
    expect(junitOutcome(byGuid('7777'))).to.equal('error'); // INCONCLUSIVE
    expect(junitOutcome(byGuid('8888'))).to.equal('failure'); // UNEXPECTED_FIRE
    expect(junitOutcome(byGuid('9999'))).to.equal('failure'); // DETECTED but RESIDUE
  });

  it('junit: matches its golden file', () => golden('junit.xml', renderJunit(report)));

  it('junit: is valid against the Jenkins JUnit schema (xmllint)', function () {
    requireOrSkip(this, hasCommand('xmllint'), 'xmllint not installed (Debian libxml2-utils)');
    const dir = mkdtempSync(join(tmpdir(), 'ath-junit-'));
    const file = join(dir, 'junit.xml');
    writeFileSync(file, renderJunit(report));
    const out = execFileSync('xmllint', ['--noout', '--schema', join(packageRoot, 'test/fixtures/report/junit-jenkins.xsd'), file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).to.equal('');
  });

  it('junit: the schema check rejects a testsuite without its required counts', function () {
    requireOrSkip(this, hasCommand('xmllint'), 'xmllint not installed (Debian libxml2-utils)');
    const dir = mkdtempSync(join(tmpdir(), 'ath-junit-'));
    const file = join(dir, 'bad.xml');
    writeFileSync(file, '<?xml version="1.0"?><testsuites><testsuite name="x"><testcase name="a"/></testsuite></testsuites>');
    expect(() => execFileSync('xmllint', ['--noout', '--schema', join(packageRoot, 'test/fixtures/report/junit-jenkins.xsd'), file], { stdio: 'pipe' })).to.throw();
  });

  it('junit: strips characters XML cannot hold and escapes markup', () => {
    const r = fixtureReport();
    r.results[0]!.verdict = 'MISSED';
    r.results[0]!.reason = 'bad \u0001 byte and <tag> & "quote" \u001b[31mred\u001b[0m';
    const xml = renderJunit(r);
    expect(xml).to.not.contain('\u0001');
    expect(xml).to.not.contain('\u001b');
    expect(xml).to.contain('&lt;tag&gt; &amp; &quot;quote&quot; red');
  });

  it('markdown: matches its golden file and puts RESIDUE first', () => {
    const md = renderMarkdown(report);
    golden('summary.md', md);
    expect(md.indexOf('RESIDUE')).to.be.lessThan(md.indexOf('| verdict | count |'));
  });

  it('json: omits the evidence (it goes to evidence.jsonl) and round-trips', () => {
    const parsed = JSON.parse(renderJson(report));
    expect(parsed.evidence).to.equal(undefined);
    expect(parsed.results).to.have.length(report.results.length);
    expect(parsed.schemaVersion).to.equal(1);
  });

  it('navigator: has the 4.5 format required fields, the PRE platform and scores by verdict', () => {
    const layer = buildNavigatorLayer(report);
    expect(layer.name).to.be.a('string').and.not.empty;
    expect(layer.domain).to.equal('enterprise-attack');
    expect(layer.versions.layer).to.equal('4.5');
    expect(layer.filters.platforms).to.include('PRE');
    for (const t of layer.techniques) expect(t.techniqueID).to.match(/^T\d{4}(\.\d{3})?$/);
    const t1588 = layer.techniques.find((t) => t.techniqueID === 'T1588.004')!;
    // T1588.004 decisive results: DETECTED, MISSED, NO_TELEMETRY, UNEXPECTED_FIRE -> 1 of 4 detected
    expect(t1588.score).to.equal(25);
    golden('navigator-layer.json', JSON.stringify(layer, null, 2) + '\n');
  });

  it('writes the whole set atomically and points latest at it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-reports-'));
    const runDir = join(dir, report.runId);
    const res = writeReportSetDetailed(report, runDir);
    expect(res.errors).to.deep.equal([]);
    for (const f of ['report.json', 'junit.xml', 'report.html', 'summary.md', 'navigator-layer.json', 'evidence.jsonl']) expect(existsSync(join(runDir, f)), f).to.equal(true);
    expect(readFileSync(join(runDir, 'evidence.jsonl'), 'utf8').trim().split('\n')).to.have.length(2);
    updateLatest(dir, runDir);
    expect(loadReport(join(dir, 'latest')).runId).to.equal(report.runId);
  });
});
