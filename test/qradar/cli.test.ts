// `harness qradar search | validate | properties` run as a user runs them (CLI from source, real child
// process) against the Ariel API test double over HTTPS with a private CA; and the secret resolution.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAuth, redactor } from '../../harness/qradar/auth.js';
import { runCli } from '../helpers/cli.js';
import { requestsTo, startDouble, syntheticEvents, TOKEN, type Harnessed } from './helpers.js';

describe('harness qradar CLI against the Ariel double', function () {
  this.timeout(60_000);
  let h: Harnessed;
  let dir: string;
  let config: string;
  let env: Record<string, string>;
  before(async () => {
    h = await startDouble({ customProperties: [{ id: 2, name: 'Process Path', property_type: 'string' }, { id: 1, name: 'Command', property_type: 'string' }] });
    h.double.ingest(syntheticEvents(3, Date.parse('2026-11-22T05:00:30Z')));
    dir = mkdtempSync(join(tmpdir(), 'qradar-cli-'));
    config = join(dir, 'harness.config.yaml');
    writeFileSync(config, "qradar:\n  version: '16.0'\n");
    env = { PATH: process.env.PATH!, HARNESS_QRADAR_URL: h.double.url, HARNESS_QRADAR_CA_FILE: h.caFile, QRADAR_TOKEN: TOKEN };
  });
  after(async () => h.double.stop());

  it('search --start/--stop replaces the query own time clause by exactly that window and --json prints exactly the Ariel results body', async () => {
    const r = await runCli(['qradar', 'search', '--config', config, '--query', '-', '--start', '2026-11-22T05:00:00Z', '--stop', '2026-11-22T05:01:00Z', '--json'], { env, input: "SELECT starttime AS t, username FROM events WHERE devicetype = 11 LAST 5 MINUTES\n" });
    expect(r.stderr).to.equal('');
    expect(r.exitCode).to.equal(0);
    const body = JSON.parse(r.stdout) as { events: { t: number; username: string }[] };
    expect(Object.keys(body)).to.deep.equal(['events']);
    expect(body.events).to.have.length(3);
    expect(body.events.every((e) => e.username === 'purple')).to.equal(true);
    const post = requestsTo(h.double, 'POST', /^\/api\/ariel\/searches$/).at(-1)!;
    expect(new URLSearchParams(post.body).get('query_expression')).to.equal(`SELECT starttime AS t, username FROM events WHERE devicetype = 11 START ${Date.parse('2026-11-22T05:00:00Z')} STOP ${Date.parse('2026-11-22T05:01:00Z')}`);
    expect(r.stdout + r.stderr).to.not.contain(TOKEN);
  });

  it('validate exits 1 with QRadar message for invalid AQL and 0 for valid AQL', async () => {
    const bad = join(dir, 'bad.aql');
    writeFileSync(bad, 'SELECT "Not A Property" FROM events LAST 5 MINUTES');
    const r1 = await runCli(['qradar', 'validate', '--config', config, bad], { env });
    expect(r1.exitCode).to.equal(1);
    expect(r1.stdout).to.contain('ERROR').and.contain('[QRadar 2000]');
    const good = join(dir, 'good.aql');
    writeFileSync(good, 'SELECT username FROM events WHERE devicetype = 11 LAST 5 MINUTES');
    const r2 = await runCli(['qradar', 'validate', '--config', config, good], { env });
    expect(r2.exitCode).to.equal(0);
    expect(r2.stdout).to.contain('valid according to QRadar');
  });

  it('properties lists the custom properties of the deployment', async () => {
    const r = await runCli(['qradar', 'properties', '--config', config], { env });
    expect(r.exitCode).to.equal(0);
    expect(r.stdout.trimEnd()).to.equal('Command\tstring\nProcess Path\tstring');
  });

  it('without a token: exit 2, the variable named and a fix, no stack trace', async () => {
    const r = await runCli(['qradar', 'properties', '--config', config], { env: { ...env, QRADAR_TOKEN: '' } });
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.contain('[HARNESS_QRADAR_AUTH_MISSING]').and.contain('QRADAR_TOKEN').and.contain('fix:');
    expect(r.stderr).to.not.match(/\n\s+at /);
  });

  it('a wrong token: exit 2 with QRadar 401 message, and the token is not printed', async () => {
    const r = await runCli(['qradar', 'properties', '--config', config], { env: { ...env, QRADAR_TOKEN: 'wrong-SECRET-token-777' } });
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.contain('[HARNESS_QRADAR_AUTH]').and.contain('HTTP 401');
    expect(r.stderr).to.not.contain('wrong-SECRET-token-777');
  });

  it('a plain http:// console is refused unless allowed', async () => {
    const r = await runCli(['qradar', 'properties', '--config', config], { env: { ...env, HARNESS_QRADAR_URL: h.double.url.replace('https:', 'http:') } });
    expect(r.exitCode).to.equal(2);
    // refused when the configuration is resolved (harness/config), before any request is made
    expect(r.stderr).to.match(/\[HARNESS_(CONFIG|QRADAR)_INSECURE_URL\]/).and.contain('allowHttp');
  });
});

describe('QRadar secret resolution', () => {
  it('reads tokenFile, tokenEnv (default QRADAR_TOKEN) or user + passwordEnv; errors name the variable, never a value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qradar-auth-'));
    writeFileSync(join(dir, 'token'), 'file-token-SECRET\n');
    expect(resolveAuth({ tokenFile: join(dir, 'token') }, {})).to.deep.equal({ token: 'file-token-SECRET' });
    expect(resolveAuth({}, { QRADAR_TOKEN: 'env-token' })).to.deep.equal({ token: 'env-token' });
    expect(resolveAuth({ tokenEnv: 'MY_TOK' }, { MY_TOK: 'x-token' })).to.deep.equal({ token: 'x-token' });
    expect(resolveAuth({ user: 'admin', passwordEnv: 'QR_PW' }, { QR_PW: 'pw' })).to.deep.equal({ user: 'admin', password: 'pw' });
    expect(() => resolveAuth({ user: 'admin', passwordEnv: 'QR_PW' }, {})).to.throw(/QR_PW/).with.property('code', 'HARNESS_QRADAR_AUTH_MISSING');
    expect(() => resolveAuth({ user: 'admin' }, {})).to.throw(/together/).with.property('code', 'HARNESS_QRADAR_AUTH_CONFIG');
    expect(() => resolveAuth({ tokenFile: join(dir, 'nope') }, {})).to.throw(/nope/).with.property('code', 'HARNESS_QRADAR_AUTH_MISSING');
  });

  it('redacts every occurrence of the secret', () => {
    expect(redactor(['s3cr3t-token'])('a s3cr3t-token b s3cr3t-token')).to.equal('a *** b ***');
  });
});
