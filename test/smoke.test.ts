import { expect } from 'chai';
import { runCli } from './helpers/cli.js';

describe('harness CLI', () => {
  it('prints its version', async () => {
    const r = await runCli(['--version']);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout.trim()).to.match(/^\d+\.\d+\.\d+$/);
  });
  it('exits 2 on an unknown option', async () => {
    const r = await runCli(['--no-such-option']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.contain('unknown option');
  });
});
