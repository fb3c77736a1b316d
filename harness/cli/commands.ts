// The command registry. Each command lives in its own file and exports `register(program)`.
// To add one: import it here and append it to the list (one line each; keep the list sorted by area).
import type { Command } from 'commander';
import { register as list } from './list.js';
import { register as check } from './check.js';
import { register as aql } from './aql.js';

import { register as report } from './report.js';
import { register as diff } from './diff.js';
import { register as qradar } from './qradar.js';
import { register as lab } from './lab.js';
import { register as targets } from './targets.js';
import { register as events } from './events.js';
import { register as cleanup } from './cleanup.js';
import { register as run } from './run.js';
import { register as tune } from './tune.js';
import { register as replay } from './replay.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  lab,
  targets,
  list,
  check,
  aql,
  report,
  diff,
  qradar,
  events,
  cleanup,
  run,
  tune,
  replay,
];
