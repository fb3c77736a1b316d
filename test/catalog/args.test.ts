// Input arguments (#{name}, ART syntax), the built-ins of DESIGN section 4, and durations.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { argumentsOf, BUILTIN_ARGS, placeholdersIn, substituteArgs, unresolvedArgs } from '../../harness/catalog/args.js';
import { parseDuration, tryParseDuration } from '../../harness/catalog/duration.js';
import { isHarnessError } from '../../harness/errors.js';

const posixQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

describe('catalog: input arguments and durations', function () {
  it('lists placeholders the way upstream does, once each', function () {
    expect(placeholdersIn('a #{x} b #{y} #{x} #{}')).to.deep.equal(['x', 'y', '']);
    expect(placeholdersIn(undefined)).to.deep.equal([]);
  });

  it('substitutes with the quote function and leaves unknown placeholders as written', function () {
    expect(substituteArgs('cp #{src} #{dst} #{nope}', { src: 'a b', dst: 'c' }, posixQuote)).to.equal(`cp 'a b' 'c' #{nope}`);
    expect(unresolvedArgs('cp #{src} #{nope}', { src: 'x' })).to.deep.equal(['nope']);
  });

  it('keeps a hostile value as data when the shell runs it (real sh)', function () {
    const out = execFileSync('sh', ['-c', substituteArgs('printf %s #{v}', { v: `x'; echo INJECTED; '` }, posixQuote)], { encoding: 'utf8' });
    expect(out).to.equal(`x'; echo INJECTED; '`);
  });

  it('merges declared defaults with overrides; built-ins are always set, undeclared others ignored', function () {
    const test = { input_arguments: { n: { description: 'd', type: 'integer', default: 5 }, p: { description: 'd', type: 'path', default: null } } };
    expect(argumentsOf(test)).to.deep.equal({ n: '5', p: '' });
    expect(argumentsOf(test, { n: '7', harness_marker: 'ath-1-1', other: 'x' })).to.deep.equal({ n: '7', p: '', harness_marker: 'ath-1-1' });
  });

  it('gives every built-in a usable default', function () {
    expect(Object.keys(BUILTIN_ARGS)).to.deep.equal(['harness_marker', 'harness_cert_path', 'harness_cert_thumbprint', 'harness_url', 'harness_tmp']);
    for (const a of Object.values(BUILTIN_ARGS)) expect(a.default).to.be.a('string').and.not.equal('');
  });

  it('parses durations and locates a bad one', function () {
    expect([tryParseDuration('10m'), tryParseDuration('90s'), tryParseDuration('1h'), tryParseDuration('250ms'), tryParseDuration(1500)]).to.deep.equal([600_000, 90_000, 3_600_000, 250, 1500]);
    expect(tryParseDuration('10 minutes')).to.equal(undefined);
    try {
      parseDuration('soon', { file: 'x.yaml', line: 3, column: 14 });
      expect.fail('no error');
    } catch (e) {
      expect(isHarnessError(e)).to.equal(true);
      expect((e as { format(): string }).format()).to.match(/^x\.yaml:3:14: not a duration: "soon" \[HARNESS_DURATION_INVALID\]\n {2}fix: /);
    }
  });
});
