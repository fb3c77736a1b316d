// harness.config.yaml and targets.yaml: schema errors name file, field path and fix; precedence
// CLI > environment > file > defaults, resolved once and frozen; secrets only by reference.
import { expect } from 'chai';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkConfigFile, checkTargetsFile, loadTargets, resolveConfig } from '../../harness/config/index.js';
import { DiagnosticsError, formatDiagnostic, isHarnessError } from '../../harness/errors.js';
import { packageRoot } from '../../harness/util/paths.js';

const FIX = join(packageRoot, 'test/fixtures/catalog/config');

function thrown(fn: () => unknown): Error & { code: string; diagnostics?: unknown[] } {
  try {
    fn();
  } catch (e) {
    expect(isHarnessError(e), String(e)).to.equal(true);
    return e as Error & { code: string };
  }
  throw new Error('expected an error');
}

describe('config: harness.config.yaml', function () {
  it('resolves the documented defaults with no file, no environment, no flags', function () {
    const c = resolveConfig({});
    expect(c).to.deep.include({ backend: 'local', profile: 'stock', reportDir: 'reports', failOn: 'regression', concurrency: 8, timeZone: 'UTC' });
    expect(c.timeouts).to.deep.equal({ connectMs: 15_000, execMs: 120_000, testMs: 600_000 });
    expect(c.qradar).to.deep.equal({ version: '20.0', tokenEnv: 'QRADAR_TOKEN', allowHttp: false, requestTimeoutMs: 60_000, pollIntervalMs: 5000, maxConcurrentSearches: 4, windowSlackMs: 300_000, hostField: 'logSourceName' });
  });

  it('applies CLI > environment > file > defaults, and freezes the result', function () {
    const file = join(FIX, 'full.yaml');
    const fromFile = resolveConfig({ file });
    expect(fromFile).to.deep.include({ backend: 'qradar', profile: 'custom', failOn: 'gap', concurrency: 3, reportDir: join(FIX, 'out'), configFile: file });
    expect(fromFile.timeouts).to.deep.equal({ connectMs: 5000, execMs: 60_000, testMs: 300_000 });
    expect(fromFile.qradar).to.deep.include({ url: 'https://qradar.example.com', version: '19.0', caFile: join(FIX, 'ca.pem'), tokenFile: '/run/secrets/qradar', pollIntervalMs: 2000, windowSlackMs: 60_000, hostField: 'sourceIp', maxConcurrentSearches: 4 });
    const env = { HARNESS_CONCURRENCY: '5', HARNESS_PROFILE: 'env-profile', HARNESS_QRADAR_URL: 'https://env.example.com', HARNESS_QRADAR_VERSION: '21.0', HARNESS_QRADAR_CA_FILE: '/etc/env-ca.pem' };
    const withEnv = resolveConfig({ file, env });
    expect(withEnv).to.deep.include({ concurrency: 5, profile: 'env-profile', failOn: 'gap' });
    expect(withEnv.qradar).to.deep.include({ url: 'https://env.example.com', version: '21.0', caFile: '/etc/env-ca.pem', pollIntervalMs: 2000 });
    const withCli = resolveConfig({ file, env, cli: { concurrency: '2', backend: 'local', failOn: 'never', only: ['T1588.004'] } });
    expect(withCli).to.deep.include({ concurrency: 2, backend: 'local', failOn: 'never', profile: 'env-profile' });
    expect(withCli.only).to.deep.equal(['T1588.004']);
    expect(Object.isFrozen(withCli) && Object.isFrozen(withCli.qradar) && Object.isFrozen(withCli.timeouts)).to.equal(true);
    expect(() => ((withCli as { concurrency: number }).concurrency = 99)).to.throw(TypeError);
  });

  it('--config and HARNESS_CONFIG name the file; a named file that is missing is an error', function () {
    expect(resolveConfig({ env: { HARNESS_CONFIG: join(FIX, 'full.yaml') } }).profile).to.equal('custom');
    const e = thrown(() => resolveConfig({ cli: { config: join(FIX, 'nope.yaml') } })) as DiagnosticsError;
    expect(e.message).to.include('HARNESS_FILE_NOT_FOUND');
    // The implicit default file may be absent.
    expect(resolveConfig({ file: join(FIX, 'nope.yaml') }).backend).to.equal('local');
  });

  it('refuses an inline token and says to use tokenEnv or tokenFile, without echoing it', function () {
    const ds = checkConfigFile(join(FIX, 'inline-token.yaml'));
    const d = ds.find((x) => x.code === 'HARNESS_CONFIG_INLINE_SECRET')!;
    expect(formatDiagnostic(d)).to.match(/inline-token\.yaml:4:3: error: qradar\.token: secrets must not be written in the file/);
    expect(d.fix).to.include('tokenEnv').and.include('tokenFile');
    const e = thrown(() => resolveConfig({ cli: { config: join(FIX, 'inline-token.yaml') } }));
    expect(e.message).to.include('HARNESS_CONFIG_INLINE_SECRET');
    expect(e.message + JSON.stringify(ds)).to.not.include('3f2a-not-a-real-token');
  });

  it('names file, field path and fix for every bad value at once', function () {
    const ds = checkConfigFile(join(FIX, 'bad-values.yaml'));
    expect(ds.map((d) => [d.code, d.location.line])).to.deep.equal([
      ['HARNESS_CONFIG_BAD_VALUE', 1],
      ['HARNESS_CONFIG_BAD_VALUE', 2],
      ['HARNESS_DURATION_INVALID', 3],
      ['HARNESS_CONFIG_UNKNOWN_FIELD', 6],
      ['HARNESS_CONFIG_BAD_VALUE', 5],
    ]);
    expect(ds[0]!.message).to.equal('backend must be one of local, qradar, found a string ("splunk")');
    expect(ds[3]!.fix).to.include('did you mean "hostField"');
    expect(ds[2]!.message).to.include('timeouts.connect');
  });

  it('refuses plain http to QRadar unless allowHttp, and a qradar back-end without a URL', function () {
    expect(thrown(() => resolveConfig({ file: join(FIX, 'http.yaml') })).code).to.equal('HARNESS_CONFIG_INSECURE_URL');
    expect(thrown(() => resolveConfig({ cli: { backend: 'qradar' } })).code).to.equal('HARNESS_CONFIG_MISSING_FIELD');
    expect(thrown(() => resolveConfig({ env: { HARNESS_QRADAR_URL: 'https://u:p@q.example.com' } })).code).to.equal('HARNESS_CONFIG_INLINE_SECRET');
  });

  it('bad environment values and flags name the variable or flag', function () {
    const e = thrown(() => resolveConfig({ env: { HARNESS_BACKEND: 'splunk', HARNESS_CONCURRENCY: 'many' }, cli: { failOn: 'sometimes' } }));
    expect(e.message).to.include('environment variable HARNESS_BACKEND').and.include('environment variable HARNESS_CONCURRENCY').and.include('command line --fail-on');
  });

  it('the project\'s own harness.config.yaml is valid', function () {
    expect(checkConfigFile(join(packageRoot, 'harness.config.yaml'))).to.deep.equal([]);
  });
});

describe('config: targets.yaml', function () {
  it('loads local, key, agent and password-by-reference targets with defaults', function () {
    const ts = loadTargets(join(FIX, 'targets-good.yaml'));
    expect(ts.map((t) => [t.name, t.transport, t.os, t.port, t.sudo])).to.deep.equal([
      ['local', 'local', 'linux', 22, false],
      ['lnx-01', 'ssh', 'linux', 22, true],
      ['win-ws01', 'ssh', 'windows', 22, false],
    ]);
    expect(ts[0]!.address).to.equal(undefined);
    expect(ts[1]!.auth).to.deep.equal({ privateKeyPath: join(homedir(), '.ssh/purple_ed25519'), passphraseEnv: 'KEY_PASS' });
    expect(ts[2]).to.deep.include({ auth: { passwordEnv: 'WIN_PASS' }, shell: 'cmd', knownHostsFile: join(homedir(), '.ssh/known_hosts') });
    expect(ts[2]!.qradar).to.deep.equal({ logSourceName: 'WIN-WS01 @ 10.0.0.5' });
  });

  it('refuses an inline password and says to use passwordEnv, without echoing it', function () {
    const ds = checkTargetsFile(join(FIX, 'targets-inline-password.yaml')).diagnostics;
    const d = ds.find((x) => x.code === 'HARNESS_CONFIG_INLINE_SECRET')!;
    expect(d.location.line).to.equal(6);
    expect(d.fix).to.include('passwordEnv');
    const e = thrown(() => loadTargets(join(FIX, 'targets-inline-password.yaml')));
    expect(e.message).to.not.include('Hunter2');
  });

  it('never echoes a value written where a secret reference belongs (auth as a string)', function () {
    const ds = checkTargetsFile(join(FIX, 'targets-auth-string.yaml')).diagnostics;
    expect(ds.map((d) => [d.code, d.location.line])).to.deep.equal([['HARNESS_CONFIG_WRONG_TYPE', 6]]);
    expect(JSON.stringify(ds)).to.not.include('Sup3rSecret');
  });

  it('lists every problem of a bad targets file with its field path', function () {
    const ds = checkTargetsFile(join(FIX, 'targets-bad.yaml')).diagnostics.filter((d) => d.severity === 'error');
    const text = ds.map(formatDiagnostic).join('\n');
    expect(text).to.include('targets[0].port must be a TCP port');
    expect(text).to.include('targets[0].address is required for an ssh target');
    expect(text).to.include('targets[0].auth must use exactly one of privateKeyPath, agent, passwordEnv');
    expect(text).to.include('targets[0].shell applies to Windows targets only');
    expect(text).to.include('targets[1].os must be windows or linux');
    for (const d of ds) expect(d.location.line, d.message).to.be.a('number');
  });

  it('the project\'s own targets.yaml is valid and is this machine', function () {
    expect(loadTargets(join(packageRoot, 'targets.yaml')).map((t) => [t.name, t.transport])).to.deep.equal([['local', 'local']]);
  });
});
