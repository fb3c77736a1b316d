// Rendering an atomic's command for one execution: `#{args}` substituted, each value encoded as data for
// the target shell and for the quoting context the placeholder sits in (bare, '...', "..."; see
// harness/exec/shells/context.ts), elevation applied. Helper files a renderer needs are returned
// so they can be uploaded before, and removed after, the test.
import type { AtomicTest, ExecutorName } from '../model/catalog.js';
import type { Target } from '../model/config.js';
import { BUILTIN_ARGS, substituteArgs } from '../catalog/args.js';
import { rendererFor, type RenderedCommand } from '../exec/shells/index.js';

// Renders `text` (a command, cleanup or prerequisite) of `test` for `target` with `args`.
export function renderFor(test: AtomicTest, target: Target, text: string, args: Record<string, string>, tmpDir: string, executor: ExecutorName = test.executor.name): RenderedCommand {
  const r = rendererFor(executor, target.os, target.shell ?? 'cmd');
  const { raw, data } = splitDefaults(test, args);
  // The atomic's own defaults are part of the atomic, as its author wrote it: substituted as text, the
  // way Invoke-AtomicTest does (so `%TEMP%\x.cer` or `$env:TEMP` in a default still expands). Values the
  // operator or the harness supplies are data, encoded for their quoting context.
  const withDefaults = substituteArgs(text, raw, (v) => v);
  const substituted = r.substitute ? r.substitute(withDefaults, data) : substituteArgs(withDefaults, data, (v) => r.quote(v));
  return r.render(substituted, {
    elevate: !!test.executor.elevation_required,
    sudo: target.sudo,
    tmpDir,
  });
}

// Splits the execution's arguments into the atomic's untouched defaults (author's text) and supplied values (data).
export function splitDefaults(test: Pick<AtomicTest, 'input_arguments'>, args: Record<string, string>): { raw: Record<string, string>; data: Record<string, string> } {
  const raw: Record<string, string> = {};
  const data: Record<string, string> = {};
  for (const [name, value] of Object.entries(args)) {
    const declared = test.input_arguments?.[name];
    const isDefault = !!declared && !(name in BUILTIN_ARGS) && declared.default !== null && declared.default !== undefined && String(declared.default) === value;
    (isDefault ? raw : data)[name] = value;
  }
  return { raw, data };
}
