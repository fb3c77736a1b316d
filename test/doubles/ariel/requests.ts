// Ariel API test double: request checks shared by the endpoints (authentication, and reading
// query_expression from the query string or a form body; a JSON body is refused with 422/1005).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from './errors.js';
import type { ArielDoubleOptions } from './server.js';

// SEC token or HTTP Basic, as QRadar checks them: 401 when missing or wrong, 403 without the capability.
export function authorized(req: IncomingMessage, res: ServerResponse, o: Pick<ArielDoubleOptions, 'tokens' | 'users' | 'forbiddenTokens'>): boolean {
  const sec = req.headers.sec;
  const basic = req.headers.authorization;
  if (typeof sec === 'string') {
    if ((o.forbiddenTokens ?? []).includes(sec)) {
      sendError(res, 403, 403, 'User has insufficient capabilities to access this endpoint resource');
      return false;
    }
    if ((o.tokens ?? ['double-token']).includes(sec)) return true;
    sendError(res, 401, 401, 'Authentication failed: the SEC token is not valid');
    return false;
  }
  if (typeof basic === 'string' && basic.startsWith('Basic ')) {
    const [user, ...rest] = Buffer.from(basic.slice(6), 'base64').toString('utf8').split(':');
    if (user && o.users?.[user] !== undefined && o.users[user] === rest.join(':')) return true;
    sendError(res, 401, 401, 'Authentication failed: bad user name or password');
    return false;
  }
  sendError(res, 401, 401, 'No SEC header present in request. Please provide it via "SEC: token". You may also use BASIC authentication parameters if this host supports it.');
  return false;
}

// query_expression from the query string or an x-www-form-urlencoded body; a JSON body is refused.
export function queryExpression(query: Record<string, string>, body: string, req: IncomingMessage, res: ServerResponse): string | undefined {
  const ct = String(req.headers['content-type'] ?? '');
  if (ct.includes('application/json')) {
    sendError(res, 422, 1005, 'query_expression must be given as a query parameter or a form field, not in a JSON body');
    return undefined;
  }
  const form = ct.includes('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(body).entries()) : {};
  const aql = query.query_expression ?? form.query_expression;
  if (!aql) {
    sendError(res, 422, 1005, 'query_expression is required');
    return undefined;
  }
  return aql;
}
