// The default way to reach a target when the caller gives no executor factory: harness/exec's factory
// with the run's connect timeout.
import type { Executor } from '../exec/types.js';
import type { ResolvedConfig, Target } from '../model/config.js';
import { createExecutor } from '../exec/index.js';

// An executor factory using the configured connect timeout.
export function executorFactoryFor(config?: Pick<ResolvedConfig, 'timeouts'>): (t: Target) => Executor {
  return (t) => createExecutor(t, config ? { connectTimeoutMs: config.timeouts.connectMs } : {});
}

// createExecutor with its defaults.
export const defaultExecutorFactory = (t: Target): Executor => createExecutor(t);
