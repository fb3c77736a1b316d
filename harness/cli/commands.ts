// The command registry. Each command lives in its own file and exports `register(program)`.
// To add one: import it here and append it to the list (one line each; keep the list sorted by area).
import type { Command } from 'commander';

import { register as report } from './report.js';
import { register as diff } from './diff.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  report,
  diff,
];
