// Result keys (reference 1.4): the alias; else a plain field as written (case kept, quotes dropped);
// else an unaliased function `lower(fn)_<argument as written>`; anything else the expression text.
// Multi-argument functions join their arguments with '_' ([U]: QRadar's naming there is undocumented).
import type { SelectItem } from './ast.js';
import type { Source } from './source.js';

// The result key of one SELECT item.
export function columnKey(item: SelectItem, src: Source): string {
  if (item.alias !== null) return item.alias;
  const e = item.expr;
  if (e.kind === 'Field') return e.name;
  if (e.kind === 'Call') {
    const args = e.args.map((a) => (a.kind === 'Field' ? src.body.slice(a.start, a.end).replace(/^"|"$/g, '') : src.body.slice(a.start, a.end)));
    return `${e.name.toLowerCase()}_${args.join('_')}`;
  }
  return item.text;
}
