// Shared set-up of the QRadar tests: an Ariel API test double (HTTPS, fresh CA written to a temp file)
// answering with the embedded AQL engine under the stock profile, and a client that trusts that CA.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArielClient, type ArielClientOptions } from '../../harness/qradar/client.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import type { RuleFile } from '../../harness/model/catalog.js';
import type { Target } from '../../harness/model/config.js';
import { packageRoot } from '../../harness/util/paths.js';
import type { PropertyProfile } from '../../harness/model/profile.js';
import { loadProfile } from '../../harness/telemetry/profile.js';
import { embeddedEngine } from '../doubles/ariel/embedded.js';
import { ArielDouble, type ArielDoubleOptions } from '../doubles/ariel/server.js';

const SEEDS = '/work/shared/seeds';

// The AQL of a seed write-up exactly as published: from the first SELECT to its time clause.
export function seedRule(file: string): string {
  const text = readFileSync(join(SEEDS, file), 'utf8');
  const start = text.indexOf('SELECT');
  const m = /\nLAST \d+ (?:HOURS|DAYS|MINUTES)/.exec(text.slice(start));
  return text.slice(start, start + m!.index + m![0].length);
}

export const TOKEN = 'f3a1c2d4-token-SECRET-9b8e7d6c';

export interface Harnessed {
  double: ArielDouble;
  caFile: string;
  client(opts?: Partial<ArielClientOptions>): ArielClient;
}

// Starts a double (HTTPS unless https: false) and returns a client factory trusting its CA.
export async function startDouble(opts: Partial<ArielDoubleOptions> & { profile?: PropertyProfile } = {}): Promise<Harnessed> {
  const profile = opts.profile ?? loadProfile('stock');
  const double = new ArielDouble({ engine: embeddedEngine(profile), tokens: [TOKEN], ...opts });
  await double.start();
  const dir = mkdtempSync(join(tmpdir(), 'ariel-double-'));
  const caFile = join(dir, 'ca.pem');
  if (double.caPem) writeFileSync(caFile, double.caPem);
  return {
    double,
    caFile,
    client: (o = {}) => new ArielClient({ url: double.url, version: '16.0', auth: { token: TOKEN }, caFile: double.caPem ? caFile : undefined, allowHttp: !double.caPem, backoffMs: 5, pollIntervalMs: 10, requestTimeoutMs: 5000, ...o }),
  };
}

// n synthetic Linux events one second apart ending now (for lifecycle mechanics, not detection content).
export function syntheticEvents(n: number, now = Date.now()): NormalizedEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    starttime: now - (n - i) * 1000,
    devicetime: now - (n - i) * 1000,
    devicetype: 11,
    logsourceid: 7,
    logsourcename: 'lnx-01',
    logsourcetypename: 'Linux OS',
    sourceip: '10.0.0.9',
    username: 'purple',
    hostname: 'lnx-01',
    eventid: null,
    payload: `type=EXECVE msg=audit(1.0:${i}): argc=2 a0="openssl" a1="genrsa-${i}"`,
    properties: {},
    origin: { format: 'auditd' },
  }));
}

// Requests of the double matching a method and path pattern.
export function requestsTo(double: ArielDouble, method: string, path: RegExp) {
  return double.requests.filter((r) => r.method === method && path.test(r.path));
}

function ruleFile(id: string, text: string): RuleFile {
  return { id, path: id, text, sha256: createHash('sha256').update(text).digest('hex') };
}

// The seed rules as published plus the project's tuned rules, as RuleFiles.
export function projectRules(): RuleFile[] {
  const tuned = join(packageRoot, 'expectations/rules/tuned');
  return [
    ruleFile('seed/t1588-004-root-ca-install.aql', seedRule('000_2434b9280510c9de.txt')),
    ruleFile('seed/t1587-003-cert-generation.aql', seedRule('002_9a3d30ccecc6226b.txt')),
    ...readdirSync(tuned).filter((f) => f.endsWith('.aql')).map((f) => ruleFile(`rules/tuned/${f}`, readFileSync(join(tuned, f), 'utf8'))),
  ];
}

// One target per log source of the events, named as QRadar names it.
export function targetsOf(events: NormalizedEvent[]): Target[] {
  return [...new Set(events.map((e) => e.logsourcename))].map((ls) => ({ name: ls, os: 'windows', transport: 'ssh', port: 22, sudo: false, qradar: { logSourceName: ls } }) as Target);
}
