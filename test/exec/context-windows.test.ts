// Context-aware substitution for PowerShell and cmd.exe, checked against documented rules, not a real
// Windows (test/exec/models): a placeholder written bare, inside "...", '...', a here-string (PowerShell)
// or "..." (cmd.exe) receives each hostile value unchanged, with nothing expanded and no operator seen;
// values that cannot be carried there are refused with HARNESS_EXEC_UNQUOTABLE naming the argument.
import { expect } from 'chai';
import { rendererFor } from '../../harness/exec/shells/index.js';
import { joinScriptLines } from '../../harness/exec/shells/powershell.js';
import { substituteInContext } from '../../harness/exec/shells/context.js';
import { CmdLexer } from '../../harness/exec/shells/cmd-context.js';
import { parseCmdLine } from './models/cmd-model.js';
import { splitWindowsArgv } from './models/argv-model.js';
import { evalPsArgument, readSingleQuoted, legacyNativeArg } from './models/powershell-model.js';
import { readDoubleQuoted, readHereString } from './models/powershell-strings-model.js';
import { generated, handPicked } from './hostile.js';

const ENV = { PATH: 'C:\\Windows', VAR: 'expanded!', COMSPEC: 'C:\\Windows\\system32\\cmd.exe', TEMP: 'C:\\T', x: 'X', a: 'A', b: 'B' };
const VALUES = [...handPicked('C:\\canary.txt'), ...generated(400, 0xbeef)];
const SQ = /['\u2018\u2019\u201a\u201b]/;

// Runs every value through `sub`; `accept(v)` says whether it must be carried, `verify` checks it.
function sweep(label: string, sub: (v: string) => string, accept: (v: string) => boolean, verify: (out: string, v: string) => void): { ok: number; refused: number } {
  let ok = 0;
  let refused = 0;
  for (const v of VALUES) {
    const tag = `${label} ${JSON.stringify(v).slice(0, 100)}`;
    let out: string;
    try {
      out = sub(v);
    } catch (e) {
      expect((e as { code?: string }).code, tag).to.equal('HARNESS_EXEC_UNQUOTABLE');
      expect((e as Error).message, tag).to.include(`'v'`);
      expect(accept(v), `${tag} wrongly refused: ${(e as Error).message}`).to.equal(false);
      refused++;
      continue;
    }
    expect(accept(v), `${tag} should have been refused, got ${out}`).to.equal(true);
    verify(out, v);
    ok++;
  }
  return { ok, refused };
}

describe('context-aware substitution for PowerShell (checked against documented rules, not a real Windows)', () => {
  const ps = rendererFor('powershell', 'windows', 'cmd');
  const sub = (t: string) => (v: string) => ps.substitute!(t, { v });
  const noNul = (v: string) => !v.includes('\0');

  it('bare: psQuote, one argument with the exact value', () => {
    const r = sweep('bare', sub('Write-Output #{v}'), noNul, (out, v) => expect(evalPsArgument(out.slice('Write-Output '.length)), out).to.equal(v));
    expect(r.ok).to.be.greaterThan(400);
  });

  for (const [open, close] of [['"', '"'], ['\u201c', '\u201d']]) {
    it(`inside ${open}...${close}: backtick-escaped, the string holds the value, nothing expands`, () => {
      const t = `Write-Output ${open}a b#{v}c d${close}; x`;
      const r = sweep(open, sub(t), noNul, (out, v) => {
        const s = readDoubleQuoted(out, 'Write-Output '.length);
        expect(s.expansions, out).to.deep.equal([]);
        expect(s.value, out).to.equal(`a b${v}c d`);
        expect(out.slice(s.end), out).to.equal('; x');
        expect(out, 'stays on one line (the cmd.exe renderer joins lines)').to.not.match(/[\r\n]/);
      });
      expect(r.ok).to.be.greaterThan(400);
    });
  }

  for (const [open, close] of [["'", "'"], ['\u2018', '\u2019']]) {
    it(`inside ${open}...${close}: every single quote doubled; a line break is refused`, () => {
      const t = `Write-Output ${open}a b#{v}c d${close}; x`;
      const r = sweep(open, sub(t), (v) => noNul(v) && !/[\r\n]/.test(v), (out, v) => {
        const s = readSingleQuoted(out, 'Write-Output '.length);
        expect(s.value, out).to.equal(`a b${v}c d`);
        expect(out.slice(s.end), out).to.equal('; x');
      });
      expect(r.ok).to.be.greaterThan(300);
    });
  }

  it('inside @"..."@: escaped like "...", the here-string holds the value', () => {
    const t = '$t = @"\nline #{v} end\n"@\nWrite-Output $t';
    sweep('@"', (v) => rendererFor('powershell', 'windows', 'powershell').substitute!(t, { v }), noNul, (out, v) => {
      const s = readHereString(out, '$t = '.length);
      expect(s.expansions, out).to.deep.equal([]);
      expect(s.value, out).to.equal(`line ${v} end`);
      expect(out.slice(s.end)).to.equal('\nWrite-Output $t');
    });
  });

  it("inside @'...'@: as is, refused when a line could end the here-string", () => {
    const t = "$t = @'\n#{v}\n'@\nWrite-Output $t";
    const accept = (v: string) => noNul(v) && !v.includes('\r') && !v.split('\n').some((l) => SQ.test(l[0] ?? ''));
    const r = sweep("@'", (v) => rendererFor('powershell', 'windows', 'powershell').substitute!(t, { v }), accept, (out, v) => {
      const s = readHereString(out, '$t = '.length);
      expect(s.value, out).to.equal(v);
      expect(out.slice(s.end)).to.equal('\nWrite-Output $t');
    });
    expect(r.refused).to.be.greaterThan(0);
  });

  it('the whole path: "#{v}" through the cmd.exe target renderer reaches powershell.exe intact', () => {
    sweep('render', (v) => ps.render(ps.substitute!('Import-Certificate -FilePath "#{v}" -CertStoreLocation Cert:\\CurrentUser\\Root', { v }), {}).commandLine, noNul, (line, v) => {
      const p = parseCmdLine(line, ENV, 'cmdline');
      expect(p.expanded, line).to.deep.equal([]);
      expect(p.operators, line).to.deep.equal([]);
      const argv = splitWindowsArgv(p.text);
      expect(argv).to.have.length(7);
      const script = argv[6]!.slice('& {'.length, -1);
      const s = readDoubleQuoted(script, 'Import-Certificate -FilePath '.length);
      expect(s.expansions).to.deep.equal([]);
      expect(s.value, line).to.equal(v);
    });
  });

  it("the whole path: '#{v}' through the PowerShell 5.1 target renderer reaches powershell.exe intact", () => {
    const r = rendererFor('powershell', 'windows', 'powershell');
    const prefix = 'powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command ';
    sweep('render51', (v) => r.render(r.substitute!("Write-Output 'x#{v}'", { v }), {}).commandLine, (v) => noNul(v) && !/[\r\n]/.test(v), (line, v) => {
      const outer = readSingleQuoted(line, prefix.length);
      const argv = splitWindowsArgv(`powershell.exe ${legacyNativeArg(outer.value)}`);
      const script = argv[1]!.slice('& {'.length, -1);
      expect(readSingleQuoted(script, 'Write-Output '.length).value, line).to.equal(`x${v}`);
    });
  });

  it('refuses a value that would join the code around it, naming the argument', () => {
    const refused = (t: string, v: string, what: RegExp) => expect(() => ps.substitute!(t, { v })).to.throw(what).with.property('code', 'HARNESS_EXEC_UNQUOTABLE');
    refused('Get-Process -Name $#{v}', 'x', /'v'.*right after \$/);
    refused('Write-Output "$#{v}"', '(calc)', /right after \$/);
    expect(ps.substitute!('Write-Output "\\\\$m\\C$#{v}"', { v: '\\Temp' })).to.equal('Write-Output "\\\\$m\\C$\\Temp"');
    refused('Write-Output `#{v}', 'n', /backtick/);
    refused("Write-Output 'a'#{v}", "b c", /closing quote/);
    refused("Write-Output #{v}'a'", "b c", /before a quote/);
    refused('Write-Output ${#{v}}', 'a b', /\$\{/);
    refused('x # note #{v}', 'a\ncalc', /comment/);
    refused('x <# #{v} #>', 'a #> calc <#', /comment/);
    expect(ps.substitute!('x # note #{v}', { v: 'a b' })).to.equal('x # note a b');
    // @ inside a word (user@host) is not splatting: no refusal.
    expect(ps.substitute!('scp.exe #{u}@#{v}:/tmp', { u: 'root', v: 'adversary-host' })).to.equal('scp.exe root@adversary-host:/tmp');
    refused('Invoke-Thing @#{v}', 'params', /right after \$ or @/);
  });

  it('joining lines for a cmd.exe target drops comments first, so a trailing comment cannot swallow the lines after it', () => {
    // Upstream T1518.001 writes `Get-Service WinDefend #check the service state ...` before more commands.
    expect(joinScriptLines('Get-Service WinDefend #check the state\nGet-MpComputerStatus <# a\n block #> -X\n$a = "x # y"; $b = \'#\'\nz')).to.equal(
      'Get-Service WinDefend; Get-MpComputerStatus  -X; $a = "x # y"; $b = \'#\'; z',
    );
  });

  it('the model catches a context-free quote inside "..." (the checks can fail)', () => {
    const naive = `Write-Output "${"'a b'"}"`;
    expect(readDoubleQuoted(naive, 13).value).to.equal("'a b'");
    expect(readDoubleQuoted('"$(calc)"', 0).expansions).to.have.length(1);
  });
});

describe('context-aware substitution for cmd.exe (checked against documented rules, not a real Windows)', () => {
  const cmdline = (t: string) => (v: string) => rendererFor('command_prompt', 'windows', 'cmd').substitute!(t, { v });
  const inside = (v: string) => !/["\r\n\0%]/.test(v);

  it('command line, inside "...": carets literal, the program receives the value, nothing expands, no operator', () => {
    const r = sweep('cmd "', cmdline('certutil -addstore my "#{v}"'), inside, (out, v) => {
      const p = parseCmdLine(out, ENV, 'cmdline');
      expect(p.expanded, out).to.deep.equal([]);
      expect(p.operators, out).to.deep.equal([]);
      expect(splitWindowsArgv(p.text), out).to.deep.equal(['certutil', '-addstore', 'my', v]);
    });
    expect(r.ok).to.be.greaterThan(100);
    expect(r.refused).to.be.greaterThan(100);
  });

  it('command line, "pre#{v}post": trailing backslashes are doubled only where the closing quote follows', () => {
    expect(cmdline('certutil "#{v}" x')('C:\\dir\\')).to.equal('certutil "C:\\dir\\\\" x');
    expect(cmdline('certutil "#{v}\\x" x')('C:\\dir\\')).to.equal('certutil "C:\\dir\\\\x" x');
    sweep('cmd "mid', cmdline('certutil "a b#{v}c d" x'), (v) => !/["\r\n\0%]/.test(v), (out, v) => {
      const p = parseCmdLine(out, ENV, 'cmdline');
      expect([p.expanded, p.operators]).to.deep.equal([[], []]);
      expect(splitWindowsArgv(p.text), out).to.deep.equal(['certutil', `a b${v}c d`, 'x']);
    });
  });

  it('.cmd file (batch mode), inside "...": % doubled, every such value arrives', () => {
    const sub = (v: string) => substituteInContext('certutil "#{v}"', { v }, new CmdLexer('batch'), 'cmd.exe');
    const r = sweep('batch "', sub, (v) => !/["\r\n\0]/.test(v), (out, v) => {
      const p = parseCmdLine(out, ENV, 'batch');
      expect([p.expanded, p.operators], out).to.deep.equal([[], []]);
      expect(splitWindowsArgv(p.text), out).to.deep.equal(['certutil', v]);
    });
    expect(r.ok).to.be.greaterThan(200);
  });

  it('bare placeholders keep the existing caret quoting; both kinds on one line', () => {
    sweep('cmd mix', cmdline('copy #{v} "C:\\dst\\#{v}.bak"'), (v) => !/["\r\n\0%]/.test(v), (out, v) => {
      const p = parseCmdLine(out, ENV, 'cmdline');
      expect([p.expanded, p.operators], out).to.deep.equal([[], []]);
      expect(splitWindowsArgv(p.text), out).to.deep.equal(['copy', v, `C:\\dst\\${v}.bak`]);
    });
  });

  it('refusals name the argument and the fix', () => {
    const f = () => cmdline('certutil -addstore my "#{v}"')('a"b');
    expect(f).to.throw(/input argument 'v' cannot be passed as data inside "\.\.\." through cmd\.exe: a double quote/).with.property('code', 'HARNESS_EXEC_UNQUOTABLE');
    try {
      f();
    } catch (e) {
      expect((e as { fix: string }).fix).to.match(/write the placeholder without quotes/);
    }
    expect(() => cmdline('echo %#{v}%')('PATH')).to.throw(/right after a %/);
    expect(() => cmdline('echo ^#{v}')('&calc')).to.throw(/right after a \^/);
  });
});
