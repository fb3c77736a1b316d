// Ariel API test double: QRadar's JSON error body (reference qradar-aql.md 1.5), always JSON.
import type { ServerResponse } from 'node:http';

const HTTP_MESSAGES: Record<number, string> = {
  400: 'Invalid syntax for this request was provided.',
  401: 'You are unauthorized to access the requested resource. Please log in.',
  403: 'Your account is not authorized to access the requested resource.',
  404: 'We could not find the resource you requested. Please refer to the documentation for the list of resources.',
  409: 'The request could not be completed due to a conflict with the current state of the resource.',
  414: 'The request URI is longer than the server is willing to interpret.',
  422: 'The request was well-formed but was unable to be followed due to semantic errors.',
  500: 'Unexpected internal server error.',
  503: 'The server is currently unavailable.',
};

const DESCRIPTIONS: Record<number, string> = {
  1002: 'The search does not exist.',
  1003: 'Search results not found. The search is still in progress.',
  1005: 'A request parameter is not valid.',
  1010: 'The Ariel server might be temporarily unavailable or offline. Please try again later.',
  1020: 'An error occurred during the attempt to process the request.',
  2000: 'The query could not be parsed.',
};

// Writes a QRadar error body with the canonical http_response message.
export function sendError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  const body = { message, details: {}, description: DESCRIPTIONS[code] ?? '', code, http_response: { code: status, message: HTTP_MESSAGES[status] ?? '' } };
  send(res, status, body, headers);
}

// Writes a JSON body.
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
