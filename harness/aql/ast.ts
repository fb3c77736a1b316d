// The AQL syntax tree: readonly discriminated unions; every node carries its source offsets [start, end).

export interface Loc {
  start: number;
  end: number;
}

export type Expr =
  | Literal
  | FieldRef
  | Star
  | Call
  | Negate
  | Arith
  | Interval
  | Compare
  | Like
  | InList
  | IsNull
  | Between
  | Not
  | Logical
  | Case
  | IfExpr;

export interface Literal extends Loc { kind: 'Literal'; value: string | number | null }
/** A field or property: `starttime`, `"Process Path"`. `quoted` says which quoting was used. */
export interface FieldRef extends Loc { kind: 'Field'; name: string; quoted: boolean }
export interface Star extends Loc { kind: 'Star' }
export interface Call extends Loc { kind: 'Call'; name: string; nameLoc: Loc; args: Expr[] }
export interface Negate extends Loc { kind: 'Negate'; arg: Expr }
export interface Arith extends Loc { kind: 'Arith'; op: '+' | '-' | '*' | '/' | '%'; left: Expr; right: Expr }
/** `1 DAYS`: an interval literal in milliseconds (undocumented in AQL; linted). */
export interface Interval extends Loc { kind: 'Interval'; amount: number; unit: TimeUnit; ms: number }
export interface Compare extends Loc { kind: 'Compare'; op: '=' | '!=' | '<>' | '<' | '<=' | '>' | '>='; left: Expr; right: Expr }
export interface Like extends Loc { kind: 'Like'; op: 'LIKE' | 'ILIKE' | 'MATCHES' | 'IMATCHES'; not: boolean; left: Expr; pattern: Expr }
export interface InList extends Loc { kind: 'In'; not: boolean; left: Expr; list: Expr[] }
export interface IsNull extends Loc { kind: 'IsNull'; not: boolean; arg: Expr }
export interface Between extends Loc { kind: 'Between'; not: boolean; arg: Expr; low: Expr; high: Expr }
export interface Not extends Loc { kind: 'Not'; arg: Expr }
export interface Logical extends Loc { kind: 'Logical'; op: 'AND' | 'OR'; args: Expr[] }
/** Simple CASE (operand set) or searched CASE (operand null). */
export interface Case extends Loc { kind: 'Case'; operand: Expr | null; whens: { when: Expr; then: Expr }[]; else: Expr | null }
export interface IfExpr extends Loc { kind: 'If'; cond: Expr; then: Expr; else: Expr }

export type TimeUnit = 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';

export interface SelectItem extends Loc {
  expr: Expr;
  alias: string | null;
  /** The expression's text exactly as written (used for result keys). */
  text: string;
}

export interface OrderItem extends Loc { expr: Expr; desc: boolean }

/** A time value in START/STOP: a date string, epoch ms, or PARSEDATETIME('...'). */
export type TimeValue = Loc & ({ kind: 'string'; value: string } | { kind: 'epoch'; value: number } | { kind: 'relative'; value: string });

export type TimeClause =
  | (Loc & { kind: 'last'; amount: number; unit: TimeUnit })
  | (Loc & { kind: 'range'; from: TimeValue; stop: TimeValue | null });

export interface Query extends Loc {
  kind: 'Query';
  /** null means `SELECT *`. */
  select: SelectItem[] | null;
  from: 'events' | 'flows';
  where: Expr | null;
  groupBy: Expr[];
  having: Expr | null;
  orderBy: OrderItem[];
  limit: (Loc & { value: number }) | null;
  time: TimeClause | null;
  /** True when LIMIT was written after the time clause (QRadar wants it before). */
  limitAfterTime: boolean;
  /** The full query text. */
  text: string;
}
