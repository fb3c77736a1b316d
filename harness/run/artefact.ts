// The artefact check: did the behaviour really make what it claims? A certificate the behaviour wrote is
// downloaded and parsed with node-forge (its subject must carry the marker, its thumbprint is recorded);
// a harness certificate a Windows behaviour imported must be in a store. Tests with no artefact say why.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Executor } from '../exec/types.js';
import type { ExecutionRecord } from '../model/report.js';
import type { RenderedCommand } from '../exec/shells/index.js';
import { substituteArgs } from '../catalog/args.js';
import { parseCertificate, type MarkerCertificate } from './certificates.js';
import type { PlannedTest } from './plan.js';
import { windowsResidueCommand } from './residue.js';

const MAX_TEXT = 16 * 1024;

// Keeps at most 16 KiB of command output in records (the executor already bounds what it buffers).
export function bound(s: string): string {
  return s.length <= MAX_TEXT ? s : `${s.slice(0, MAX_TEXT)}\n[... ${s.length - MAX_TEXT} more characters dropped]`;
}

// Uploads the helper files renderers ask for (e.g. a temporary .cmd) before the command runs.
export async function uploadRendered(exec: Executor, rendered: RenderedCommand[]): Promise<void> {
  for (const r of rendered) for (const f of r.files ?? []) await uploadBytes(exec, f.content, f.path);
}

/** `x-harness.artefact` of an atomic test: where the behaviour leaves a certificate (may use #{args}). */
export interface ArtefactDecl {
  certificate?: string;
}

// The artefact of one execution that ran; HarnessErrors from parsing become a failed check, not an exception.
export async function checkArtefact(exec: Executor, p: PlannedTest, args: Record<string, string>, marker: string, cert: MarkerCertificate | undefined, timeoutMs: number): Promise<NonNullable<ExecutionRecord['artefact']>> {
  const decl = (p.test['x-harness'] as { artefact?: ArtefactDecl } | undefined)?.artefact;
  if (decl?.certificate) {
    // A path, not a command: substituted raw (no shell sees it; SFTP takes it as is).
    const remote = substituteArgs(decl.certificate, args, (v) => v);
    const dir = mkdtempSync(join(tmpdir(), 'ath-art-'));
    try {
      const local = join(dir, 'cert');
      await exec.download(remote, local);
      const parsed = parseCertificate(readFileSync(local), remote);
      const carries = parsed.subject.includes(marker);
      return {
        ok: carries,
        detail: carries ? `${remote}: certificate parses, subject carries the marker` : `${remote}: certificate parses but its subject (${parsed.subject}) does not carry the marker ${marker}`,
        thumbprint: parsed.thumbprint,
        subject: parsed.subject,
      };
    } catch (e) {
      return { ok: false, detail: `${remote}: ${(e as Error).message}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (cert && exec.os === 'windows' && /\b(addstore|Import-Certificate|X509Store)\b/i.test(p.test.executor.command ?? '')) {
    // A store import of the harness certificate: the thumbprint, known before execution, must now be in a store.
    const r = await exec.exec(windowsResidueCommand([{ kind: 'thumbprint', thumbprint: cert.thumbprint }], p.target.shell), { timeoutMs, maxOutputBytes: 16 * 1024 });
    const where = r.stdout.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.startsWith('cert '));
    return where.length > 0
      ? { ok: true, detail: `thumbprint ${cert.thumbprint} found: ${where.join('; ')}`, thumbprint: cert.thumbprint, subject: cert.subject }
      : { ok: false, detail: `thumbprint ${cert.thumbprint} is in no certificate store after the import`, thumbprint: cert.thumbprint, subject: cert.subject };
  }
  return { ok: true, detail: `no artefact to check: the test declares none (x-harness.artefact)${cert ? `; it was given the harness certificate ${cert.thumbprint}` : ''}` };
}

// Uploads bytes through a local temp file (the Executor uploads files).
export async function uploadBytes(exec: Executor, bytes: Buffer | string, remotePath: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ath-up-'));
  try {
    const f = join(dir, 'f');
    writeFileSync(f, bytes, { mode: 0o600 });
    await exec.upload(f, remotePath);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

