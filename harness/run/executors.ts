// The default way to reach a target when the caller gives no executor factory: harness/exec's factory
// with the run's connect timeout; and where a target's logs are read when not through its own login.
import type { Executor } from '../exec/types.js';
import type { ResolvedConfig, Target } from '../model/config.js';
import { createExecutor, LocalExecutor } from '../exec/index.js';

// An executor factory using the configured connect timeout.
export function executorFactoryFor(config?: Pick<ResolvedConfig, 'timeouts'>): (t: Target) => Executor {
  return (t) => createExecutor(t, config ? { connectTimeoutMs: config.timeouts.connectMs } : {});
}

// createExecutor with its defaults.
export const defaultExecutorFactory = (t: Target): Executor => createExecutor(t);

// One executor on this machine for every target whose logs are read here (`logs: local`, the lab's
// namespaces): one shared reader, so a log they all write is read once per poll cycle (LocalBackend keys
// its tails by executor). executorFor is undefined when no target needs it.
export function logExecutorsFor(targets: Target[]): { executorFor?: (t: Target) => Executor | undefined; close(): Promise<void> } {
  if (!targets.some((t) => t.logs === 'local')) return { close: async () => undefined };
  const reader = new LocalExecutor({ name: 'harness-machine-logs', os: 'linux' });
  return {
    executorFor: (t) => (t.logs === 'local' ? reader : undefined),
    close: () => reader.close().catch(() => undefined),
  };
}
