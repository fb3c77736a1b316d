// `harness events convert` run as a user would (the real CLI from source), on recorded dataset files
// copied under misleading names (detection is by content), with bad input and bad flags.
import { expect } from 'chai';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { DATASETS, datasetsPresent, requireOrSkip } from '../helpers/env.js';

const ARP = 'OTRF-Security-Datasets/atomic/linux/discovery/host/sh_arp_cache_2020-11-10074812.log';
const SIGMA = 'SigmaHQ-sigma-regression_data/proc_creation_win_certutil_certificate_installation/d2125259-ddea-4c1c-9c22-977eb5b29cf0';

describe('harness events convert (CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  before(function () {
    requireOrSkip(this, datasetsPresent(), `datasets not found at ${DATASETS}`);
    dir = mkdtempSync(join(tmpdir(), 'ath-convert-'));
  });

  it('converts files of several formats, detected by content, to JSONL on stdout with a count on stderr', async () => {
    copyFileSync(join(DATASETS, ARP), join(dir, 'looks-like.evtx'));
    copyFileSync(join(DATASETS, `${SIGMA}.evtx`), join(dir, 'looks-like.log'));
    copyFileSync(join(DATASETS, `${SIGMA}.evtx.python-evtx.xml`), join(dir, 'events.txt'));
    const r = await runCli(['events', 'convert', join(dir, 'looks-like.evtx'), join(dir, 'looks-like.log'), join(dir, 'events.txt')]);
    expect(r.exitCode, r.stderr).to.equal(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => x.origin.format)).to.deep.equal(['auditd', 'auditd', 'evtx', 'winxml']);
    expect(rows[0].properties.cmdline).to.equal('arp -a');
    expect(rows[2].properties.CommandLine).to.equal(rows[3].properties.CommandLine);
    expect(r.stderr).to.match(/^4 events, 0 warnings$/m);
  });

  it('writes --out atomically under the chosen profile, and --format forces a format', async () => {
    const out = join(dir, 'out', 'events.jsonl');
    const r = await runCli(['events', 'convert', join(DATASETS, `${SIGMA}.json`), '--profile', 'sysmon-dsm', '--out', out]);
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('');
    const row = JSON.parse(readFileSync(out, 'utf8').trim());
    expect(row.devicetype).to.equal(4001);
    expect(row.properties.Image).to.equal(undefined);
    expect(row.properties['Process Path']).to.equal('C:\\Windows\\System32\\certutil.exe');
    expect(readdirSync(join(dir, 'out'))).to.deep.equal(['events.jsonl']); // no temp file left
    const forced = await runCli(['events', 'convert', join(DATASETS, ARP), '--format', 'winxml']);
    expect(forced.exitCode).to.equal(0);
    expect(forced.stdout).to.equal('');
    expect(forced.stderr).to.match(/0 events/);
    const back = await runCli(['events', 'convert', out]);
    expect(JSON.parse(back.stdout.trim())).to.deep.equal(row); // jsonl is read back as it is
  });

  it('reports bad input as warnings with file:line and keeps the good events', async () => {
    const f = join(dir, 'mixed.log');
    const good = readFileSync(join(DATASETS, ARP), 'utf8').trim().split('\n');
    writeFileSync(f, [good.slice(0, 6).join('\n'), 'this is not audit', 'type=EXECVE msg=audit(oops', ...good.slice(6)].join('\n'));
    const r = await runCli(['events', 'convert', f]);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout.trim().split('\n')).to.have.length(2);
    expect(r.stderr).to.include(`warning: ${f}:7: not an audit record`);
    expect(r.stderr).to.include(`warning: ${f}:8:`);
    expect(r.stderr).to.match(/2 events, 2 warnings/);
  });

  it('fails with a located error and exit 2 on unknown files, formats and profiles, without a stack', async () => {
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, 'just some words\nnothing here\n');
    const cases: [string[], RegExp][] = [
      [['events', 'convert', join(dir, 'missing.log')], /HARNESS_EVENTS_FILE_NOT_FOUND/],
      [['events', 'convert', junk], /cannot tell the format .* \[HARNESS_EVENTS_FORMAT_UNKNOWN\]\n {2}fix: force one with --format/],
      [['events', 'convert', junk, '--format', 'csv'], /unknown format "csv" \[HARNESS_EVENTS_FORMAT_UNKNOWN\]/],
      [['events', 'convert', junk, '--profile', 'nope'], /HARNESS_PROFILE_NOT_FOUND/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(args);
      expect(r.exitCode, args.join(' ')).to.equal(2);
      expect(r.stderr).to.match(re);
      expect(r.stderr).not.to.match(/\n\s+at /);
    }
    expect(existsSync(join(dir, 'missing.log'))).to.equal(false);
  });
});
