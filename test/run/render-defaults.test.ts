import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderFor, splitDefaults } from '../../harness/run/render.js';
import type { AtomicTest } from '../../harness/model/catalog.js';
import type { Target } from '../../harness/model/config.js';

const linux: Target = { name: 'l', os: 'linux', transport: 'local', port: 22, sudo: false };

function atomic(command: string, defaults: Record<string, string>): AtomicTest {
  return {
    name: 't', auto_generated_guid: '00000000-0000-4000-8000-000000000001', description: 'd', supported_platforms: ['linux'],
    input_arguments: Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, { description: k, type: 'string', default: v }])),
    executor: { name: 'sh', command }, location: { file: 'x.yaml' }, technique: 'T1000', number: 1,
  };
}

describe('rendering input arguments: defaults are the atomic\'s text, supplied values are data', () => {
  it('substitutes an untouched default as written, as Invoke-AtomicTest does', () => {
    const t = atomic('echo #{dir}/x', { dir: '$HOME' });
    const { raw, data } = splitDefaults(t, { dir: '$HOME' });
    expect(raw).to.deep.equal({ dir: '$HOME' });
    expect(data).to.deep.equal({});
    const out = execFileSync('sh', ['-c', renderFor(t, linux, t.executor.command!, { dir: '$HOME' }, '/tmp').commandLine.replace(/^sh -c /, 'eval ')], { encoding: 'utf8', env: { HOME: '/home/someone', PATH: process.env.PATH } });
    expect(out.trim()).to.equal('/home/someone/x');
  });

  it('encodes a supplied value as data: a hostile override runs nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-render-'));
    const canary = join(dir, 'pwned');
    const t = atomic('printf %s #{name}', { name: 'plain' });
    const hostile = `x; touch ${canary}; $(touch ${canary}) \`touch ${canary}\``;
    const rendered = renderFor(t, linux, t.executor.command!, { name: hostile }, '/tmp').commandLine;
    const out = execFileSync('sh', ['-c', rendered.replace(/^sh -c /, 'eval ')], { encoding: 'utf8' });
    expect(out).to.equal(hostile);
    expect(existsSync(canary)).to.equal(false);
  });

  it('always treats the harness built-ins as data, whatever their declared default', () => {
    const t = atomic('echo #{harness_marker}', { harness_marker: 'ath-demo-1' });
    expect(splitDefaults(t, { harness_marker: 'ath-demo-1' }).data).to.deep.equal({ harness_marker: 'ath-demo-1' });
  });
});
