// Rendering an atomic's command for one execution: `#{args}` substituted, each value quoted as data for
// the target shell (harness/exec/shells), elevation applied. Helper files a renderer needs are returned
// so they can be uploaded before, and removed after, the test.
import type { AtomicTest, ExecutorName } from '../model/catalog.js';
import type { Target } from '../model/config.js';
import { substituteArgs } from '../catalog/args.js';
import { rendererFor, type RenderedCommand } from '../exec/shells/index.js';

// Renders `text` (a command, cleanup or prerequisite) of `test` for `target` with `args`.
export function renderFor(test: AtomicTest, target: Target, text: string, args: Record<string, string>, tmpDir: string, executor: ExecutorName = test.executor.name): RenderedCommand {
  const r = rendererFor(executor, target.os, target.shell ?? 'cmd');
  return r.render(substituteArgs(text, args, (v) => r.quote(v)), {
    elevate: !!test.executor.elevation_required,
    sudo: target.sudo,
    tmpDir,
  });
}
