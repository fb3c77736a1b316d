// ArielClient fault handling against the Ariel API test double: bounded retries with back-off on
// 503/1010, 500/1020 and dropped connections for idempotent calls; a search POST that may have reached
// QRadar is never re-sent; 401/403/422 become clear errors; TLS is verified against the configured CA;
// the token never appears in any error.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ArielClient, QRadarError } from '../../harness/qradar/client.js';
import { nodeTransport } from '../../harness/qradar/http.js';
import { requestsTo, startDouble, syntheticEvents, TOKEN, type Harnessed } from './helpers.js';

const Q = "SELECT UTF8(payload) AS p FROM events WHERE devicetype = 11 LAST 10 MINUTES";

async function failure(p: Promise<unknown>): Promise<QRadarError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e, 'expected a QRadarError').to.be.instanceOf(QRadarError);
  return e as QRadarError;
}

describe('ArielClient faults against the Ariel double', () => {
  let h: Harnessed;
  beforeEach(async () => {
    h = await startDouble();
    h.double.ingest(syntheticEvents(3));
  });
  afterEach(async () => h.double.stop());

  it('retries status polls on 503/1010 with back-off and succeeds', async () => {
    h.double.injectFault({ method: 'GET', path: /^\/api\/ariel\/searches\/[^/]+$/, fault: { kind: 'status', status: 503, code: 1010 }, times: 2 });
    const client = h.client();
    const { rows } = await client.search(Q);
    expect(rows).to.have.length(3);
    expect(client.stats.retries).to.equal(2);
  });

  it('retries results on 500/1020 and succeeds', async () => {
    h.double.injectFault({ method: 'GET', path: /\/results$/, fault: { kind: 'status', status: 500, code: 1020 }, times: 1 });
    const client = h.client();
    expect((await client.search(Q)).rows).to.have.length(3);
    expect(client.stats.retries).to.equal(1);
  });

  it('repeats a search POST answered 503/1010 (nothing was created) and creates exactly one search', async () => {
    h.double.injectFault({ method: 'POST', path: /^\/api\/ariel\/searches$/, fault: { kind: 'status', status: 503, code: 1010 }, times: 2 });
    const client = h.client();
    await client.search(Q);
    expect(requestsTo(h.double, 'POST', /^\/api\/ariel\/searches$/)).to.have.length(3);
    expect(h.double.searchesCreated).to.equal(1);
    expect(client.stats.searchesCreated).to.equal(1);
  });

  it('retries a status poll whose connection was dropped', async () => {
    h.double.injectFault({ method: 'GET', path: /^\/api\/ariel\/searches\/[^/]+$/, fault: { kind: 'drop' }, times: 1 });
    const client = h.client();
    expect((await client.search(Q)).rows).to.have.length(3);
    expect(client.stats.retries).to.equal(1);
  });

  it('never re-sends a search POST whose connection dropped after sending: one POST and a network error', async () => {
    h.double.injectFault({ method: 'POST', path: /^\/api\/ariel\/searches$/, fault: { kind: 'drop' }, times: 1 });
    const e = await failure(h.client().search(Q));
    expect(e.code).to.equal('HARNESS_QRADAR_NETWORK');
    expect(e.message).to.contain('not re-sent');
    expect(requestsTo(h.double, 'POST', /^\/api\/ariel\/searches$/)).to.have.length(1);
  });

  it('gives up after the configured number of retries with QRadar code and message and a fix', async () => {
    h.double.injectFault({ method: 'GET', fault: { kind: 'status', status: 503, code: 1010, message: 'Ariel is restarting' }, times: 100 });
    const client = h.client({ retries: 2 });
    const e = await failure(client.search(Q));
    expect(e.code).to.equal('HARNESS_QRADAR_UNAVAILABLE');
    expect(e.httpStatus).to.equal(503);
    expect(e.qradarCode).to.equal(1010);
    expect(e.message).to.contain('Ariel is restarting');
    expect(e.fix).to.match(/retries/);
    expect(requestsTo(h.double, 'GET', /^\/api\/ariel\/searches\/[^/]+$/)).to.have.length(3);
  });

  it('a slow console (response slower than the request timeout) is retried for idempotent calls', async () => {
    h.double.injectFault({ method: 'GET', path: /^\/api\/ariel\/searches\/[^/]+$/, fault: { kind: 'delay', ms: 600 }, times: 1 });
    const client = h.client({ requestTimeoutMs: 250 });
    expect((await client.search(Q, { waitSeconds: 0 })).rows).to.have.length(3);
    expect(client.stats.retries).to.be.greaterThanOrEqual(1);
  });

  it('401 without or with a wrong token, 403 without capability: clear errors that never contain the token', async () => {
    const wrong = 'wrong-token-0000-SECRET';
    const e1 = await failure(h.client({ auth: { token: wrong } }).search(Q));
    expect(e1.code).to.equal('HARNESS_QRADAR_AUTH');
    expect(e1.httpStatus).to.equal(401);
    expect(e1.format()).to.not.contain(wrong);
    await h.double.stop();
    const forbidden = 'forbidden-token-1111-SECRET';
    h = await startDouble({ forbiddenTokens: [forbidden] });
    const e2 = await failure(h.client({ auth: { token: forbidden } }).createSearch(Q));
    expect(e2.code).to.equal('HARNESS_QRADAR_FORBIDDEN');
    expect(e2.message).to.contain('insufficient capabilities');
    expect(e2.format()).to.not.contain(forbidden);
    expect(requestsTo(h.double, 'POST', /searches/).every((r) => !r.url.includes(forbidden))).to.equal(true);
    // no SEC header at all: the double answers like QRadar
    const t = nodeTransport({ ca: readFileSync(h.caFile) });
    const res = await t({ method: 'GET', url: new URL(`${h.double.url}/api/ariel/searches`), headers: { Accept: 'application/json' }, timeoutMs: 5000 });
    expect(res.status).to.equal(401);
    expect(JSON.parse(res.body).message).to.contain('No SEC header present in request');
  });

  it('redacts the token even when the server echoes it back in an error message', async () => {
    h.double.injectFault({ method: 'POST', fault: { kind: 'status', status: 422, code: 1005, message: `bad header SEC=${TOKEN}` } });
    const e = await failure(h.client().createSearch(Q));
    expect(e.message).to.contain('SEC=***');
    expect(JSON.stringify({ m: e.message, f: e.fix, d: e.details })).to.not.contain(TOKEN);
  });

  it('HTTP Basic auth works with user + password', async () => {
    await h.double.stop();
    h = await startDouble({ users: { purple: 'pw-SECRET-42' } });
    h.double.ingest(syntheticEvents(2));
    expect((await h.client({ auth: { user: 'purple', password: 'pw-SECRET-42' } }).search(Q)).rows).to.have.length(2);
    const e = await failure(h.client({ auth: { user: 'purple', password: 'nope-SECRET-43' } }).search(Q));
    expect(e.code).to.equal('HARNESS_QRADAR_AUTH');
    expect(e.format()).to.not.contain('nope-SECRET-43');
  });

  it('an unsupported Version header is 422 with the fix naming qradar.version', async () => {
    const e = await failure(h.client({ version: '99.0' }).createSearch(Q));
    expect(e.code).to.equal('HARNESS_QRADAR_INVALID_PARAMETER');
    expect(e.fix).to.contain('qradar.version');
  });

  it('verifies TLS: without the CA bundle the console certificate is refused (not retried); with it the search runs', async () => {
    const e = await failure(new ArielClient({ url: h.double.url, version: '16.0', auth: { token: TOKEN }, backoffMs: 5 }).createSearch(Q));
    expect(e.code).to.equal('HARNESS_QRADAR_TLS');
    expect(e.fix).to.contain('caFile');
    expect(h.double.requests).to.have.length(0);
    expect((await h.client().search(Q)).rows).to.have.length(3);
  });

  it('refuses plain http unless allowHttp, and works over http when a lab allows it', async () => {
    await h.double.stop();
    h = await startDouble({ https: false });
    h.double.ingest(syntheticEvents(1));
    expect(() => new ArielClient({ url: h.double.url, version: '16.0', auth: { token: TOKEN } })).to.throw(/refusing plain http/).with.property('code', 'HARNESS_QRADAR_INSECURE_URL');
    expect((await h.client({ allowHttp: true }).search(Q)).rows).to.have.length(1);
  });

  it('an unreachable console is a network error after bounded retries', async () => {
    const url = h.double.url;
    await h.double.stop();
    const client = new ArielClient({ url, version: '16.0', auth: { token: TOKEN }, caFile: h.caFile, retries: 2, backoffMs: 5 });
    const e = await failure(client.search(Q));
    expect(e.code).to.equal('HARNESS_QRADAR_NETWORK');
    expect(client.stats.retries).to.equal(2);
  });
});
