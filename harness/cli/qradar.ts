// `harness qradar search | properties | validate`: one Ariel search, the deployment's custom properties,
// and QRadar's own verdict on a rule's AQL. Thin: flags -> harness/qradar -> print.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { HarnessError } from '../errors.js';
import { replaceTimeWindow } from '../qradar/window.js';
import { clientFromConfig, qradarConfig } from '../qradar/config.js';
import { action, EXIT_FINDINGS, EXIT_OK, printJson } from './common.js';

function readQuery(arg: string): string {
  try {
    return arg === '-' ? readFileSync(0, 'utf8') : readFileSync(arg, 'utf8');
  } catch (e) {
    throw new HarnessError('HARNESS_QRADAR_QUERY_FILE', `cannot read the query ${arg === '-' ? 'from stdin' : `file ${arg}`}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { location: { file: arg }, fix: 'give an .aql file, or - and the query on stdin' });
  }
}

function parseIso(flag: string, v: string): number {
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(t)) throw new HarnessError('HARNESS_QRADAR_BAD_TIME', `${flag} ${JSON.stringify(v)} is not an ISO 8601 time`, { fix: `write e.g. ${flag} 2026-11-22T05:00:00Z` });
  return t;
}

// Registers the `qradar` command group.
export function register(program: Command): void {
  const q = program.command('qradar').description('Talk to QRadar through the Ariel API (config: qradar: in harness.config.yaml, HARNESS_QRADAR_URL, token in $QRADAR_TOKEN)');

  q.command('search')
    .description("runs one Ariel search and prints its rows; with --start/--stop the query's own time clause is replaced by exactly that window")
    .requiredOption('--query <file>', 'AQL file, or - for stdin')
    .option('--start <iso>', 'window start (ISO 8601)')
    .option('--stop <iso>', 'window stop (ISO 8601)')
    .option('--config <file>', 'harness.config.yaml')
    .option('--timeout <seconds>', 'give up (cancel and delete the search) after this many seconds', '300')
    .option('--json', 'print exactly the Ariel results body {"events":[...]}')
    .action(
      action(async (o: { query: string; start?: string; stop?: string; config?: string; timeout: string; json?: boolean }) => {
        if ((o.start === undefined) !== (o.stop === undefined)) throw new HarnessError('HARNESS_QRADAR_BAD_TIME', '--start and --stop go together', { fix: 'give both --start and --stop, or neither (the query keeps its own time clause)' });
        let aql = readQuery(o.query);
        if (o.start !== undefined && o.stop !== undefined) {
          const window = { start: parseIso('--start', o.start), stop: parseIso('--stop', o.stop) };
          if (window.stop <= window.start) throw new HarnessError('HARNESS_QRADAR_BAD_TIME', '--stop must be after --start', { fix: 'swap the two times' });
          aql = replaceTimeWindow(aql, window);
        }
        const client = clientFromConfig(qradarConfig({ configFile: o.config }));
        const { rows } = await client.search(aql, { timeoutMs: Number(o.timeout) * 1000 });
        const table = /\bfrom\s+flows\b/i.test(aql) ? 'flows' : 'events';
        if (o.json) {
          printJson({ [table]: rows }, true);
          return EXIT_OK;
        }
        for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n');
        process.stderr.write(`${rows.length} row(s)\n`);
        return EXIT_OK;
      }),
    );

  q.command('properties')
    .description('lists the custom properties of the deployment (to write a property profile)')
    .option('--config <file>', 'harness.config.yaml')
    .option('--json', 'print the definitions as JSON')
    .action(
      action(async (o: { config?: string; json?: boolean }) => {
        const props = await clientFromConfig(qradarConfig({ configFile: o.config })).customProperties();
        if (o.json) printJson(props);
        else for (const p of [...props].sort((a, b) => a.name.localeCompare(b.name))) process.stdout.write(`${p.name}\t${p.property_type ?? ''}\n`);
        return EXIT_OK;
      }),
    );

  q.command('validate')
    .description("asks QRadar whether a rule's AQL is valid (/api/ariel/validators/aql); exit 1 when it is not")
    .argument('<rule>', 'the .aql file')
    .option('--config <file>', 'harness.config.yaml')
    .option('--json', 'print the error_messages as JSON')
    .action(
      action(async (rule: string, o: { config?: string; json?: boolean }) => {
        const msgs = await clientFromConfig(qradarConfig({ configFile: o.config })).validate(readQuery(rule));
        if (o.json) printJson(msgs);
        else if (msgs.length === 0) process.stdout.write(`${rule}: valid according to QRadar\n`);
        else for (const m of msgs) process.stdout.write(`${rule}: ${m.severity ?? 'ERROR'}: ${m.message}${m.code !== undefined ? ` [QRadar ${m.code}]` : ''}\n`);
        return msgs.some((m) => (m.severity ?? 'ERROR') === 'ERROR') ? EXIT_FINDINGS : EXIT_OK;
      }),
    );
}
