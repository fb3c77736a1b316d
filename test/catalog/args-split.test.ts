// splitPlaceholders: the piece list the context-aware substitution (harness/exec/shells/context.ts) lexes.
import { expect } from 'chai';
import { splitPlaceholders, substituteArgs } from '../../harness/catalog/args.js';

describe('catalog: splitting a command at its known placeholders', function () {
  it('known placeholders become pieces, unknown ones stay literal text as substituteArgs leaves them', function () {
    expect(splitPlaceholders('cp "#{src}" #{nope}/#{dst}', { src: 'a b', dst: '' })).to.deep.equal([
      { text: 'cp "' }, { name: 'src', value: 'a b' }, { text: '" #{nope}/' }, { name: 'dst', value: '' },
    ]);
    expect(splitPlaceholders('#{a}#{a}', { a: 'x' })).to.deep.equal([{ name: 'a', value: 'x' }, { name: 'a', value: 'x' }]);
    expect(splitPlaceholders('', { a: 'x' })).to.deep.equal([]);
  });

  it('inherited object keys are not argument names', function () {
    expect(splitPlaceholders('#{constructor} #{toString}', {})).to.deep.equal([{ text: '#{constructor} #{toString}' }]);
  });

  it('joining the pieces with raw values is exactly substituteArgs with an identity quote', function () {
    const text = 'a #{x} "#{y}" #{z} #{x}';
    const values = { x: '1', y: '$2' };
    const joined = splitPlaceholders(text, values).map((p) => ('text' in p ? p.text : p.value)).join('');
    expect(joined).to.equal(substituteArgs(text, values, (v) => v));
  });
});
