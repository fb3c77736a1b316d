// Makes the built CLI executable (tsc does not keep file modes) so `npx harness` works after `npm ci`.
import { chmodSync, existsSync } from 'node:fs';
const bin = new URL('../dist/harness/cli/main.js', import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);
