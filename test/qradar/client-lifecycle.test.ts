// ArielClient search lifecycle against the Ariel API test double (HTTPS with a private CA, embedded AQL
// engine): form body, headers, Prefer: wait with 206, paging with Range, 404/1003, cancel, DELETE.
import { expect } from 'chai';
import { ArielClient, QRadarError } from '../../harness/qradar/client.js';
import { requestsTo, startDouble, syntheticEvents, TOKEN, type Harnessed } from './helpers.js';

const Q = "SELECT starttime AS t, UTF8(payload) AS p FROM events WHERE LOGSOURCETYPENAME(devicetype) = 'Linux OS' LAST 10 MINUTES";

describe('ArielClient lifecycle against the Ariel double', () => {
  let h: Harnessed;
  beforeEach(async () => {
    h = await startDouble();
    h.double.ingest(syntheticEvents(25));
  });
  afterEach(async () => h.double.stop());

  it('POSTs query_expression as a form body with SEC, a pinned Version and Accept JSON; a 20 kB query does not hit the URL', async () => {
    const long = Q.replace('WHERE', `WHERE ${Array.from({ length: 600 }, (_, i) => `username != 'u${i}'`).join(' AND ')} AND`);
    expect(long.length).to.be.greaterThan(10_000);
    const { rows } = await h.client().search(long);
    expect(rows).to.have.length(25);
    const [post] = requestsTo(h.double, 'POST', /^\/api\/ariel\/searches$/);
    expect(post!.url).to.equal('/api/ariel/searches');
    expect(post!.headers['content-type']).to.equal('application/x-www-form-urlencoded');
    expect(new URLSearchParams(post!.body).get('query_expression')).to.equal(long);
    expect(post!.headers.sec).to.equal(TOKEN);
    expect(post!.headers.version).to.equal('16.0');
    expect(post!.headers.accept).to.equal('application/json');
  });

  it('the double accepts query_expression as a query parameter too, and refuses a JSON body with 422/1005', async () => {
    const r1 = await fetchDouble(h, `/api/ariel/searches?query_expression=${encodeURIComponent(Q)}`, { method: 'POST' });
    expect(r1.status).to.equal(201);
    expect(r1.headers.get('version'), 'the accepted Version is echoed').to.equal('16.0');
    expect((r1.body as { search_id: string; cursor_id: string }).cursor_id).to.equal((r1.body as { search_id: string }).search_id);
    const r2 = await fetchDouble(h, '/api/ariel/searches', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query_expression: Q }) });
    expect(r2.status).to.equal(422);
    expect((r2.body as { code: number }).code).to.equal(1005);
    expect((r2.body as { http_response: { code: number } }).http_response.code).to.equal(422);
  });

  it('long-polls with Prefer: wait, takes 206 as "not yet", never asks for results before COMPLETED, and DELETEs the search', async () => {
    h.double.shapeNextSearch({ delays: { waitMs: 200, executeMs: 1300 } });
    const { rows, search } = await h.client().search(Q, { waitSeconds: 1 });
    expect(search.status).to.equal('COMPLETED');
    expect(rows).to.have.length(25);
    const statusCalls = requestsTo(h.double, 'GET', /^\/api\/ariel\/searches\/[^/]+$/);
    expect(statusCalls.length).to.be.greaterThanOrEqual(2);
    expect(statusCalls.every((r) => r.headers.prefer === 'wait=1')).to.equal(true);
    const order = h.double.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, 'ID')}`);
    expect(order[0]).to.equal('POST /api/ariel/searches');
    expect(order.at(-1)).to.equal('DELETE /api/ariel/searches/ID');
    const firstResults = order.indexOf('GET /api/ariel/searches/ID/results');
    expect(firstResults).to.be.greaterThan(order.lastIndexOf('GET /api/ariel/searches/ID'));
    expect(h.double.store.live(Date.now())).to.have.length(0);
  });

  it('pages results with Range: items=x-y and reads Content-Range; the pages add up to the unpaged body', async () => {
    const client = h.client();
    const s = await client.createSearch(Q);
    await client.waitForSearch(s.search_id, { deadlineMs: Date.now() + 5000 });
    const paged = await client.results(s.search_id, { pageSize: 10 });
    const ranges = requestsTo(h.double, 'GET', /\/results$/).map((r) => r.headers.range);
    expect(ranges).to.deep.equal(['items=0-9', 'items=10-19', 'items=20-29']);
    const whole = await fetchDouble(h, `/api/ariel/searches/${s.search_id}/results`, {});
    expect(paged).to.deep.equal((whole.body as { events: unknown[] }).events);
    const out = await fetchDouble(h, `/api/ariel/searches/${s.search_id}/results`, { headers: { Range: 'items=30-39' } });
    expect(out.headers.get('content-range')).to.equal('items */25');
    await client.delete(s.search_id);
  });

  it('keeps paging until Content-Range total when the console returns shorter pages than asked', async () => {
    await h.double.stop();
    h = await startDouble({ pageCap: 7 });
    h.double.ingest(syntheticEvents(25));
    const { rows } = await h.client().search(Q, { pageSize: 10 });
    expect(rows).to.have.length(25);
    expect(requestsTo(h.double, 'GET', /\/results$/).map((r) => r.headers.range)).to.deep.equal(['items=0-9', 'items=7-16', 'items=14-23', 'items=21-30']);
  });

  it('waits out 404/1003 when results are asked for too early (bounded), then returns them', async () => {
    h.double.shapeNextSearch({ delays: { waitMs: 0, executeMs: 120 } });
    const client = h.client({ pollIntervalMs: 50, retries: 6 });
    const s = await client.createSearch(Q);
    const rows = await client.results(s.search_id);
    expect(rows).to.have.length(25);
    const early = requestsTo(h.double, 'GET', /\/results$/);
    expect(early.length).to.be.greaterThan(1);
  });

  it('an unknown or deleted search is a clear 404/1002 error', async () => {
    const client = h.client();
    const s = await client.createSearch(Q);
    await client.delete(s.search_id);
    const e = await client.status(s.search_id).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(QRadarError);
    expect((e as QRadarError).code).to.equal('HARNESS_QRADAR_NOT_FOUND');
    expect((e as QRadarError).qradarCode).to.equal(1002);
    expect((e as QRadarError).httpStatus).to.equal(404);
  });

  it('cancels a search that passes its deadline, then deletes it, and says so', async () => {
    h.double.shapeNextSearch({ delays: { waitMs: 0, executeMs: 10_000 } });
    const e = await h.client().search(Q, { timeoutMs: 400, waitSeconds: 1 }).catch((x: unknown) => x);
    expect((e as QRadarError).code).to.equal('HARNESS_QRADAR_SEARCH_TIMEOUT');
    expect(requestsTo(h.double, 'POST', /^\/api\/ariel\/searches\/[^/]+$/).map((r) => r.query.status)).to.deep.equal(['CANCELED']);
    expect(requestsTo(h.double, 'DELETE', /searches/)).to.have.length(1);
  });

  it('the double keeps the rows found so far when a search is canceled', async () => {
    h.double.shapeNextSearch({ delays: { waitMs: 0, executeMs: 1000 } });
    const client = h.client();
    const s = await client.createSearch(Q);
    await new Promise((r) => setTimeout(r, 500));
    await client.cancel(s.search_id);
    const st = await client.status(s.search_id);
    expect(st.status).to.equal('CANCELED');
    const rows = await client.results(s.search_id);
    expect(rows.length).to.be.greaterThan(0).and.lessThan(25);
  });

  it('turns a search that ends in ERROR into an error carrying the error_messages, and deletes it', async () => {
    h.double.shapeNextSearch({ error: ['Ariel query server out of disk'] });
    const e = (await h.client().search(Q).catch((x: unknown) => x)) as QRadarError;
    expect(e.code).to.equal('HARNESS_QRADAR_SEARCH_ERROR');
    expect(e.message).to.contain('Ariel query server out of disk');
    expect(requestsTo(h.double, 'DELETE', /searches/)).to.have.length(1);
  });

  it('a search canceled on the console is an error, not an empty result', async () => {
    h.double.shapeNextSearch({ delays: { executeMs: 2000 }, cancelAfterMs: 30 });
    const e = (await h.client().search(Q).catch((x: unknown) => x)) as QRadarError;
    expect(e.code).to.equal('HARNESS_QRADAR_SEARCH_CANCELED');
  });

  it('the double de-duplicates an identical query string to the same search id (why plans make queries unique)', async () => {
    const client = h.client();
    const a = await client.createSearch(Q);
    const b = await client.createSearch(Q);
    expect(b.search_id).to.equal(a.search_id);
    expect(h.double.searchesCreated).to.equal(1);
  });

  it('the double expires searches after desired_retention_time_msec unless save_results=true', async () => {
    await h.double.stop();
    h = await startDouble({ retentionMs: 150 });
    const client = h.client();
    const kept = await client.createSearch(Q);
    const gone = await client.createSearch(`${Q} `);
    const saved = await fetchDouble(h, `/api/ariel/searches/${kept.search_id}?save_results=true`, { method: 'POST' });
    expect((saved.body as { save_results: boolean }).save_results).to.equal(true);
    await new Promise((r) => setTimeout(r, 250));
    expect((await client.status(kept.search_id)).status).to.equal('COMPLETED');
    const e = await client.status(gone.search_id).catch((x: unknown) => x);
    expect((e as QRadarError).qradarCode).to.equal(1002);
  });

  it('validate() returns QRadar error_messages for bad AQL and none for good AQL', async () => {
    const client = h.client();
    expect(await client.validate(Q)).to.deep.equal([]);
    const msgs = await client.validate("SELECT FROM events WHERE");
    expect(msgs).to.have.length(1);
    expect(msgs[0]!.severity).to.equal('ERROR');
  });

  it('a query QRadar cannot parse is HARNESS_QRADAR_AQL_INVALID with QRadar code 2000 (a rule defect, not a back-end failure)', async () => {
    const e = (await h.client().createSearch('SELECT "No Such Property" FROM events LAST 5 MINUTES').catch((x: unknown) => x)) as QRadarError;
    expect(e.code).to.equal('HARNESS_QRADAR_AQL_INVALID');
    expect(e.qradarCode).to.equal(2000);
    const e2 = (await h.client().createSearch('DELETE FROM events').catch((x: unknown) => x)) as QRadarError;
    expect(e2.qradarCode).to.equal(2000);
  });

  it('reads custom properties, offenses since a time and analytics rules by name', async () => {
    await h.double.stop();
    h = await startDouble({
      customProperties: [{ id: 1, name: 'Process CommandLine', property_type: 'string' }],
      offenses: [{ id: 5, start_time: 1000, last_updated_time: 5000, rules: [{ id: 100123, type: 'CRE_RULE' }] }, { id: 4, start_time: 10, last_updated_time: 20 }],
      rules: [{ id: 100123, name: 'ATH: Root CA installed', type: 'EVENT', enabled: true }],
    });
    const client = h.client();
    expect((await client.customProperties()).map((p) => p.name)).to.deep.equal(['Process CommandLine']);
    expect((await client.offenses({ sinceMs: 1000 })).map((o) => o.id)).to.deep.equal([5]);
    expect((await client.rules({ name: 'ATH: Root CA installed' })).map((r) => r.id)).to.deep.equal([100123]);
    expect(await client.rules({ name: 'nope' })).to.deep.equal([]);
  });
});

// A raw request to the double (with the token and CA), for checking the double itself.
async function fetchDouble(h: Harnessed, path: string, init: { method?: string; headers?: Record<string, string>; body?: string }) {
  const { nodeTransport } = await import('../../harness/qradar/http.js');
  const { readFileSync } = await import('node:fs');
  const t = nodeTransport({ ca: readFileSync(h.caFile) });
  const res = await t({ method: (init.method ?? 'GET') as 'GET', url: new URL(h.double.url + path), headers: { SEC: TOKEN, Version: '16.0', ...init.headers }, body: init.body, timeoutMs: 5000 });
  return { status: res.status, body: JSON.parse(res.body) as unknown, headers: new Map(Object.entries(res.headers)) };
}
void ArielClient;
