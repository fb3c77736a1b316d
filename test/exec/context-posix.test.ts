// Context-aware substitution for sh/bash, through REAL shells (sh via the renderer, bash, and dash when
// present): a placeholder written bare, inside "..." or inside '...' (and $'...', a comment, a quoted
// heredoc, a $(...) inside "...") receives each hostile value byte-identical as ONE argument, and
// nothing in the value runs (a canary file is never created). Values that cannot be carried are
// refused with HARNESS_EXEC_UNQUOTABLE naming the argument, and the test says exactly which ones.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { rendererFor } from '../../harness/exec/shells/index.js';
import { substituteInContext } from '../../harness/exec/shells/context.js';
import { PosixLexer } from '../../harness/exec/shells/posix-context.js';
import { substituteArgs } from '../../harness/catalog/args.js';
import { generated, handPicked } from './hostile.js';
import { requireOrSkip, hasCommand } from '../helpers/env.js';

const canary = `/tmp/ath-ctx-canary-${randomBytes(4).toString('hex')}`;
const VALUES = [...handPicked(canary), ...generated(200, 0xc0ffee)];

// Each context: the template, what stdout must be for value v, and which values it must refuse.
interface Ctx { name: string; template: string; expect: (v: string) => string; refuses: (v: string, shell: 'sh' | 'bash') => boolean }
const NUL = (v: string) => v.includes('\0');
const CONTEXTS: Ctx[] = [
  { name: 'bare', template: `printf '%s\\0' #{v}`, expect: (v) => `${v}\0`, refuses: NUL },
  { name: '"..."', template: `printf '%s\\0' "#{v}"`, expect: (v) => `${v}\0`, refuses: NUL },
  { name: '"pre...post"', template: `printf '%s\\0' "a b#{v}c d"`, expect: (v) => `a b${v}c d\0`, refuses: NUL },
  { name: "'...'", template: `printf '%s\\0' '#{v}'`, expect: (v) => `${v}\0`, refuses: NUL },
  { name: "'pre...post'", template: `printf '%s\\0' 'a b#{v}c d'`, expect: (v) => `a b${v}c d\0`, refuses: NUL },
  { name: "$'...'", template: `printf '%s\\0' $'#{v}'`, expect: (v) => `${v}\0`, refuses: (v, sh) => NUL(v) || (sh === 'sh' && /[\\']/.test(v)) },
  { name: '"$(...)"', template: `printf '%s\\0' "$(printf '%s' #{v}; printf x)"`, expect: (v) => `${v}x\0`, refuses: NUL },
  { name: '# comment', template: `printf ok # see #{v}`, expect: () => 'ok', refuses: (v) => NUL(v) || v.includes('\n') },
  { name: "<<'EOF' heredoc", template: `cat <<'EOF'\n#{v}\nEOF\nprintf ok`, expect: (v) => `${v}\nok`, refuses: (v) => NUL(v) || v.includes('\n') || v.includes('EOF') },
];

type Run = (script: string) => { stdout: string; status: number | null };
const viaRenderer = (shell: 'sh' | 'bash'): Run => (script) => {
  // The full path: the renderer's `sh -c '<script>'` command line, run by /bin/sh as an executor would.
  const line = rendererFor(shell, 'linux').render(script, {}).commandLine;
  const r = spawnSync('/bin/sh', ['-c', line], { encoding: 'latin1' });
  return { stdout: r.stdout, status: r.status };
};
const direct = (exe: string): Run => (script) => {
  const r = spawnSync(exe, ['-c', script], { encoding: 'latin1' });
  return { stdout: r.stdout, status: r.status };
};
const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

function check(shell: 'sh' | 'bash', run: Run, subst: (t: string, v: Record<string, string>) => string): { ok: number; refused: number } {
  let ok = 0;
  let refused = 0;
  for (const ctx of CONTEXTS) {
    for (const v of VALUES) {
      const label = `${shell} ${ctx.name} ${JSON.stringify(v).slice(0, 120)}`;
      let script: string;
      try {
        script = subst(ctx.template, { v });
      } catch (e) {
        expect((e as { code?: string }).code, label).to.equal('HARNESS_EXEC_UNQUOTABLE');
        expect((e as Error).message, label).to.include(`'v'`);
        expect(ctx.refuses(v, shell), `${label} refused: ${(e as Error).message}`).to.equal(true);
        refused++;
        continue;
      }
      expect(ctx.refuses(v, shell), `${label} should have been refused`).to.equal(false);
      const r = run(script);
      expect(r.status, `${label}\n${script}`).to.equal(0);
      // sh may be dash, which has no $'...' (it reads `$` then a plain '...'): the value is intact either way.
      const alt = ctx.name === "$'...'" && shell === 'sh' ? [latin1(`$${ctx.expect(v)}`)] : [];
      expect(r.stdout, `${label}\n${script}`).to.be.oneOf([latin1(ctx.expect(v)), ...alt]);
      expect(existsSync(canary), `canary created by ${label}`).to.equal(false);
      ok++;
    }
  }
  return { ok, refused };
}

describe('context-aware substitution through real POSIX shells', function () {
  this.timeout(600_000);
  after(() => rmSync(canary, { force: true }));

  for (const shell of ['sh', 'bash'] as const) {
    it(`${shell} (via the renderer): ${VALUES.length} hostile values x ${CONTEXTS.length} contexts arrive byte-identical as one argument and run nothing`, () => {
      const r = rendererFor(shell, 'linux');
      const { ok, refused } = check(shell, viaRenderer(shell), (t, v) => r.substitute!(t, v));
      expect(ok).to.be.greaterThan(VALUES.length * (CONTEXTS.length - 1));
      // eslint-disable-next-line no-console
      console.log(`      ${shell}: ${ok} executions checked, ${refused} refusals (all expected)`);
    });
  }

  it('dash (the sh lexer): the same values and contexts', function () {
    requireOrSkip(this, hasCommand('dash'), 'dash not installed (Debian package dash)');
    const { ok } = check('sh', direct('dash'), (t, v) => substituteInContext(t, v, new PosixLexer('sh'), 'sh'));
    expect(ok).to.be.greaterThan(VALUES.length * (CONTEXTS.length - 1));
  });

  it('the checks can fail: context-free quoting inside "..." keeps literal quotes, raw text runs the canary', () => {
    const quoted = substituteArgs(`printf '%s' "#{v}"`, { v: 'a b' }, (v) => `'${v}'`);
    expect(execFileSync('sh', ['-c', quoted], { encoding: 'utf8' })).to.equal("'a b'");
    execFileSync('sh', ['-c', substituteArgs(`printf '%s' "#{v}"`, { v: `$(touch ${canary})` }, (v) => v)]);
    expect(existsSync(canary)).to.equal(true);
    rmSync(canary, { force: true });
  });

  it('encodes per context exactly as specified', () => {
    const s = (t: string, v: string) => rendererFor('bash', 'linux').substitute!(t, { v });
    expect(s('echo #{v}', "it's")).to.equal(`echo 'it'\\''s'`);
    expect(s('echo "#{v}"', 'a"$b`c\\d')).to.equal('echo "a\\"\\$b\\`c\\\\d"');
    expect(s("echo '#{v}'", "it's")).to.equal(`echo 'it'\\''s'`);
    expect(s("echo $'#{v}'", "a'\\b")).to.equal("echo $'a\\'\\\\b'");
    expect(s('echo #{v}', 'plain/path.txt')).to.equal('echo plain/path.txt');
    // At a command position a keyword or an assignment would be code: quoted.
    expect(s('#{v} x', 'PATH=/tmp')).to.equal(`'PATH=/tmp' x`);
    expect(s('#{v}; x', 'if')).to.equal(`'if'; x`);
    expect(s('echo {#{v}}', 'a,b')).to.equal(`echo {'a,b'}`);
    expect(execFileSync('bash', ['-c', s('printf %s {#{v}}', 'a,b')], { encoding: 'utf8' })).to.equal('{a,b}');
  });

  it('refuses what cannot be data where it stands, naming the argument', () => {
    const s = (t: string, v: string) => () => rendererFor('bash', 'linux').substitute!(t, { v });
    const refused = (f: () => string, what: RegExp) => expect(f).to.throw(what).with.property('code', 'HARNESS_EXEC_UNQUOTABLE');
    refused(s('echo $#{v}', 'HOME'), /'v'.*right after a \$/);
    refused(s('echo "$#{v}"', '(id)'), /right after a \$/);
    expect(s('echo "$#{v}"', '/x')()).to.equal('echo "$/x"');
    refused(s('echo \\#{v}', ';id'), /right after a backslash/);
    expect(execFileSync('sh', ['-c', s('printf %s \\#{v}', 'ab c')()], { encoding: 'utf8' })).to.equal('ab c');
    refused(s('echo `echo #{v}`', 'a b'), /only plain values/);
    expect(s('echo `echo #{v}`', 'ab')()).to.equal('echo `echo ab`');
    refused(s('echo ${X:-#{v}}', 'a b'), /only plain values/);
    refused(s('echo $((#{v}))', '1;id'), /only plain values/);
    refused(s('cat <<EOF\n#{v}\nEOF', 'a b'), /unquoted heredoc/);
    refused(s('cat <<#{v}\nx\nEOF', 'EOF'), /heredoc delimiter/);
    refused(s('echo "$(case x in x) echo #{v};; esac)"', 'a b'), /only plain values/);
  });

  it('an unknown placeholder stays as written and is lexed as the shell will see it (a comment here)', () => {
    const sub = (v: string) => rendererFor('sh', 'linux').substitute!('printf ok #{nope} #{v}', { v });
    expect(() => sub(`a\ntouch ${canary}`)).to.throw(/inside a # comment/).with.property('code', 'HARNESS_EXEC_UNQUOTABLE');
    expect(sub('a b')).to.equal('printf ok #{nope} a b');
  });
});
