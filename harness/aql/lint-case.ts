// The CASE findings: a WHEN (or ELSE) branch that no row passing WHERE can reach, and an alternative of a
// WHERE OR whose own rows (those no other alternative admits) can only reach ELSE. Decided with the
// propositional model of logic.ts; an undecided (over-budget) question yields no finding.
import type * as A from './ast.js';
import type { Diagnostic } from '../errors.js';
import { AtomTable, satisfiable, type F } from './logic.js';
import { locate, type Source } from './source.js';

// CASE reachability findings for every CASE in the SELECT list.
export function lintCaseReachability(q: A.Query, src: Source): Diagnostic[] {
  const out: Diagnostic[] = [];
  const cases: { item: A.SelectItem; node: A.Case }[] = [];
  for (const item of q.select ?? []) collectCases(item.expr, (c) => cases.push({ item, node: c }));
  if (cases.length === 0) return out;
  const atoms = new AtomTable(src.body);
  const where: F = q.where ? atoms.formula(q.where) : { t: 'const', v: true };
  const at = (pos: number) => ({ file: src.file, ...locate(src, pos) });
  const show = (n: A.Expr) => src.body.slice(n.start, n.end).replace(/\s+/g, ' ');
  const conjuncts = q.where && q.where.kind === 'Logical' && q.where.op === 'AND' ? q.where.args : q.where ? [q.where] : [];
  const ors = conjuncts.filter((c): c is A.Logical => c.kind === 'Logical' && c.op === 'OR');
  for (const { item, node } of cases) {
    const name = item.alias ?? item.text.replace(/\s+/g, ' ').slice(0, 40);
    const conds = node.whens.map((w) => (node.operand ? atoms.formula({ kind: 'Compare', op: '=', left: node.operand, right: w.when, start: w.when.start, end: w.when.end }) : atoms.formula(w.when)));
    const cons = atoms.constraints();
    const earlierFalse = (i: number): F[] => conds.slice(0, i).map((c) => ({ t: 'not', a: c }));
    node.whens.forEach((w, i) => {
      if (satisfiable({ t: 'and', a: [where, ...earlierFalse(i), conds[i]] }, cons) === false) {
        out.push({ severity: 'warning', code: 'HARNESS_AQL_LINT_CASE_UNREACHABLE', message: `CASE branch "WHEN ... THEN ${show(w.then)}" of ${name} cannot be reached by any row that passes WHERE.`, location: at(w.when.start), fix: 'widen WHERE to admit these rows, or drop the branch' });
      }
    });
    if (node.else && satisfiable({ t: 'and', a: [where, ...earlierFalse(conds.length)] }, cons) === false) {
      out.push({ severity: 'warning', code: 'HARNESS_AQL_LINT_CASE_UNREACHABLE', message: `ELSE ${show(node.else)} of ${name} cannot be reached by any row that passes WHERE.`, location: at(node.else.start) });
    }
    const anyWhen: F = { t: 'or', a: conds };
    const elseText = node.else ? `ELSE ${show(node.else)}` : 'NULL (no ELSE)';
    for (const or of ors) {
      const others = (k: number) => or.args.filter((_, j) => j !== k).map((x): F => ({ t: 'not', a: atoms.formula(x) }));
      or.args.forEach((alt, k) => {
        const only: F = { t: 'and', a: [substitute(q.where!, or, alt, atoms, where), atoms.formula(alt), ...others(k)] };
        if (satisfiable(only, cons) !== true) return;
        if (satisfiable({ t: 'and', a: [only, anyWhen] }, cons) === false) {
          out.push({ severity: 'warning', code: 'HARNESS_AQL_LINT_ONLY_ELSE', message: `Rows that pass WHERE only through "${show(alt)}" always get ${elseText} in ${name}: no WHEN branch covers them.`, location: at(alt.start), fix: 'add a WHEN branch for them, or drop the alternative' });
        }
      });
    }
  }
  return out;
}

// WHERE with one OR conjunct removed (its replacement is conjoined by the caller).
function substitute(where: A.Expr, or: A.Logical, _alt: A.Expr, atoms: AtomTable, whole: F): F {
  if (where === or) return { t: 'const', v: true };
  if (where.kind === 'Logical' && where.op === 'AND') return { t: 'and', a: where.args.filter((x) => x !== or).map((x) => atoms.formula(x)) };
  return whole;
}

function collectCases(n: A.Expr, fn: (c: A.Case) => void): void {
  if (n.kind === 'Case') fn(n);
  const kids: A.Expr[] = [];
  switch (n.kind) {
    case 'Call': kids.push(...n.args); break;
    case 'Case': if (n.operand) kids.push(n.operand); n.whens.forEach((w) => kids.push(w.when, w.then)); if (n.else) kids.push(n.else); break;
    case 'If': kids.push(n.cond, n.then, n.else); break;
    case 'Arith': kids.push(n.left, n.right); break;
    default: break;
  }
  kids.forEach((k) => collectCases(k, fn));
}
