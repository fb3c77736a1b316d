// Propositional reasoning for the CASE lint: predicates become atoms (same text = same atom) and a small
// DPLL search decides satisfiability. Atoms are independent except for two relations between positive
// LIKE/ILIKE tests of the same operand: substring implication (a value containing 'X\Y' contains 'Y'),
// and, as a stated heuristic, that patterns naming different executables ('%certutil.exe%' vs
// '%powershell.exe%') do not both match one process path. Searches that run over budget decide nothing.
import type * as A from './ast.js';
import { compileLike } from './patterns.js';

export type F =
  | { t: 'atom'; id: number }
  | { t: 'and'; a: F[] }
  | { t: 'or'; a: F[] }
  | { t: 'not'; a: F }
  | { t: 'const'; v: boolean };

interface AtomInfo {
  key: string;
  operand?: string;
  ci?: boolean;
  pattern?: string;
  /** `operand = <literal>`: the literal's value. */
  eq?: string | number;
}

/** Builds formulas from expressions, sharing atoms by normalised predicate text. */
export class AtomTable {
  readonly atoms: AtomInfo[] = [];
  private readonly byKey = new Map<string, number>();

  constructor(private readonly body: string) {}

  private text(n: A.Expr): string {
    return this.body.slice(n.start, n.end).replace(/\s+/g, ' ').trim();
  }

  private atom(key: string, info: Omit<AtomInfo, 'key'> = {}): F {
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.atoms.length;
      this.atoms.push({ key, ...info });
      this.byKey.set(key, id);
    }
    return { t: 'atom', id };
  }

  // The formula of a boolean expression.
  formula(n: A.Expr): F {
    switch (n.kind) {
      case 'Logical':
        return { t: n.op === 'AND' ? 'and' : 'or', a: n.args.map((x) => this.formula(x)) };
      case 'Not':
        return { t: 'not', a: this.formula(n.arg) };
      case 'Like': {
        const operand = this.text(n.left);
        const lit = n.pattern.kind === 'Literal' && typeof n.pattern.value === 'string' ? n.pattern.value : undefined;
        const f = this.atom(`${operand} ${n.op} ${this.text(n.pattern)}`, n.op === 'LIKE' || n.op === 'ILIKE' ? { operand, ci: n.op === 'ILIKE', pattern: lit } : {});
        return n.not ? { t: 'not', a: f } : f;
      }
      case 'Compare':
        if (n.op === '=' && n.right.kind === 'Literal' && n.right.value !== null) {
          const operand = this.text(n.left);
          return this.atom(`${operand} = ${this.text(n.right)}`, { operand, eq: n.right.value });
        }
        return this.atom(this.text(n));
      case 'In': {
        const f = this.atom(`${this.text(n.left)} IN (${n.list.map((x) => this.text(x)).join(', ')})`);
        return n.not ? { t: 'not', a: f } : f;
      }
      case 'IsNull': {
        const f = this.atom(`${this.text(n.arg)} IS NULL`);
        return n.not ? { t: 'not', a: f } : f;
      }
      case 'Between': {
        const f = this.atom(`${this.text(n.arg)} BETWEEN ${this.text(n.low)} AND ${this.text(n.high)}`);
        return n.not ? { t: 'not', a: f } : f;
      }
      case 'Literal':
        if (n.value === null) return { t: 'const', v: false };
        return this.atom(this.text(n));
      default:
        return this.atom(this.text(n));
    }
  }

  // Relations between the atoms in use, as formulas that must hold.
  constraints(): F[] {
    const out: F[] = [];
    const likes = this.atoms.map((a, id) => ({ a, id })).filter((x) => x.a.pattern !== undefined);
    const eqs = this.atoms.map((a, id) => ({ a, id })).filter((x) => x.a.eq !== undefined);
    const atom = (id: number): F => ({ t: 'atom', id });
    // operand = 'v' decides every other test of the same operand: another constant, or a LIKE pattern.
    for (const x of eqs) {
      for (const y of [...eqs, ...likes]) {
        if (x.id === y.id || x.a.operand !== y.a.operand) continue;
        let yHolds: boolean;
        if (y.a.eq !== undefined) {
          if (x.id > y.id) continue;
          yHolds = String(x.a.eq) === String(y.a.eq);
        } else yHolds = likeHolds(y.a, String(x.a.eq));
        out.push(yHolds ? { t: 'or', a: [{ t: 'not', a: atom(x.id) }, atom(y.id)] } : { t: 'not', a: { t: 'and', a: [atom(x.id), atom(y.id)] } });
      }
    }
    for (const x of likes) {
      for (const y of likes) {
        if (x.id === y.id || x.a.operand !== y.a.operand) continue;
        if (implies(x.a, y.a)) out.push({ t: 'or', a: [{ t: 'not', a: { t: 'atom', id: x.id } }, { t: 'atom', id: y.id }] });
        else if (x.id < y.id && !implies(y.a, x.a)) {
          const ex = exeName(x.a.pattern!), ey = exeName(y.a.pattern!);
          if (ex && ey && ex !== ey) out.push({ t: 'not', a: { t: 'and', a: [{ t: 'atom', id: x.id }, { t: 'atom', id: y.id }] } });
        }
      }
    }
    return out;
  }
}

// A matches-X implies matches-Y for simple %..% / ..% / %.. patterns whose fixed text contains Y's.
function implies(x: AtomInfo, y: AtomInfo): boolean {
  if (!y.ci && x.ci) return false;
  const fold = (s: string) => (y.ci ? s.toLowerCase() : s);
  const px = x.pattern!, py = y.pattern!;
  const fy = py.replace(/^%/, '').replace(/%$/, '');
  if (/[%_]/.test(fy) || /[_]/.test(px)) return false;
  const pieces = px.split('%');
  const fixed = pieces.map(fold);
  const target = fold(fy);
  if (py.startsWith('%') && py.endsWith('%')) return fixed.some((p) => p.includes(target));
  if (py.endsWith('%') && !py.startsWith('%')) return !px.startsWith('%') && fixed[0].startsWith(target);
  if (py.startsWith('%') && !py.endsWith('%')) return !px.endsWith('%') && fixed[fixed.length - 1].endsWith(target);
  return false;
}

function likeHolds(y: AtomInfo, value: string): boolean {
  return compileLike(y.pattern!, !!y.ci)(value);
}

function exeName(pattern: string): string | null {
  const m = /([A-Za-z0-9_.-]+\.exe)$/i.exec(pattern.replace(/%+$/, ''));
  return m ? m[1].toLowerCase().replace(/^.*[\\/]/, '') : null;
}

function atomsOf(f: F, out: Set<number>): Set<number> {
  if (f.t === 'atom') out.add(f.id);
  else if (f.t === 'and' || f.t === 'or') for (const x of f.a) atomsOf(x, out);
  else if (f.t === 'not') atomsOf(f.a, out);
  return out;
}

function evalPartial(f: F, asg: Map<number, boolean>): boolean | undefined {
  switch (f.t) {
    case 'const': return f.v;
    case 'atom': return asg.get(f.id);
    case 'not': { const v = evalPartial(f.a, asg); return v === undefined ? undefined : !v; }
    case 'and': { let u = false; for (const x of f.a) { const v = evalPartial(x, asg); if (v === false) return false; if (v === undefined) u = true; } return u ? undefined : true; }
    case 'or': { let u = false; for (const x of f.a) { const v = evalPartial(x, asg); if (v === true) return true; if (v === undefined) u = true; } return u ? undefined : false; }
  }
}

// Satisfiable under the constraints? undefined when the search ran over budget.
export function satisfiable(f: F, constraints: F[], budget = 200_000): boolean | undefined {
  const used = atomsOf(f, new Set());
  const cons = constraints.filter((c) => [...atomsOf(c, new Set())].every((id) => used.has(id)));
  const whole: F = { t: 'and', a: [f, ...cons] };
  const order = [...used];
  const asg = new Map<number, boolean>();
  let steps = 0;
  const search = (i: number): boolean | undefined => {
    if (++steps > budget) return undefined;
    const v = evalPartial(whole, asg);
    if (v !== undefined) return v;
    const id = order[i];
    for (const b of [true, false]) {
      asg.set(id, b);
      const r = search(i + 1);
      if (r !== false) {
        asg.delete(id);
        return r;
      }
    }
    asg.delete(id);
    return false;
  };
  return search(0);
}
