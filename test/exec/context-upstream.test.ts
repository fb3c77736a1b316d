// Real upstream atomics (the recorded Atomic Red Team corpus) whose commands write placeholders inside
// their own quotes: with plain default values, the harness renders exactly the script Invoke-AtomicTest
// would run (its plain text replacement of #{name}), and across the whole corpus every command either
// renders or is refused with HARNESS_EXEC_UNQUOTABLE, never a crash. Windows parts are checked against
// documented rules, not a real Windows (rendering only; nothing runs).
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadAtomicFile } from '../../harness/catalog/atomics.js';
import { argumentsOf, substituteArgs } from '../../harness/catalog/args.js';
import { renderFor } from '../../harness/run/render.js';
import { rendererFor } from '../../harness/exec/shells/index.js';
import { posixQuote } from '../../harness/exec/shells/posix.js';
import type { AtomicTest, ExecutorName } from '../../harness/model/catalog.js';
import type { Target } from '../../harness/model/config.js';
import { DATASETS, datasetsPresent, requireOrSkip } from '../helpers/env.js';

const CORPUS = join(DATASETS, 'atomic-red-team', 'atomics');
const linux: Target = { name: 'l', os: 'linux', transport: 'ssh', port: 22, sudo: false };
const winCmd: Target = { name: 'w', os: 'windows', transport: 'ssh', port: 22, sudo: false, shell: 'cmd' };

function atomic(technique: string, number: number): AtomicTest {
  const r = loadAtomicFile(join(CORPUS, technique, `${technique}.yaml`));
  expect(r.file, JSON.stringify(r.diagnostics)).to.not.equal(undefined);
  return r.file!.atomic_tests[number - 1]!;
}
// What Invoke-AtomicTest does: a plain text replacement of every #{name} by its value.
const invokeAtomicTest = (text: string, args: Record<string, string>) => substituteArgs(text, args, (v) => v);

describe('context-aware substitution on upstream atomics (rendering checked against documented rules, not a real Windows)', function () {
  before(function () {
    requireOrSkip(this, datasetsPresent(), `datasets not found at ${DATASETS}`);
  });

  it('T1553.004-4 (sh, "#{cert_filename}"): the same script as Invoke-AtomicTest, in one sh -c', () => {
    const t = atomic('T1553.004', 4);
    const args = argumentsOf(t);
    const raw = invokeAtomicTest(t.executor.command!, args);
    expect(raw).to.include('-k "/Library/Keychains/System.keychain" "rootCA.crt"');
    expect(renderFor(t, linux, t.executor.command!, args, '/tmp').commandLine).to.equal(`sh -c ${posixQuote(raw)}`);
  });

  it('T1553.004-5 (powershell, Import-Certificate -FilePath #{pfx_path}): identical for the default rootCA.cer', () => {
    const t = atomic('T1553.004', 5);
    const args = argumentsOf(t);
    for (const text of [t.executor.command!, t.executor.cleanup_command!, t.dependencies![0]!.prereq_command]) {
      expect(renderFor(t, winCmd, text, args, 'C:\\T').commandLine).to.equal(rendererFor('powershell', 'windows', 'cmd').render(invokeAtomicTest(text, args), {}).commandLine);
    }
  });

  it('T1105 "Windows - PowerShell Download" (DownloadFile("#{remote_file}", "#{destination_path}")): identical for plain values', () => {
    const t = loadAtomicFile(join(CORPUS, 'T1105', 'T1105.yaml')).file!.atomic_tests.find((x) => x.name === 'Windows - PowerShell Download')!;
    expect(t.executor.command).to.include('DownloadFile("#{remote_file}", "#{destination_path}")');
    const args = argumentsOf(t, { destination_path: 'C:\\Users\\Public\\Atomic-license.txt' });
    const r = rendererFor('powershell', 'windows', 'cmd');
    const ours = r.substitute!(t.executor.command!, args);
    expect(ours).to.equal(invokeAtomicTest(t.executor.command!, args));
    expect(ours).to.include('DownloadFile("https://raw.githubusercontent.com/redcanaryco/atomic-red-team/master/LICENSE.txt", "C:\\Users\\Public\\Atomic-license.txt")');
    // The upstream default relies on PowerShell expanding $env:TEMP; as data it is passed literally.
    expect(r.substitute!(t.executor.command!, argumentsOf(t))).to.include('"`$env:TEMP\\Atomic-license.txt"');
  });

  it("T1105 \"File Download via PowerShell\" (DownloadString('#{target_remote_file}')): identical for the default", () => {
    const t = loadAtomicFile(join(CORPUS, 'T1105', 'T1105.yaml')).file!.atomic_tests.find((x) => x.name === 'File Download via PowerShell')!;
    expect(t.executor.command).to.include("DownloadString('#{target_remote_file}')");
    const args = argumentsOf(t);
    expect(rendererFor('powershell', 'windows', 'cmd').substitute!(t.executor.command!, args)).to.equal(invokeAtomicTest(t.executor.command!, args));
  });

  it('T1105 command_prompt ("#{Path_to_file}" 1>NUL) and sh (whois ... "#{query}"): identical for the defaults', () => {
    const file = loadAtomicFile(join(CORPUS, 'T1105', 'T1105.yaml')).file!;
    const bat = file.atomic_tests.find((x) => x.executor.name === 'command_prompt' && x.executor.command?.includes('"#{Path_to_file}" 1>NUL'))!;
    const args = argumentsOf(bat);
    expect(renderFor(bat, winCmd, bat.executor.command!, args, 'C:\\T').commandLine).to.equal('"PathToAtomicsFolder\\T1105\\src\\T1105.bat" 1>NUL');
    const whois = file.atomic_tests.find((x) => x.executor.command?.includes('"#{query}"'))!;
    const wargs = argumentsOf(whois);
    expect(rendererFor('sh', 'linux').substitute!(whois.executor.command!, wargs)).to.equal(invokeAtomicTest(whois.executor.command!, wargs));
  });

  it('the whole corpus: quoted placeholders with plain defaults render as Invoke-AtomicTest does; nothing crashes', () => {
    const stats = { texts: 0, quotedPlain: 0, refused: 0 };
    const reasons = new Map<string, number>();
    for (const dir of readdirSync(CORPUS).filter((d) => /^T\d/.test(d)).sort()) {
      const r = loadAtomicFile(join(CORPUS, dir, `${dir}.yaml`));
      for (const t of r.file?.atomic_tests ?? []) {
        const args = argumentsOf(t);
        const texts: [string, ExecutorName][] = [[t.executor.command ?? '', t.executor.name], [t.executor.cleanup_command ?? '', t.executor.name]];
        for (const d of t.dependencies ?? []) texts.push([d.prereq_command ?? '', t.dependency_executor_name ?? t.executor.name], [d.get_prereq_command ?? '', t.dependency_executor_name ?? t.executor.name]);
        for (const [text, ex] of texts) {
          if (!text || !['sh', 'bash', 'powershell', 'command_prompt'].includes(ex)) continue;
          const renderer = rendererFor(ex, ex === 'sh' || ex === 'bash' ? 'linux' : 'windows', 'cmd');
          stats.texts++;
          let ours: string;
          try {
            ours = renderer.substitute!(text, args);
          } catch (e) {
            expect((e as { code?: string }).code, `${t.technique}-${t.number}: ${(e as Error).stack}`).to.equal('HARNESS_EXEC_UNQUOTABLE');
            stats.refused++;
            const why = (e as Error).message.replace(/^input argument '[^']*' /, '');
            reasons.set(why, (reasons.get(why) ?? 0) + 1);
            continue;
          }
          // Every placeholder written as "#{x}" or '#{x}', every value free of anything special there.
          const used = Object.keys(args).filter((n) => text.includes(`#{${n}}`));
          const allQuoted = used.length > 0 && used.every((n) => text.split(`#{${n}}`).length - 1 === (text.match(new RegExp(`(["'])#\\{${n.replace(/\W/g, '\\$&')}\\}\\1`, 'g')) ?? []).length);
          const plain = ex === 'sh' || ex === 'bash' ? /^[A-Za-z0-9_@+:,./ =-]*$/ : /^[A-Za-z0-9_@+:,./ =\\-]*$/;
          if (allQuoted && used.every((n) => plain.test(args[n]!) && !(ex === 'command_prompt' && args[n]!.endsWith('\\')))) {
            expect(ours, `${t.technique}-${t.number}`).to.equal(invokeAtomicTest(text, args));
            stats.quotedPlain++;
          }
        }
      }
    }
    // eslint-disable-next-line no-console
    console.log(`      ${stats.texts} upstream command texts; ${stats.quotedPlain} with only quoted placeholders and plain defaults render identically; ${stats.refused} refused:`);
    // eslint-disable-next-line no-console
    for (const [why, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`        ${n} x ${why}`);
    expect(stats.quotedPlain).to.be.greaterThan(100);
  });
});
