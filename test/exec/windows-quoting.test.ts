// cmd.exe and PowerShell quoting, checked against models of their DOCUMENTED parsing rules
// (test/exec/models), not a real Windows: every hostile value must come back unchanged as one
// argument with nothing expanded and no operator seen.
import { expect } from 'chai';
import { cmdQuote, cmdRenderer, commandLines } from '../../harness/exec/shells/cmd.js';
import { psQuote, powershellRenderer, joinScriptLines, encodePowerShell } from '../../harness/exec/shells/powershell.js';
import { windowsArgvQuote } from '../../harness/exec/shells/winargv.js';
import { rendererFor } from '../../harness/exec/shells/index.js';
import { parseCmdLine } from './models/cmd-model.js';
import { splitWindowsArgv } from './models/argv-model.js';
import { evalPsArgument, readSingleQuoted, legacyNativeArg } from './models/powershell-model.js';
import { generated, handPicked } from './hostile.js';

const ENV = { PATH: 'C:\\Windows', VAR: 'expanded!', COMSPEC: 'C:\\Windows\\system32\\cmd.exe', TEMP: 'C:\\T', x: 'X', a: 'A', b: 'B' };
const values = [...handPicked('C:\\canary.txt'), ...generated(400)];
const noBreaks = values.filter((v) => !/[\r\n]/.test(v));

describe('Windows quoting (checked against documented rules, not a real Windows)', () => {
  it('CommandLineToArgvW: windowsArgvQuote round-trips every value as one argument', () => {
    for (const v of values) expect(splitWindowsArgv(`prog ${windowsArgvQuote(v)}`), JSON.stringify(v)).to.deep.equal(v === '' ? ['prog', ''] : ['prog', v]);
  });

  it('cmd.exe command-line mode: every value reaches the program unchanged, nothing expands, no operator', () => {
    let checked = 0;
    for (const v of noBreaks) {
      const p = parseCmdLine(`certutil -addstore Root ${cmdQuote(v, 'cmdline')}`, ENV, 'cmdline');
      expect(p.expanded, JSON.stringify(v)).to.deep.equal([]);
      expect(p.operators, JSON.stringify(v)).to.deep.equal([]);
      expect(splitWindowsArgv(p.text), JSON.stringify(v)).to.deep.equal(['certutil', '-addstore', 'Root', v]);
      checked++;
    }
    expect(checked).to.be.greaterThan(300);
  });

  it('cmd.exe batch-file mode (.cmd): %% doubling, every value unchanged, nothing expands, no operator', () => {
    for (const v of noBreaks) {
      const p = parseCmdLine(`certutil ${cmdQuote(v, 'batch')}`, ENV, 'batch');
      expect(p.expanded, JSON.stringify(v)).to.deep.equal([]);
      expect(p.operators, JSON.stringify(v)).to.deep.equal([]);
      expect(splitWindowsArgv(p.text), JSON.stringify(v)).to.deep.equal(['certutil', v]);
    }
  });

  it('the model itself catches unquoted data (the checks can fail)', () => {
    expect(parseCmdLine('echo a & calc', ENV).operators).to.deep.equal(['&']);
    expect(parseCmdLine('echo "%VAR%"', ENV).expanded).to.deep.equal(['VAR']);
    expect(parseCmdLine('echo ^"%VAR%^"', ENV).expanded).to.deep.equal(['VAR']);
    expect(splitWindowsArgv('prog "a\\"b c"')).to.deep.equal(['prog', 'a"b c']);
    expect(() => evalPsArgument("'it's'")).to.throw();
  });

  it('cmd.exe refuses line breaks and NUL with HARNESS_EXEC_UNQUOTABLE instead of letting a line run', () => {
    for (const v of ['a\nb', 'a\rb', 'a\0b']) expect(() => cmdQuote(v)).to.throw().with.property('code', 'HARNESS_EXEC_UNQUOTABLE');
  });

  it('command_prompt on a cmd target: lines joined with " & " like Invoke-AtomicTest', () => {
    const r = rendererFor('command_prompt', 'windows', 'cmd');
    expect(r.render('certutil -addstore Root x.cer\r\n\r\n  del x.cer  \n', {}).commandLine).to.equal('certutil -addstore Root x.cer & del x.cer');
    expect(commandLines('a\n\nb')).to.deep.equal(['a', 'b']);
  });

  it('command_prompt on a PowerShell target: a temporary .cmd file (CRLF, delayed expansion off) run by cmd.exe /c', () => {
    const r = cmdRenderer('powershell').render('echo one\necho two', { tmpDir: 'C:\\Users\\p\\AppData\\Local\\Temp' });
    expect(r.files).to.have.length(1);
    const f = r.files![0];
    expect(f.path).to.match(/^C:\\Users\\p\\AppData\\Local\\Temp\\ath-[0-9a-f]{12}\.cmd$/);
    expect(f.content).to.equal('@echo off\r\nsetlocal DisableDelayedExpansion\r\necho one\r\necho two\r\n');
    expect(r.commandLine).to.equal(`cmd.exe /c '${f.path}'`);
  });

  it('PowerShell quote: single-quoted string rules (typographic quotes doubled, line breaks as [char])', () => {
    for (const v of values.filter((x) => !x.includes('\0'))) expect(evalPsArgument(psQuote(v)), JSON.stringify(v)).to.equal(v);
    expect(psQuote("it’s")).to.equal("'it’’s'");
    expect(psQuote('a\nb')).to.equal("('a'+[char]10+'b')");
  });

  it('powershell on a cmd target: the script is on powershell.exe\'s command line, intact, through cmd and argv parsing', () => {
    const r = powershellRenderer('cmd');
    for (const v of values) {
      const script = `Write-Output ${psQuote(v)}`;
      const line = r.render(script, {}).commandLine;
      const p = parseCmdLine(line, ENV, 'cmdline');
      expect(p.expanded, JSON.stringify(v)).to.deep.equal([]);
      expect(p.operators, JSON.stringify(v)).to.deep.equal([]);
      const argv = splitWindowsArgv(p.text);
      expect(argv.slice(0, 6)).to.deep.equal(['powershell.exe', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command']);
      expect(argv).to.have.length(7);
      expect(argv[6], JSON.stringify(v)).to.equal(`& {${script}}`);
      expect(evalPsArgument(argv[6].slice('& {Write-Output '.length, -1))).to.equal(v);
    }
  });

  it('powershell on a PowerShell 5.1 target: single-quoted for the outer shell, legacy native passing, argv intact', () => {
    const r = powershellRenderer('powershell');
    for (const v of values) {
      const script = `Write-Output ${psQuote(v)}\nWrite-Output done`;
      const line = r.render(script, {}).commandLine;
      const prefix = 'powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command ';
      expect(line.startsWith(prefix)).to.equal(true);
      const { value, end } = readSingleQuoted(line, prefix.length);
      expect(end).to.equal(line.length);
      const argv = splitWindowsArgv(`powershell.exe ${legacyNativeArg(value)}`);
      expect(argv, JSON.stringify(v)).to.deep.equal(['powershell.exe', `& {${script}}`]);
    }
  });

  it('powershell: multi-line scripts are joined so blocks and else/catch stay valid; here-strings refused', () => {
    expect(joinScriptLines('if ($a) {\n  x\n}\nelse {\n  y\n}\n# note\nz')).to.equal('if ($a) { x } else { y }; z');
    expect(joinScriptLines('Get-Item x |\n  Remove-Item\ntry { a }\ncatch { b }\nc `\n  -Force')).to.equal('Get-Item x | Remove-Item; try { a } catch { b }; c -Force');
    expect(() => joinScriptLines('$x = @"\nhi\n"@')).to.throw().with.property('code', 'HARNESS_EXEC_UNQUOTABLE');
  });

  it('powershell -EncodedCommand only as the explicit variant (UTF-16LE base64)', () => {
    const r = powershellRenderer('cmd').render('Write-Output 1', { encoded: true });
    expect(r.commandLine).to.equal(`powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${encodePowerShell('Write-Output 1')}`);
    expect(Buffer.from(encodePowerShell('Write-Output 1'), 'base64').toString('utf16le')).to.equal('Write-Output 1');
    expect(powershellRenderer('cmd').render('Write-Output 1', {}).commandLine).to.include('Write-Output 1');
  });

  it('rendererFor refuses manual and platform mismatches with stable codes', () => {
    expect(() => rendererFor('manual', 'windows')).to.throw().with.property('code', 'HARNESS_EXEC_NO_RENDERER');
    expect(() => rendererFor('sh', 'windows')).to.throw().with.property('code', 'HARNESS_EXEC_PLATFORM');
    expect(() => rendererFor('powershell', 'linux')).to.throw().with.property('code', 'HARNESS_EXEC_PLATFORM');
  });
});
