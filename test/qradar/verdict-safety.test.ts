// Back-end behaviours that decide between a verdict and INCONCLUSIVE, against the Ariel API double (a
// double of QRadar, reference section 1.9) over HTTP: a rule cut at its own LIMIT, a rule QRadar would
// reject (LIMIT after the time clause), a target whose address is a host name searched by sourceip, two
// rules that plan to the same Ariel query, and result paging without Content-Range.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { QRadarBackend } from '../../harness/qradar/backend.js';
import { planRuleSearchDetailed } from '../../harness/qradar/plan.js';
import { nodeTransport } from '../../harness/qradar/http.js';
import type { RuleFile } from '../../harness/model/catalog.js';
import type { Target } from '../../harness/model/config.js';
import { startDouble, syntheticEvents, targetsOf } from './helpers.js';

const rule = (id: string, text: string): RuleFile => ({ id, path: id, text, sha256: createHash('sha256').update(text).digest('hex') }) as RuleFile;
const config = { hostField: 'logSourceName' as const, windowSlackMs: 300_000, maxConcurrentSearches: 4 };

describe('QRadar back-end: INCONCLUSIVE or rejected, never a wrong verdict (Ariel API double)', function () {
  this.timeout(30_000);
  const now = Date.now();
  const window = { start: now - 60_000, stop: now + 1 };

  it('a rule cut at its own LIMIT (smaller than the back-end\'s) is truncated, not a MISSED', async () => {
    const h = await startDouble({ https: false });
    try {
      const events = syntheticEvents(6, now);
      h.double.ingest(events);
      const targets = targetsOf(events);
      const text = `SELECT UTF8(payload) AS p FROM events WHERE UTF8(payload) ILIKE '%openssl%' LIMIT 3 LAST 24 HOURS`;
      expect(planRuleSearchDetailed(text, { window, slackMs: 0, targets, hostField: 'logSourceName', limit: 100_000 }).limit).to.equal(3);
      const b = new QRadarBackend({ client: h.client(), config, properties: [] });
      const f = await b.fetchEvents({ window, targets });
      expect(f.ok).to.equal(true);
      const run = (await b.runRules({ window, targets, rules: [rule('r', text)], events: f.ok ? f.events : [] })).get('r')!;
      expect(run).to.deep.include({ ok: false, code: 'HARNESS_QRADAR_TRUNCATED' });
      expect((run as { error: string }).error).to.contain('returned 3 rows, the search LIMIT');
    } finally {
      await h.double.stop();
    }
  });

  it('a rule with LIMIT after its time clause is rejected as QRadar rejects it, never repaired and run', async () => {
    const h = await startDouble({ https: false });
    try {
      const events = syntheticEvents(3, now);
      h.double.ingest(events);
      const targets = targetsOf(events);
      const text = `SELECT UTF8(payload) AS p FROM events WHERE UTF8(payload) ILIKE '%openssl%' LAST 24 HOURS LIMIT 10`;
      const b = new QRadarBackend({ client: h.client(), config, properties: [] });
      const run = (await b.runRules({ window, targets, rules: [rule('r', text)], events: [] })).get('r')!;
      expect(run).to.deep.include({ ok: false, code: 'HARNESS_QRADAR_AQL_INVALID' });
      expect((run as { error: string }).error).to.match(/LIMIT comes after the time clause/);
      // The double (following the reference) refuses the rule as written: the harness agrees with it.
      const posts = h.double.requests.filter((r) => r.method === 'POST' && r.path === '/api/ariel/searches');
      expect(posts).to.have.length(0);
      const direct = await h.client().createSearch(text).then(() => 'accepted', (e: { code?: string }) => e.code);
      expect(direct).to.equal('HARNESS_QRADAR_AQL_INVALID');
    } finally {
      await h.double.stop();
    }
  });

  it('hostField sourceIp: an IP address stands in for qradar.sourceIp, a host name is refused (never an empty search)', async () => {
    const h = await startDouble({ https: false });
    try {
      h.double.ingest(syntheticEvents(3, now)); // sourceip 10.0.0.9
      const b = new QRadarBackend({ client: h.client(), config: { ...config, hostField: 'sourceIp' }, properties: [] });
      const target = (address: string): Target => ({ name: 'lnx-01', os: 'linux', transport: 'ssh', address, port: 22, sudo: false }) as Target;
      const byIp = await b.fetchEvents({ window, targets: [target('10.0.0.9')] });
      expect(byIp.ok && byIp.events.length).to.equal(3);
      const byName = await b.fetchEvents({ window, targets: [target('lnx-01.lab.example')] });
      expect(byName).to.deep.include({ ok: false, code: 'HARNESS_QRADAR_TARGET_UNMAPPED' });
    } finally {
      await h.double.stop();
    }
  });

  it('two rules that differ only in their time clause plan to one Ariel query and run as one search', async () => {
    for (let k = 0; k < 5; k++) {
      const h = await startDouble({ https: false, delays: { waitMs: 20, executeMs: 30 } });
      try {
        const events = syntheticEvents(3, now);
        h.double.ingest(events);
        const targets = targetsOf(events);
        const b = new QRadarBackend({ client: h.client(), config, properties: [] });
        const f = await b.fetchEvents({ window, targets });
        const created = h.double.searchesCreated;
        const runs = await b.runRules({
          window, targets, events: f.ok ? f.events : [],
          rules: [rule('new', `SELECT UTF8(payload) AS p FROM events WHERE UTF8(payload) ILIKE '%openssl%' LAST 7 DAYS`), rule('old', `SELECT UTF8(payload) AS p FROM events WHERE UTF8(payload) ILIKE '%openssl%' LAST 24 HOURS\n`)],
        });
        expect(h.double.searchesCreated - created).to.equal(1);
        expect([...runs].map(([id, r]) => [id, r.ok, r.ok ? r.rows.length : r.code])).to.deep.equal([['new', true, 3], ['old', true, 3]]);
      } finally {
        await h.double.stop();
      }
    }
  });

  it('result pages shorter than asked and no Content-Range: paged to the search\'s record_count', async () => {
    const h = await startDouble({ https: false, pageCap: 500 });
    try {
      h.double.ingest(syntheticEvents(1200, now));
      const inner = nodeTransport();
      const noContentRange: typeof inner = async (req) => {
        const r = await inner(req);
        delete r.headers['content-range'];
        return r;
      };
      const { rows, search } = await h.client({ fetchImpl: noContentRange }).search(`SELECT starttime FROM events LIMIT 5000 START ${now - 3_600_000} STOP ${now + 60_000}`);
      expect(search.record_count).to.equal(1200);
      expect(rows).to.have.length(1200);
    } finally {
      await h.double.stop();
    }
  });
});
