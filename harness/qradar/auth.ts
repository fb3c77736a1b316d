// Resolves the QRadar secret at the moment of use from what the config names (an environment variable or
// a file), never from the config itself. The secret is returned to the client only; every message here
// names the variable or file, never the value.
import { readFileSync } from 'node:fs';
import type { QRadarConfig } from '../model/config.js';
import { QRadarError } from './errors.js';

export type ArielAuth = { token: string } | { user: string; password: string };

export const DEFAULT_TOKEN_ENV = 'QRADAR_TOKEN';

// Reads the token (tokenFile, tokenEnv, default QRADAR_TOKEN) or user + passwordEnv; throws with the fix when missing.
export function resolveAuth(cfg: Pick<QRadarConfig, 'tokenEnv' | 'tokenFile' | 'user' | 'passwordEnv'>, env: NodeJS.ProcessEnv = process.env): ArielAuth {
  if (cfg.user !== undefined || cfg.passwordEnv !== undefined) {
    if (!cfg.user || !cfg.passwordEnv) {
      throw new QRadarError('HARNESS_QRADAR_AUTH_CONFIG', 'qradar.user and qradar.passwordEnv must be given together', { phase: 'config', fix: 'set both qradar.user and qradar.passwordEnv (the name of the variable holding the password), or use a token (qradar.tokenEnv / qradar.tokenFile)' });
    }
    const password = env[cfg.passwordEnv];
    if (!password) {
      throw new QRadarError('HARNESS_QRADAR_AUTH_MISSING', `the environment variable ${cfg.passwordEnv} (qradar.passwordEnv) is not set or empty`, { phase: 'config', fix: `export ${cfg.passwordEnv}=<password of ${cfg.user}> before running the harness` });
    }
    return { user: cfg.user, password };
  }
  if (cfg.tokenFile) {
    let text: string;
    try {
      text = readFileSync(cfg.tokenFile, 'utf8');
    } catch (e) {
      throw new QRadarError('HARNESS_QRADAR_AUTH_MISSING', `cannot read the token file ${cfg.tokenFile} (qradar.tokenFile): ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { phase: 'config', fix: 'create the file with the authorized service token on one line, readable by this user (chmod 600)' });
    }
    const token = text.trim();
    if (!token) throw new QRadarError('HARNESS_QRADAR_AUTH_MISSING', `the token file ${cfg.tokenFile} (qradar.tokenFile) is empty`, { phase: 'config', fix: 'write the authorized service token into the file' });
    return { token };
  }
  const name = cfg.tokenEnv ?? DEFAULT_TOKEN_ENV;
  const token = env[name]?.trim();
  if (!token) {
    throw new QRadarError('HARNESS_QRADAR_AUTH_MISSING', `no QRadar token: the environment variable ${name} (qradar.tokenEnv) is not set or empty`, { phase: 'config', fix: `export ${name}=<authorized service token> (Admin > Authorized Services), or set qradar.tokenFile, or qradar.user + qradar.passwordEnv` });
  }
  return { token };
}

// The secret strings of an auth, for redaction.
export function secretsOf(auth: ArielAuth): string[] {
  if ('token' in auth) return [auth.token];
  return [auth.password, Buffer.from(`${auth.user}:${auth.password}`).toString('base64')];
}

// Returns a function that replaces every occurrence of the secrets in a text by `***`.
export function redactor(secrets: string[]): (text: string) => string {
  const live = secrets.filter((s) => s.length >= 4);
  return (text: string) => {
    let out = text;
    for (const s of live) out = out.split(s).join('***');
    return out;
  };
}

// The request headers that carry the secret (SEC token, or HTTP Basic).
export function authHeaders(auth: ArielAuth): Record<string, string> {
  if ('token' in auth) return { SEC: auth.token };
  return { Authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` };
}
