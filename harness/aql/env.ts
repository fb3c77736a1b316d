// The evaluation environment (profile, clock, time zone, switches) and its resolved, defaulted form.
import type { PropertyProfile } from '../model/profile.js';
import { HarnessError } from '../errors.js';

export interface AqlEnv {
  profile: PropertyProfile;
  /** The clock (epoch ms) for NOW(), LAST n and PARSEDATETIME; default Date.now() at compile time. */
  now?: number;
  /** IANA zone for DATEFORMAT and zone-less START/STOP strings; default UTC. */
  timeZone?: string;
  /** Which event time the time clause filters on; default starttime. */
  timeField?: 'starttime' | 'devicetime';
  /** MATCHES full-match (QRadar's documented behaviour, default) or find (unanchored). */
  matches?: 'full' | 'find';
  /** 'error' (QRadar's behaviour, default) or 'null': unknown fields/functions evaluate to NULL (lint, explain). */
  unknownFields?: 'error' | 'null';
}

export interface ResolvedEnv {
  profile: PropertyProfile;
  now: number;
  timeZone: string;
  timeField: 'starttime' | 'devicetime';
  matches: 'full' | 'find';
  unknownFields: 'error' | 'null';
}

// Fills defaults and checks the time zone (a bad zone is a configuration error, not a crash).
export function resolveEnv(env: AqlEnv): ResolvedEnv {
  const timeZone = env.timeZone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new HarnessError('HARNESS_AQL_BAD_TIMEZONE', `unknown time zone '${timeZone}'`, { fix: "use an IANA zone name such as 'UTC' or 'Europe/Paris'" });
  }
  if (env.timeField !== undefined && env.timeField !== 'starttime' && env.timeField !== 'devicetime') {
    throw new HarnessError('HARNESS_AQL_BAD_OPTION', `time field '${String(env.timeField)}' is not starttime or devicetime`, { fix: 'use --time-field starttime or --time-field devicetime' });
  }
  if (env.matches !== undefined && env.matches !== 'full' && env.matches !== 'find') {
    throw new HarnessError('HARNESS_AQL_BAD_OPTION', `MATCHES mode '${String(env.matches)}' is not full or find`, { fix: 'use --matches full (QRadar) or --matches find' });
  }
  return {
    profile: env.profile,
    now: env.now ?? Date.now(),
    timeZone,
    timeField: env.timeField ?? 'starttime',
    matches: env.matches ?? 'full',
    unknownFields: env.unknownFields ?? 'error',
  };
}
