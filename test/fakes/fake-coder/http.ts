/** HTTP plumbing of the fake: error bodies, replies, raw replies on upgrade sockets. */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Messages exactly as the reference (and Coder) words them. */
export const MESSAGES = {
  signedOut: 'You are signed out or your session has expired. Please sign in again to continue.',
  routeNotFound: 'Route not found.',
  resourceNotFound: 'Resource not found or you do not have access to this resource',
  badJson: 'Request body must be valid JSON.',
  validation: 'Validation failed.',
  invalidPart: 'Invalid input part.',
  experimentDisabled: "Chats API requires enabling the 'agents' experiment.",
  organizationRequired: 'organization_id is required.',
  fileTooLarge: 'File too large.',
  unsupportedFile: 'Unsupported file type.',
  tooManyQueued: 'This chat has too many queued messages. Wait for the agent to finish before sending more.',
  // Current servers (coderd chat routes).
  queueFull: 'Message queue is full.',
  notOwner: 'Only the chat owner may send messages.',
  archiveActive: 'Cannot archive an active chat. Interrupt or wait for the chat to finish first.',
  gatewayDisabled: 'AI Gateway must be enabled for Coder Agents functionality. Please contact your deployment administrator.',
  gatewayDisabledDetail: 'Set CODER_AI_GATEWAY_ENABLED=true (or ai-gateway-enabled in deployment YAML) to enable.',
  usageLimit: 'Chat usage limit exceeded.',
} as const;

export const BAD_GATEWAY_HTML = '<html><body><h1>502 Bad Gateway</h1></body></html>';

export interface Validation {
  field: string;
  detail: string;
}

export interface ErrorBody {
  message: string;
  detail?: string;
  validations?: Validation[];
  [extra: string]: unknown;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(`${status} ${body.message}`);
  }

  static routeNotFound(): HttpError {
    return new HttpError(404, { message: MESSAGES.routeNotFound });
  }

  static resourceNotFound(): HttpError {
    return new HttpError(404, { message: MESSAGES.resourceNotFound });
  }

  static validation(...validations: Validation[]): HttpError {
    return new HttpError(400, { message: MESSAGES.validation, validations });
  }
}

/** What a route handler answers. */
export interface Reply {
  status: number;
  json?: unknown;
  bytes?: Buffer;
  contentType?: string;
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (reply.bytes !== undefined) {
    res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/octet-stream', 'content-length': reply.bytes.length });
    res.end(reply.bytes);
    return;
  }
  if (reply.json === undefined) {
    res.writeHead(reply.status);
    res.end();
    return;
  }
  const body = Buffer.from(JSON.stringify(reply.json));
  res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json', 'content-length': body.length });
  res.end(body);
}

/** Answers an upgrade request with a plain HTTP response instead of switching protocols. */
export function rejectUpgrade(socket: Duplex, status: number, contentType: string, body: string): void {
  const bytes = Buffer.from(body);
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    `Content-Type: ${contentType}\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head), bytes]));
}

/** Reads the whole body; past `cap` bytes the data is dropped but still counted. */
export async function readBody(req: IncomingMessage, cap: number): Promise<{ bytes: Buffer; length: number }> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let length = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    length += buffer.length;
    if (kept + buffer.length <= cap) {
      chunks.push(buffer);
      kept += buffer.length;
    }
  }
  return { bytes: Buffer.concat(chunks), length };
}

export function parseQuery(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}
