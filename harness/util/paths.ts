// Where things are: the package root (for the embedded content) and the shared datasets beside the repo.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the directory holding package.json, from source (harness/util) or build (dist/harness/util). */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
})();

/** ../shared/datasets beside the checkout (CI has it there too); HARNESS_DATASETS overrides. */
export function datasetsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HARNESS_DATASETS ?? resolve(packageRoot, '..', 'shared', 'datasets');
}

export const atomicsDir = join(packageRoot, 'atomics');
export const expectationsDir = join(packageRoot, 'expectations');
export const profilesDir = join(packageRoot, 'profiles');
