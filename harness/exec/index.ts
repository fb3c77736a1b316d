// The executor factory: `transport: local` runs on this machine (execa), everything else over SSH.
import type { Target } from '../model/config.js';
import type { Executor } from './types.js';
import { LocalExecutor } from './local.js';
import { SshExecutor } from './ssh.js';
import type { SshOptions } from './ssh-config.js';

export type { Executor, ExecOptions, ExecResult, PortForward } from './types.js';
export { LocalExecutor } from './local.js';
export { SshExecutor } from './ssh.js';
export { fingerprintOf } from './hostkey.js';
export { rendererFor, type ShellRenderer, type RenderedCommand, type RenderOptions } from './shells/index.js';

// Creates the executor for a target (not yet connected: call connect()).
export function createExecutor(target: Target, opts: SshOptions = {}): Executor {
  if (target.transport === 'local') return new LocalExecutor(target);
  return new SshExecutor(target, opts);
}
