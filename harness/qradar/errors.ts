// QRadar errors: what QRadar said (HTTP status, its own code and message) plus what the user should do.
// Codes are stable: HARNESS_QRADAR_<WHAT>. A secret never reaches a message: callers pass text through
// redact() before building one.
import { HarnessError, type HarnessErrorOptions } from '../errors.js';

export interface QRadarErrorInit extends HarnessErrorOptions {
  httpStatus?: number;
  qradarCode?: number;
}

// A QRadar failure: our stable code, QRadar's HTTP status and code, and the fix.
export class QRadarError extends HarnessError {
  readonly httpStatus?: number;
  readonly qradarCode?: number;
  /** True when retrying the same idempotent call may succeed (503/1010, 500/1020, network). */
  readonly retryable: boolean;

  constructor(code: string, message: string, init: QRadarErrorInit & { retryable?: boolean } = {}) {
    super(code, message, init);
    this.name = 'HarnessError';
    this.httpStatus = init.httpStatus;
    this.qradarCode = init.qradarCode;
    this.retryable = init.retryable ?? false;
  }
}

/** The JSON error body every QRadar endpoint returns (reference 1.5). */
export interface QRadarErrorBody {
  message?: string;
  description?: string;
  code?: number;
  details?: unknown;
  http_response?: { code?: number; message?: string };
}

// Maps an HTTP status (and QRadar code) to our stable code and the fix a user can act on.
function classify(status: number, qcode: number | undefined): { code: string; fix: string; retryable: boolean } {
  if (status === 401) return { code: 'HARNESS_QRADAR_AUTH', fix: 'check the token (qradar.tokenEnv / tokenFile) or user + passwordEnv; an authorized service token is sent as the SEC header', retryable: false };
  if (status === 403) return { code: 'HARNESS_QRADAR_FORBIDDEN', fix: 'give the authorized service token (or user) a security profile and user role with Ariel search (and, for CRE checks, offense/rule read) capabilities', retryable: false };
  if (status === 404 && qcode === 1003) return { code: 'HARNESS_QRADAR_RESULTS_NOT_READY', fix: 'the search had not completed; this is retried automatically', retryable: true };
  if (status === 404) return { code: 'HARNESS_QRADAR_NOT_FOUND', fix: 'the search (or endpoint) no longer exists: it may have been deleted by Ariel retention, or qradar.url / qradar.version point at the wrong console or API version', retryable: false };
  if (status === 409) return { code: 'HARNESS_QRADAR_CONFLICT', fix: 'a search with this id already exists (INTO clause or a reused id); remove INTO from the query', retryable: false };
  if (status === 410) return { code: 'HARNESS_QRADAR_GONE', fix: 'this endpoint was removed in the API version requested; set qradar.version to a version the console supports', retryable: false };
  if (status === 414) return { code: 'HARNESS_QRADAR_URI_TOO_LONG', fix: 'send the query as a form body (the harness client does); check a proxy is not rewriting the request', retryable: false };
  if (status === 422 && qcode === 2000) return { code: 'HARNESS_QRADAR_AQL_INVALID', fix: 'QRadar rejected the AQL; run `harness qradar validate RULE.aql` and `harness aql lint RULE.aql` to see where', retryable: false };
  if (status === 422) return { code: 'HARNESS_QRADAR_INVALID_PARAMETER', fix: 'QRadar rejected a parameter or the Version header; set qradar.version to an API version the console supports (e.g. 16.0 for 7.4.3, 20.0 for 7.5.0 UP6)', retryable: false };
  if (status === 503 || qcode === 1010) return { code: 'HARNESS_QRADAR_UNAVAILABLE', fix: 'Ariel was unavailable after the configured retries; check the console health and rerun', retryable: true };
  if (status >= 500) return { code: 'HARNESS_QRADAR_SERVER_ERROR', fix: 'QRadar reported an internal error after the configured retries; check /var/log/qradar.error on the console and rerun', retryable: true };
  return { code: 'HARNESS_QRADAR_HTTP', fix: 'unexpected response from QRadar; check qradar.url points at the console API (https://<console>)', retryable: false };
}

// Builds the error for a non-success HTTP response, keeping QRadar's code and message.
export function errorFromResponse(what: string, status: number, body: unknown, redact: (s: string) => string): QRadarError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as QRadarErrorBody;
  const qcode = typeof b.code === 'number' ? b.code : undefined;
  const qmsg = typeof b.message === 'string' ? b.message : typeof body === 'string' ? body.slice(0, 300) : '';
  const c = classify(status, qcode);
  const text = `${what}: QRadar answered HTTP ${status}${qcode !== undefined ? ` code ${qcode}` : ''}${qmsg ? `: ${qmsg}` : ''}`;
  return new QRadarError(c.code, redact(text), { httpStatus: status, qradarCode: qcode, fix: c.fix, phase: status === 401 || status === 403 ? 'auth' : 'query', retryable: c.retryable });
}
