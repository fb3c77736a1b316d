// The embedded AQL engine: parse, compile (QRadar's semantics), run, explain, lint, and the time-window
// rewrite the QRadar client sends. See harness/aql/README.md for the module map.
export type { Query, Expr, SelectItem, TimeClause } from './ast.js';
export { parseAql, compileAql, compileQuery, type CompiledAql } from './query.js';
export type { AqlEnv } from './env.js';
export type { AqlExplanation } from './explain.js';
export { lintAql } from './lint.js';
export { withTimeWindow } from './rewrite.js';
export { evaluateAqlText, readQueryFile, loadAqlProfile, readEventsForAql, parseNow, type ArielBody } from './evaluate.js';
export { registerAqlRuleChecker } from './rule-checker.js';
export { formatDate, parseDatePattern } from './dateformat.js';
export { likeToRegExp, compileLike } from './patterns.js';
