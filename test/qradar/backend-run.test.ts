// QRadarBackend run behaviour against the Ariel API test double: how many searches a run makes (at most
// rules + 1 per poll cycle, whatever the number of tests and targets), failures as { ok: false } that
// the verdict core treats as INCONCLUSIVE (never as a rule rejection or a miss), ingestion latency, and
// aggregate rules.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NormalizedEvent } from '../../harness/model/event.js';
import type { Target } from '../../harness/model/config.js';
import { QRadarBackend } from '../../harness/qradar/backend.js';
import { readEventFiles } from '../../harness/telemetry/index.js';
import { loadProfile } from '../../harness/telemetry/profile.js';
import { isRuleRejection } from '../../harness/verdict/rules.js';
import { DATASETS, datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { projectRules, requestsTo, startDouble, syntheticEvents, type Harnessed } from './helpers.js';

const TARGETS: Target[] = ['win-ws01', 'win-ws02', 'win-srv01', 'lnx-01'].map((n, i) => ({ name: n, os: i < 3 ? 'windows' : 'linux', transport: 'ssh', address: `10.0.0.${i + 5}`, port: 22, sudo: false, qradar: { logSourceName: `${n.toUpperCase()} @ 10.0.0.${i + 5}` } }));

// A recorded certutil event re-hosted onto each target for each of 8 tests, at distinct times from now.
async function runEvents(now: number): Promise<NormalizedEvent[]> {
  const dir = join(DATASETS, 'SigmaHQ-sigma-regression_data/proc_creation_win_certutil_certificate_installation');
  const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.evtx'))!);
  const base: NormalizedEvent[] = [];
  for await (const e of readEventFiles([file], { profile: loadProfile('stock') })) base.push(e);
  const out: NormalizedEvent[] = [];
  TARGETS.forEach((t, ti) => {
    for (let test = 0; test < 8; test++) {
      for (const e of base) out.push({ ...e, starttime: now + test * 1000 + ti, devicetime: now + test * 1000 + ti, logsourceid: 100 + ti, logsourcename: t.qradar!.logSourceName!, payload: `${e.payload} ath-run1-${test}` });
    }
  });
  return out;
}

describe('QRadarBackend run behaviour against the Ariel double', function () {
  this.timeout(60_000);
  let h: Harnessed;
  afterEach(async () => h?.double.stop());

  it('a run of 8 tests on 4 targets makes at most rules + 1 searches per poll cycle (counted at the double)', async function () {
    requireOrSkip(this, datasetsPresent(), `datasets not found at ${DATASETS}`);
    h = await startDouble({ ingestDelayMs: 250 });
    const now = Date.now();
    const events = await runEvents(now);
    h.double.ingest(events);
    const rules = projectRules();
    const backend = new QRadarBackend({ client: h.client(), config: { hostField: 'logSourceName', windowSlackMs: 5_000, maxConcurrentSearches: 3 }, properties: ['Process CommandLine'] });
    const window = { start: now - 1000, stop: now + 10_000 };
    const perCycle: number[] = [];
    let settled = false;
    for (let cycle = 0; cycle < 6 && !settled; cycle++) {
      const before = requestsTo(h.double, 'POST', /^\/api\/ariel\/searches$/).length;
      const fetched = await backend.fetchEvents({ window, targets: TARGETS });
      if (!fetched.ok) throw new Error(fetched.error);
      const runs = await backend.runRules({ window, targets: TARGETS, rules, events: fetched.events });
      perCycle.push(requestsTo(h.double, 'POST', /^\/api\/ariel\/searches$/).length - before);
      settled = fetched.events.length === events.length && [...runs.values()].some((r) => r.ok && r.rows.length === 32);
      if (!settled) await new Promise((r) => setTimeout(r, 150));
    }
    expect(settled, 'all 32 executions seen and tied').to.equal(true);
    expect(perCycle.length).to.be.greaterThan(1); // the ingestion delay forced at least one more cycle
    for (const n of perCycle) expect(n).to.be.at.most(rules.length + 1);
    expect(h.double.searchesCreated).to.be.at.most(perCycle.length * (rules.length + 1));
    expect(h.double.store.live(Date.now()), 'every search deleted').to.have.length(0);
    console.log(`      (${perCycle.length} cycles, searches per cycle ${perCycle.join('/')}, rules ${rules.length}; one per expectation would be ${32 * rules.length} per cycle)`);
  });

  it('a console that is down gives { ok: false } for events and every rule, codes the verdict core does not take for rule rejections', async () => {
    h = await startDouble();
    const client = h.client({ retries: 1 });
    await h.double.stop();
    const backend = new QRadarBackend({ client, config: { hostField: 'logSourceName', windowSlackMs: 0, maxConcurrentSearches: 2 }, properties: [] });
    const window = { start: Date.now() - 60_000, stop: Date.now() };
    const f = await backend.fetchEvents({ window, targets: TARGETS });
    expect(f.ok).to.equal(false);
    if (!f.ok) expect(f.code).to.equal('HARNESS_QRADAR_NETWORK');
    const runs = await backend.runRules({ window, targets: TARGETS, rules: projectRules(), events: [] });
    for (const [, r] of runs) {
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(isRuleRejection(r.code), r.code).to.equal(false);
    }
  });

  it('a search that ends in ERROR is { ok: false } with QRadar error text, not an empty rule result', async () => {
    h = await startDouble();
    h.double.shapeNextSearch({ error: ['AQL query server failure'] });
    const backend = new QRadarBackend({ client: h.client(), config: { hostField: 'sourceIp', windowSlackMs: 0, maxConcurrentSearches: 1 }, properties: [] });
    const window = { start: Date.now() - 60_000, stop: Date.now() };
    const runs = await backend.runRules({ window, targets: TARGETS, rules: [projectRules()[2]!], events: [] });
    const r = [...runs.values()][0]!;
    expect(r.ok).to.equal(false);
    if (!r.ok) {
      expect(r.code).to.equal('HARNESS_QRADAR_SEARCH_ERROR');
      expect(r.error).to.contain('AQL query server failure');
      expect(isRuleRejection(r.code)).to.equal(false);
    }
  });

  it('records ingestion latency: events first seen in a later poll carry at least the ingestion delay', async () => {
    h = await startDouble({ ingestDelayMs: 300 });
    const now = Date.now();
    const events = syntheticEvents(4, now).map((e) => ({ ...e, logsourcename: TARGETS[3]!.qradar!.logSourceName! }));
    h.double.ingest(events);
    const backend = new QRadarBackend({ client: h.client(), config: { hostField: 'logSourceName', windowSlackMs: 0, maxConcurrentSearches: 1 }, properties: [] });
    const window = { start: now - 10_000, stop: now + 1000 };
    const first = await backend.fetchEvents({ window, targets: [TARGETS[3]!] });
    expect(first.ok && first.events.length).to.equal(0);
    await new Promise((r) => setTimeout(r, 350));
    const second = await backend.fetchEvents({ window, targets: [TARGETS[3]!] });
    if (!second.ok) throw new Error(second.error);
    expect(second.events).to.have.length(4);
    for (const e of second.events) expect(backend.ingestionLatencyMs(e)).to.be.at.least(300 + (now - e.starttime) - 5);
  });

  it('an aggregate rule with rows is { ok: false, AGGREGATE_UNTIED } (no false MISSED); with no rows it did not fire', async () => {
    h = await startDouble();
    const now = Date.now();
    h.double.ingest(syntheticEvents(3, now).map((e) => ({ ...e, logsourcename: TARGETS[3]!.qradar!.logSourceName! })));
    const backend = new QRadarBackend({ client: h.client(), config: { hostField: 'logSourceName', windowSlackMs: 0, maxConcurrentSearches: 1 }, properties: [] });
    const window = { start: now - 10_000, stop: now + 1000 };
    const agg = (where: string) => ({ id: `agg-${where}`, path: 'x', sha256: '', text: `SELECT username, COUNT(*) AS n FROM events WHERE devicetype = ${where} GROUP BY username LAST 1 HOURS` });
    const runs = await backend.runRules({ window, targets: [TARGETS[3]!], rules: [agg('11'), agg('12')], events: [] });
    const hit = runs.get('agg-11')!;
    expect(hit.ok).to.equal(false);
    if (!hit.ok) expect(hit.code).to.equal('HARNESS_QRADAR_AGGREGATE_UNTIED');
    expect(runs.get('agg-12')).to.deep.equal({ ok: true, rows: [] });
  });

  it('finds the offenses of a CRE rule updated since the run start (rule id by name, offenses by last_updated_time)', async () => {
    h = await startDouble({
      rules: [{ id: 100123, name: 'ATH: Root CA installed', type: 'EVENT' }, { id: 100124, name: 'Other', type: 'EVENT' }],
      offenses: [
        { id: 7, last_updated_time: 5_000, rules: [{ id: 100123, type: 'CRE_RULE' }] },
        { id: 6, last_updated_time: 500, rules: [{ id: 100123, type: 'CRE_RULE' }] },
        { id: 8, last_updated_time: 6_000, rules: [{ id: 100124, type: 'CRE_RULE' }] },
      ],
    });
    const backend = new QRadarBackend({ client: h.client(), config: { hostField: 'logSourceName', windowSlackMs: 0, maxConcurrentSearches: 1 }, properties: [] });
    const r = await backend.offensesForRule('ATH: Root CA installed', 1_000);
    expect(r.ok && r.offenses.map((o) => o.id)).to.deep.equal([7]);
    const unknown = await backend.offensesForRule('No such rule', 0);
    expect(unknown.ok === false && unknown.code).to.equal('HARNESS_QRADAR_RULE_UNKNOWN');
  });

  it('a CRE rule named by an expectation fires on the fetched events whose RULENAME(creEventList) names it (double emulates CRE)', async () => {
    const now = Date.now();
    const events = syntheticEvents(3, now).map((e) => ({ ...e, logsourcename: TARGETS[3]!.qradar!.logSourceName! }));
    h = await startDouble({ creHits: (e) => (e.payload.includes('genrsa-1') ? ['ATH: OpenSSL key generation'] : []) });
    h.double.ingest(events);
    const backend = new QRadarBackend({ client: h.client(), config: { hostField: 'logSourceName', windowSlackMs: 0, maxConcurrentSearches: 1 }, properties: [], creRules: ['ATH: OpenSSL key generation', 'ATH: never'] });
    const req = { window: { start: now - 10_000, stop: now + 1000 }, targets: [TARGETS[3]!] };
    const fetched = await backend.fetchEvents(req);
    if (!fetched.ok) throw new Error(fetched.error);
    const post = requestsTo(h.double, 'POST', /^\/api\/ariel\/searches$/)[0]!;
    expect(new URLSearchParams(post.body).get('query_expression')).to.contain('RULENAME(creEventList) AS ath_rules');
    const runs = await backend.runRules({ ...req, rules: [], events: fetched.events });
    const hit = runs.get('ATH: OpenSSL key generation')!;
    expect(hit.ok && hit.rows.map((r) => fetched.events[r.sources[0]!]!.payload)).to.deep.equal([events[1]!.payload]);
    expect(runs.get('ATH: never')).to.deep.equal({ ok: true, rows: [] });
  });

  it('a fetch or rule search cut at its LIMIT is { ok: false, TRUNCATED }, never a partial answer that could make a gap', async () => {
    const now = Date.now();
    h = await startDouble();
    h.double.ingest(syntheticEvents(3, now).map((e) => ({ ...e, logsourcename: TARGETS[3]!.qradar!.logSourceName! })));
    const backend = new QRadarBackend({ client: h.client(), config: { hostField: 'logSourceName', windowSlackMs: 0, maxConcurrentSearches: 1 }, properties: [], limit: 3 });
    const req = { window: { start: now - 10_000, stop: now + 1000 }, targets: [TARGETS[3]!] };
    const f = await backend.fetchEvents(req);
    expect(f.ok === false && f.code).to.equal('HARNESS_QRADAR_TRUNCATED');
    const rule = { id: 'all', path: 'all', sha256: '', text: 'SELECT username FROM events WHERE devicetype = 11 LAST 1 HOURS' };
    const runs = await backend.runRules({ ...req, rules: [rule], events: [] });
    const r = runs.get('all')!;
    expect(r.ok === false && r.code).to.equal('HARNESS_QRADAR_TRUNCATED');
    const roomy = new QRadarBackend({ client: h.client(), config: { hostField: 'logSourceName', windowSlackMs: 0, maxConcurrentSearches: 1 }, properties: [], limit: 4 });
    const ok = await roomy.fetchEvents(req);
    expect(ok.ok && ok.events.length).to.equal(3);
  });
});
