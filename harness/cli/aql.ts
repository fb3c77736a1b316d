// `harness aql run|lint|explain`: evaluate AQL locally over event files, lint rules, explain misses.
import type { Command } from 'commander';
import { formatDiagnostic, type Diagnostic } from '../errors.js';
import { compileAql, lintAql, loadAqlProfile, parseNow, readEventsForAql, readQueryFile, registerAqlRuleChecker, type AqlEnv } from '../aql/index.js';
import { action, EXIT_FINDINGS, EXIT_OK, printJson } from './common.js';

interface EnvFlags {
  now?: string;
  profile?: string;
  tz?: string;
  timeField?: 'starttime' | 'devicetime';
  matches?: 'full' | 'find';
}

function envOf(o: EnvFlags): AqlEnv {
  return { profile: loadAqlProfile(o.profile), now: parseNow(o.now), timeZone: o.tz, timeField: o.timeField, matches: o.matches };
}

function envOptions(cmd: Command): Command {
  return cmd
    .option('--now <time>', 'the clock for NOW(), LAST n and PARSEDATETIME (ISO 8601 or epoch ms); default: now')
    .option('--profile <name>', 'property profile name or YAML path', 'stock')
    .option('--tz <zone>', 'IANA time zone for DATEFORMAT and START/STOP strings', 'UTC')
    .option('--time-field <field>', 'event time the time clause filters on: starttime | devicetime', 'starttime')
    .option('--matches <mode>', 'MATCHES semantics: full (QRadar) | find', 'full');
}

// Registers `harness aql` and hooks the linter into `harness check`.
export function register(program: Command): void {
  registerAqlRuleChecker();
  const aql = program.command('aql').description('the embedded AQL engine: run, lint and explain QRadar AQL over recorded events');

  envOptions(aql.command('run').description('evaluate a query over event files (JSONL, EVTX, event XML, JSON exports, audit.log)'))
    .requiredOption('--query <file>', 'the AQL file, or - for stdin')
    .requiredOption('--events <files...>', 'event files')
    .option('--json', 'print exactly an Ariel results body: {"events":[...]}')
    .action(action(async (o: EnvFlags & { query: string; events: string[]; json?: boolean }) => {
      const env = envOf(o);
      const q = readQueryFile(o.query);
      const compiled = compileAql(q.text, env, { file: q.file });
      const events = await readEventsForAql(o.events, env.profile, (w) => process.stderr.write(`harness: warning: ${w.file}${w.line ? `:${w.line}` : ''}: ${w.reason}\n`));
      const rows = compiled.run(events);
      if (o.json) {
        printJson(compiled.table === 'flows' ? { flows: rows } : { events: rows }, true);
        return EXIT_OK;
      }
      for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n');
      process.stderr.write(`${rows.length} row(s) from ${events.length} event(s)${compiled.window ? `, window [${new Date(compiled.window.start).toISOString()}, ${new Date(compiled.window.stop).toISOString()})` : ''}\n`);
      return EXIT_OK;
    }));

  aql.command('lint')
    .description('report problems in AQL files with line:column (exit 1 when there are findings)')
    .argument('<files...>', 'AQL files')
    .option('--profile <name>', 'property profile name or YAML path', 'stock')
    .option('--json', 'print the findings as JSON')
    .action(action((files: string[], o: { profile?: string; json?: boolean }) => {
      const profile = loadAqlProfile(o.profile);
      const all: Diagnostic[] = [];
      for (const f of files) {
        const q = readQueryFile(f);
        all.push(...lintAql(q.text, { profile, now: 0 }, { file: q.file }));
      }
      if (o.json) printJson(all);
      else for (const d of all) process.stdout.write(formatDiagnostic(d) + '\n');
      if (!o.json) process.stderr.write(`${all.filter((d) => d.severity === 'error').length} error(s), ${all.filter((d) => d.severity === 'warning').length} warning(s)\n`);
      return all.length ? EXIT_FINDINGS : EXIT_OK;
    }));

  envOptions(aql.command('explain').description('say, for each event, whether the query returns it and if not which predicate rejected it'))
    .requiredOption('--query <file>', 'the AQL file, or - for stdin')
    .requiredOption('--events <files...>', 'event files')
    .option('--relaxed', 'evaluate unknown fields as NULL instead of refusing the query (as QRadar would)')
    .option('--json', 'print one explanation object per event')
    .action(action(async (o: EnvFlags & { query: string; events: string[]; json?: boolean; relaxed?: boolean }) => {
      const env: AqlEnv = { ...envOf(o), unknownFields: o.relaxed ? 'null' : 'error' };
      const q = readQueryFile(o.query);
      const compiled = compileAql(q.text, env, { file: q.file });
      const events = await readEventsForAql(o.events, env.profile);
      const out = events.map((e, i) => {
        const where = e.origin?.file ? `${e.origin.file}${e.origin.line ? `:${e.origin.line}` : e.origin.recordId !== undefined ? `#${e.origin.recordId}` : ''}` : `event ${i + 1}`;
        return { event: i, where, ...compiled.explain(e) };
      });
      if (o.json) printJson(out);
      else for (const x of out) {
        const loc = x.location ? ` (${q.file}:${x.location.line}:${x.location.column})` : '';
        process.stdout.write(`${x.where}: ${x.matched ? 'returned' : 'not returned'}: ${x.text}${loc}\n`);
      }
      return EXIT_OK;
    }));
}
