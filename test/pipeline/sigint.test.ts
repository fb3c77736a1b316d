// `harness run` interrupted by a real SIGINT while a behaviour runs: the CLI (from source through tsx) is
// started in a temporary project (a copy of the harness with a fixture catalog: the catalog is always read
// beside the package, so the fixture needs its own package root), on this machine as the local target.
// The fixture atomic writes a marker file under /tmp, signals that it started, then sleeps; its cleanup
// removes the marker file. Real processes, real signal, real files.
import { expect } from 'chai';
import { execa, type ResultPromise } from 'execa';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../harness/util/paths.js';

const GUID = '5f1c1e62-7d1a-4c35-9a57-2b9d1f0c7e11';

function fixtureAtomic(flagDir: string): string {
  return `attack_technique: T1587.003
display_name: 'Develop Capabilities: Digital Certificates'
atomic_tests:
- name: Fixture long-running behaviour (SIGINT test)
  auto_generated_guid: ${GUID}
  description: Writes a marker file under the target temp dir, says it started, then sleeps.
  supported_platforms:
  - linux
  input_arguments:
    harness_marker:
      description: Execution marker (set by the harness)
      type: string
      default: ath-00000000-0
    harness_tmp:
      description: Temporary directory on the target (set by the harness)
      type: path
      default: /tmp
    flag_dir:
      description: Where the fixture says it started (the test watches it)
      type: path
      default: ${flagDir}
  executor:
    name: sh
    elevation_required: false
    command: |
      echo fixture > "#{harness_tmp}/#{harness_marker}.txt"
      echo $$ > "#{flag_dir}/pid"
      echo "#{harness_marker}" > "#{flag_dir}/started"
      sleep 120
      echo finished > "#{flag_dir}/finished"
    cleanup_command: |
      rm -f -- "#{harness_tmp}/#{harness_marker}.txt"
      echo "#{harness_marker}" > "#{flag_dir}/cleaned"
`;
}

// A project whose package root is a temp dir: the harness sources copied, node_modules linked, the fixture catalog.
function fixtureProject(): { root: string; flags: string } {
  const root = mkdtempSync(join(tmpdir(), 'ath-sigint-'));
  const flags = join(root, 'flags');
  mkdirSync(flags);
  for (const f of ['package.json', 'tsconfig.json']) cpSync(join(packageRoot, f), join(root, f));
  cpSync(join(packageRoot, 'harness'), join(root, 'harness'), { recursive: true });
  cpSync(join(packageRoot, 'profiles'), join(root, 'profiles'), { recursive: true });
  symlinkSync(join(packageRoot, 'node_modules'), join(root, 'node_modules'));
  mkdirSync(join(root, 'atomics', 'T1587.003'), { recursive: true });
  writeFileSync(join(root, 'atomics', 'T1587.003', 'T1587.003.yaml'), fixtureAtomic(flags));
  mkdirSync(join(root, 'expectations', 'rules'), { recursive: true });
  writeFileSync(join(root, 'targets.yaml'), 'targets:\n  - name: local\n    os: linux\n    transport: local\n');
  return { root, flags };
}

// Running (a zombie waiting for an init that does not reap is not running).
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor(what: string, ok: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Preloaded into the CLI process (node --import): once the fixture command has started, an EventEmitter
// emits 'error' with no listener, as ssh2 did for a second pre-handshake error: an uncaught exception.
function faultPreload(flags: string): string {
  const file = join(flags, '..', 'fault.mjs');
  writeFileSync(file, `import { existsSync } from 'node:fs';
import { EventEmitter } from 'node:events';
const t = setInterval(() => {
  if (!existsSync(${JSON.stringify(join(flags, 'started'))})) return;
  clearInterval(t);
  new EventEmitter().emit('error', new Error('injected fault: an error event nobody listens to'));
}, 100);
t.unref();
`);
  return file;
}

describe('harness run interrupted by SIGINT or by an uncaught fault (real process, real signal, local target)', function () {
  this.timeout(120_000);
  let project: { root: string; flags: string };
  let child: ResultPromise | undefined;
  before(() => {
    project = fixtureProject();
  });
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(project.root, { recursive: true, force: true });
  });

  it('finishes the cleanup, writes a partial report (interrupted: true), exits 1; the marker file is gone', async () => {
    const reports = join(project.root, 'reports');
    child = execa(process.execPath, ['--import', 'tsx', join(project.root, 'harness/cli/main.ts'), 'run', '--report-dir', reports, '--fail-on', 'never'], {
      cwd: project.root, env: { FORCE_COLOR: '0' }, reject: false, timeout: 100_000,
    });
    await waitFor('the fixture command to start', () => existsSync(join(project.flags, 'started')), 60_000);
    const marker = readFileSync(join(project.flags, 'started'), 'utf8').trim();
    const markerFile = join('/tmp', `${marker}.txt`);
    expect(existsSync(markerFile), 'the fixture wrote its marker file').to.equal(true);
    const pid = Number(readFileSync(join(project.flags, 'pid'), 'utf8'));
    expect(alive(pid), 'the fixture command is running').to.equal(true);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, `${String(r.stderr)}\n${String(r.stdout)}`).to.equal(1);
    expect(String(r.stderr)).to.contain('interrupted');
    expect(String(r.stdout)).to.contain('(INTERRUPTED: partial report)');
    // The command was stopped, not left to finish; the cleanup ran and removed the marker file.
    expect(existsSync(join(project.flags, 'finished'))).to.equal(false);
    expect(alive(pid), `the fixture's shell ${pid} was stopped`).to.equal(false);
    expect(readFileSync(join(project.flags, 'cleaned'), 'utf8').trim()).to.equal(marker);
    expect(existsSync(markerFile)).to.equal(false);
    const runDir = join(reports, readdirSync(reports).find((d) => d !== 'latest')!);
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8'));
    expect(report.interrupted).to.equal(true);
    const result = report.results.find((x: { guid: string }) => x.guid === GUID);
    expect(result.verdict).to.equal('NOT_EXECUTED');
    expect(result.reason).to.match(/interrupted/);
    expect(result.execution.cleanup).to.include({ ok: true });
    expect(result.execution.cleanup.residue).to.deep.equal([]);
    const journal = readFileSync(join(runDir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const states = journal.filter((e) => e.kind === 'test' && e.marker === marker).map((e) => e.state);
    expect(states).to.deep.equal(['pending', 'done']);
  });

  it('an uncaught fault inside the run stops it like Ctrl-C: cleanup finishes, partial report, exit 2 naming the error', async () => {
    const p = fixtureProject();
    try {
      const reports = join(p.root, 'reports');
      const r = await execa(process.execPath, ['--import', 'tsx', '--import', faultPreload(p.flags), join(p.root, 'harness/cli/main.ts'), 'run', '--report-dir', reports, '--fail-on', 'never'], {
        cwd: p.root, env: { FORCE_COLOR: '0' }, reject: false, timeout: 100_000,
      });
      const marker = readFileSync(join(p.flags, 'started'), 'utf8').trim();
      expect(r.exitCode, `${String(r.stderr)}\n${String(r.stdout)}`).to.equal(2);
      expect(String(r.stderr)).to.contain('harness: internal error: injected fault: an error event nobody listens to (a bug in atomic-harness');
      expect(String(r.stderr)).to.contain('the run stopped on an internal error, the report is partial');
      expect(String(r.stderr)).to.not.match(/\n\s+at /); // no stack trace
      expect(existsSync(join(p.flags, 'finished'))).to.equal(false);
      expect(readFileSync(join(p.flags, 'cleaned'), 'utf8').trim()).to.equal(marker);
      expect(existsSync(join('/tmp', `${marker}.txt`))).to.equal(false);
      const runDir = join(reports, readdirSync(reports).find((d) => d !== 'latest')!);
      const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8'));
      expect(report.interrupted).to.equal(true);
      expect(report.results.find((x: { guid: string }) => x.guid === GUID).execution.cleanup).to.deep.include({ ok: true, residue: [] });
    } finally {
      rmSync(p.root, { recursive: true, force: true });
    }
  });
});
