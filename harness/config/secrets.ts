// Secrets only by reference: an inline password, token or passphrase in a YAML file is an error that says
// how to reference it instead. The value itself is never echoed.
import type { YamlPath } from '../util/yaml.js';
import type { Collector } from '../catalog/schema.js';

const INLINE_SECRET_KEYS: Record<string, string> = {
  password: 'passwordEnv: NAME_OF_ENV_VAR',
  pass: 'passwordEnv: NAME_OF_ENV_VAR',
  passwd: 'passwordEnv: NAME_OF_ENV_VAR',
  token: 'tokenEnv: QRADAR_TOKEN (or tokenFile: /path/to/token)',
  sec: 'tokenEnv: QRADAR_TOKEN (or tokenFile: /path/to/token)',
  secToken: 'tokenEnv: QRADAR_TOKEN (or tokenFile: /path/to/token)',
  apiKey: 'tokenEnv: QRADAR_TOKEN (or tokenFile: /path/to/token)',
  apiToken: 'tokenEnv: QRADAR_TOKEN (or tokenFile: /path/to/token)',
  secret: 'tokenEnv / passwordEnv naming an environment variable',
  passphrase: 'passphraseEnv: NAME_OF_ENV_VAR',
  privateKey: 'privateKeyPath: ~/.ssh/id_ed25519 (a path, not the key)',
};

/** Reports every inline secret key directly in `obj` (key names compared case-insensitively). */
export function refuseInlineSecrets(c: Collector, path: YamlPath, obj: Record<string, unknown>): void {
  for (const key of Object.keys(obj)) {
    const hit = Object.keys(INLINE_SECRET_KEYS).find((k) => k.toLowerCase() === key.toLowerCase());
    if (!hit) continue;
    c.error([...path, key], 'HARNESS_CONFIG_INLINE_SECRET', `${[...path, key].join('.')}: secrets must not be written in the file`, `reference it instead: ${INLINE_SECRET_KEYS[hit]}`, true);
  }
}

/** The names of the inline-secret keys, so callers can skip them in unknown-field checks. */
export function isInlineSecretKey(key: string): boolean {
  return Object.keys(INLINE_SECRET_KEYS).some((k) => k.toLowerCase() === key.toLowerCase());
}
