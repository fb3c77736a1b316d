#!/usr/bin/env node
// The `harness` command: a thin shell over the library. Parses argv, hands off to one command file.
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands } from './commands.js';
import { packageRoot } from '../util/paths.js';
import { EXIT_USAGE } from './common.js';

export const harnessVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command('harness')
    .description('Runs atomic tests on real hosts and verifies the telemetry and detections they should produce.')
    .version(harnessVersion, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

async function main(): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; anything else commander rejects is a usage error.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    throw e;
  }
}

await main();
