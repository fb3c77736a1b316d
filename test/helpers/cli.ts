// Runs the `harness` CLI from source (through tsx) as a child process, the way a user would run it.
import { execa } from 'execa';
import { join } from 'node:path';
import { packageRoot } from '../../harness/util/paths.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const r = await execa(process.execPath, ['--import', 'tsx', join(packageRoot, 'harness/cli/main.ts'), ...args], {
    cwd: opts.cwd ?? packageRoot,
    env: { ...opts.env, FORCE_COLOR: '0' },
    input: opts.input,
    reject: false,
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
