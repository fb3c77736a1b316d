// Search planning: the rule's bytes are kept, only the time clause, the WHERE wrapper, LIMIT and hidden
// tie columns change. Checked on the two seed rules as published and on edge cases of AQL quoting.
import { expect } from 'chai';
import { findClauses, isAggregate, spliceAql } from '../../harness/qradar/aql-splice.js';
import { hostRestriction, planRuleSearch, planRuleSearchDetailed, planSignalFetch } from '../../harness/qradar/plan.js';
import type { Target } from '../../harness/model/config.js';
import { withTimeWindow } from '../../harness/aql/rewrite.js';
import { seedRule } from './helpers.js';

const win: Target = { name: 'win-ws01', os: 'windows', transport: 'ssh', address: '10.0.0.5', port: 22, sudo: false, qradar: { logSourceName: "WIN-WS01 @ 10.0.0.5" } };
const lnx: Target = { name: 'lnx-01', os: 'linux', transport: 'ssh', address: '10.0.0.9', port: 22, sudo: false, qradar: { logSourceName: "o'brien-box" } };
const window = { start: 1_763_800_000_000, stop: 1_763_800_600_000 };

describe('qradar search planning', () => {
  it('replaces the seed rule time clause with START/STOP epoch ms plus slack, LIMIT before it, and keeps every other byte', () => {
    const rule = seedRule('000_2434b9280510c9de.txt');
    expect(rule).to.match(/LAST 24 HOURS$/);
    const aql = planRuleSearch(rule, { window, slackMs: 60_000, targets: [win], hostField: 'logSourceName', limit: 5000 });
    expect(aql.endsWith(`LIMIT 5000 START ${window.start - 60_000} STOP ${window.stop + 60_000}`)).to.equal(true);
    expect(aql).to.not.contain('LAST 24 HOURS');
    // the doubled backslashes of the published rule survive untouched
    expect(aql).to.contain(`"TargetObject" ILIKE '%\\\\SOFTWARE\\\\Microsoft\\\\SystemCertificates\\\\Root\\\\Certificates%'`);
    // WHERE wrapped: (<original>) AND (<restriction>)
    const whereBody = rule.slice(rule.indexOf('WHERE ') + 6, rule.lastIndexOf('\nLAST'));
    expect(aql).to.contain(`WHERE (${whereBody}) AND (LOGSOURCENAME(logsourceid) = 'WIN-WS01 @ 10.0.0.5')`);
    // hidden tie columns appended to the select list, before FROM
    expect(aql).to.contain(`"ParentImage" AS parent_image, starttime AS ath_starttime, logsourceid AS ath_logsourceid, UTF8(payload) AS ath_payload\nFROM events`);
    // everything before the added columns is the user's text byte for byte
    const selectList = rule.slice(0, rule.indexOf('\nFROM'));
    expect(aql.startsWith(selectList)).to.equal(true);
  });

  it('plans the second seed rule (WHERE then ORDER BY, LAST 1 DAYS) with the restriction of every target, before ORDER BY', () => {
    const rule = seedRule('002_9a3d30ccecc6226b.txt');
    expect(rule).to.match(/\)\nORDER BY starttime DESC\nLAST 1 DAYS$/);
    const aql = planRuleSearch(rule, { window, slackMs: 0, targets: [win, lnx], hostField: 'logSourceName' });
    expect(aql).to.contain("WHERE (LOGSOURCETIME > NOW() - 1 DAYS\nAND (");
    expect(aql).to.contain(")\n)) AND (LOGSOURCENAME(logsourceid) = 'WIN-WS01 @ 10.0.0.5' OR LOGSOURCENAME(logsourceid) = 'o''brien-box')\nORDER BY starttime DESC");
    expect(aql.endsWith(`ORDER BY starttime DESC START ${window.start} STOP ${window.stop}`)).to.equal(true);
  });

  it('keeps the rule own LIMIT, adds none, and inserts WHERE when the rule has none', () => {
    const out = spliceAql("SELECT username FROM events LIMIT 10 LAST 5 MINUTES", { window, limit: 99, restriction: "sourceip = '10.0.0.9'" });
    expect(out).to.equal(`SELECT username FROM events WHERE sourceip = '10.0.0.9' LIMIT 10 START ${window.start} STOP ${window.stop}`);
  });

  it('is not fooled by keywords inside strings, quoted identifiers and parentheses', () => {
    const q = `SELECT "WHERE LIMIT" AS w FROM events WHERE x = 'LAST 5 MINUTES START 1 GROUP BY' AND (a = 1) START '2026-01-01 00:00' STOP '2026-01-02 00:00';`;
    const out = spliceAql(q, { window, restriction: 'b = 2' });
    expect(out).to.equal(`SELECT "WHERE LIMIT" AS w FROM events WHERE (x = 'LAST 5 MINUTES START 1 GROUP BY' AND (a = 1)) AND (b = 2) START ${window.start} STOP ${window.stop}`);
  });

  it('moves a LIMIT written after the time clause before it (QRadar clause order) and adds a time clause when there is none', () => {
    expect(spliceAql('SELECT a FROM events LAST 2 HOURS LIMIT 7', { window })).to.equal(`SELECT a FROM events LIMIT 7 START ${window.start} STOP ${window.stop}`);
    expect(spliceAql('SELECT a FROM events WHERE a = 1 ORDER BY a', { window })).to.equal(`SELECT a FROM events WHERE a = 1 ORDER BY a START ${window.start} STOP ${window.stop}`);
  });

  it('recognises aggregate rules and adds no hidden columns to them', () => {
    const agg = 'SELECT sourceip, COUNT(*) AS n FROM events WHERE devicetype = 12 GROUP BY sourceip LAST 1 HOURS';
    expect(isAggregate(findClauses(agg))).to.equal(true);
    expect(isAggregate(findClauses('SELECT LAST(x) AS l FROM events LAST 1 HOURS'))).to.equal(true);
    const plan = planRuleSearchDetailed(agg, { window, slackMs: 0, targets: [win], hostField: 'logSourceName' });
    expect(plan.aggregate).to.equal(true);
    expect(plan.hidden).to.deep.equal([]);
    expect(plan.aql).to.equal(`SELECT sourceip, COUNT(*) AS n FROM events WHERE (devicetype = 12) AND (LOGSOURCENAME(logsourceid) = 'WIN-WS01 @ 10.0.0.5') GROUP BY sourceip START ${window.start} STOP ${window.stop}`);
  });

  it('makes each poll cycle query unique (STOP + cycle ms) so Ariel de-duplication cannot return an old search', () => {
    const a = planRuleSearch('SELECT a FROM events', { window, slackMs: 0, targets: [win], hostField: 'logSourceName', uniquifier: 1 });
    const b = planRuleSearch('SELECT a FROM events', { window, slackMs: 0, targets: [win], hostField: 'logSourceName', uniquifier: 2 });
    expect(a).to.not.equal(b);
  });

  it('restricts by source IP (falling back to the target address) or hostname, and refuses a target QRadar cannot select', () => {
    expect(hostRestriction([{ ...lnx, qradar: undefined }], 'sourceIp')).to.equal("sourceip = '10.0.0.9'");
    expect(hostRestriction([{ ...lnx, qradar: { hostname: 'LNX-01' } }], 'hostname')).to.equal("LOWER(identityhostname) = 'lnx-01'");
    expect(() => hostRestriction([{ ...lnx, qradar: undefined }], 'logSourceName')).to.throw(/target lnx-01 has no qradar.logSourceName/).with.property('code', 'HARNESS_QRADAR_TARGET_UNMAPPED');
  });

  it('builds one signal fetch with the needed properties, the payload and the host restriction', () => {
    const aql = planSignalFetch({ window, slackMs: 1000, targets: [win], hostField: 'logSourceName', properties: ['Process CommandLine', 'Image'], limit: 500 });
    expect(aql).to.contain('UTF8(payload) AS ath_payload');
    expect(aql).to.contain('"Process CommandLine" AS ath_p0, "Image" AS ath_p1');
    expect(aql).to.contain("WHERE LOGSOURCENAME(logsourceid) = 'WIN-WS01 @ 10.0.0.5' LIMIT 500 START");
    expect(aql.endsWith(`START ${window.start - 1000} STOP ${window.stop + 1000}`)).to.equal(true);
  });

  it('the scanner fallback makes the same time-window edit as the AQL engine withTimeWindow on the seed rules', () => {
    for (const f of ['000_2434b9280510c9de.txt', '002_9a3d30ccecc6226b.txt']) {
      const rule = seedRule(f);
      expect(spliceAql(rule, { window, limit: 100 })).to.equal(withTimeWindow(rule, window, { limit: 100 }));
    }
  });
});
