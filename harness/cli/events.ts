// `harness events convert FILE... [--profile P] [--format F] [--out F|-]`: log files -> normalised JSONL.
import type { Command } from 'commander';
import { action, EXIT_OK } from './common.js';
import { convertEvents } from '../telemetry/convert.js';
import { EVENT_FORMATS, formatOf, type EventFormat } from '../telemetry/index.js';
import { loadProfile } from '../telemetry/profile.js';
import { formatLocation } from '../errors.js';

/** Registers `events convert`. */
export function register(program: Command): void {
  const events = program.command('events').description('Work with event files (EVTX, Windows XML/JSON, auditd, Sysmon for Linux)');
  events
    .command('convert')
    .description('Parse event files and write normalised events as JSON lines (format detected by content)')
    .argument('<files...>', 'event files')
    .option('--profile <name|path>', 'property profile (a name from profiles/ or a YAML path)', 'stock')
    .option('--format <format>', `force the input format: ${EVENT_FORMATS.join(', ')}`)
    .option('--out <file|->', 'output file (written atomically), or - for stdout', '-')
    .option('--hostname <name>', 'hostname for events that carry none (auditd without node=)')
    .option('--sourceip <ip>', 'source IP of the log source')
    .action(action(async (files: string[], o: { profile: string; format?: string; out: string; hostname?: string; sourceip?: string }) => {
      const profile = loadProfile(o.profile);
      for (const f of files) formatOf(f, o.format as EventFormat | undefined); // fail early, before any output
      const host = { ...(o.hostname ? { hostname: o.hostname } : {}), ...(o.sourceip ? { sourceip: o.sourceip } : {}) };
      const r = await convertEvents(files, { profile, format: o.format as EventFormat | undefined, host }, o.out);
      for (const w of r.warnings.slice(0, 50)) process.stderr.write(`warning: ${w.line !== undefined ? formatLocation({ file: w.file, line: w.line }) : `${w.file}@${w.offset ?? '?'}`}: ${w.reason}\n`);
      if (r.warnings.length > 50) process.stderr.write(`warning: ... ${r.warnings.length - 50} more\n`);
      process.stderr.write(`${r.events} events, ${r.warnings.length} warnings${o.out !== '-' ? ` -> ${o.out}` : ''}\n`);
      return EXIT_OK;
    }));
}
