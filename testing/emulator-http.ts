/**
 * The emulator's HTTP side: routes a request to its operation, applies an injected fault or the rate limit, and
 * answers restJson1 as the service does (x-amzn-ErrorType, a request id), recording every request it answers.
 */
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import { asUser, authenticate } from './emulator-auth';
import { ApiError, ERROR_FOR_STATUS } from './emulator-model';
import { getProgrammaticAccessCredentials, readUser, updateUser } from './emulator-operations';
import { takeFault, takeRateToken, type EmulatorState } from './emulator-state';
import type { EmulatedOperation, RequestRecord } from './finspace-emulator';

/** The request listener of an emulator's server. */
export function receive(state: EmulatorState, req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    answer(state, req, res, Buffer.concat(chunks)).catch((error) => {
      send(res, 500, 'InternalServerException', { message: `emulator error: ${(error as Error).message}` });
    });
  });
}

function route(method: string, path: string): { operation: EmulatedOperation; userId?: string } | undefined {
  if (method === 'GET' && path === '/credentials/programmatic') return { operation: 'GetProgrammaticAccessCredentials' };
  const m = /^\/user\/([^/]+)$/.exec(path);
  if (m && (method === 'PUT' || method === 'GET')) {
    return { operation: method === 'PUT' ? 'UpdateUser' : 'GetUser', userId: decodeURIComponent(m[1]) };
  }
  return undefined;
}

async function answer(state: EmulatorState, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
  // Stryker disable next-line StringLiteral: No test runs it, and no request can: Node.js always gives an incoming request its URL.
  const url = new URL(req.url ?? '/', 'http://emulator');
  // Stryker disable next-line StringLiteral: No test runs it, and no request can: Node.js always gives an incoming request its method.
  const found = route(req.method ?? 'GET', url.pathname);
  const record: { -readonly [K in keyof RequestRecord]?: RequestRecord[K] } = {
    at: Date.now(),
    operation: found?.operation ?? 'Unknown',
    userId: found?.userId,
  };
  const finish = (status: number, errorType: string | undefined, payload: unknown, extraHeaders: Record<string, string> = {}) => {
    state.requests.push({ ...record, status, errorType } as RequestRecord);
    send(res, status, errorType, payload, extraHeaders);
  };
  try {
    if (!found) throw new ApiError(404, 'UnknownOperationException', `no operation for ${req.method} ${url.pathname}`);
    const fault = takeFault(state, found.operation);
    // unref: a pending delay must not keep a closed emulator's process alive.
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs).unref());
    if (fault?.reset) {
      state.requests.push({ ...record, status: 0, errorType: 'ConnectionReset' } as RequestRecord);
      req.socket.destroy();
      return;
    }
    if (fault?.rawBody !== undefined) {
      const status = fault.status ?? 200;
      state.requests.push({ ...record, status, ...(fault.errorType ? { errorType: fault.errorType } : {}) } as RequestRecord);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.errorType !== undefined) headers['x-amzn-errortype'] = fault.errorType;
      // Stryker disable next-line ConditionalExpression: Equivalent for its clients: a Retry-After of "undefined" is neither a number nor a date, so the handler reads no Retry-After, as when there is none.
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      res.writeHead(status, headers).end(fault.rawBody);
      return;
    }
    if (fault?.status) {
      const type = fault.errorType ?? ERROR_FOR_STATUS[fault.status] ?? `Http${fault.status}`;
      throw new ApiError(fault.status, type, fault.message ?? `injected ${type}`, undefined, fault.retryAfterSeconds);
    }
    // Stryker disable next-line StringLiteral: Equivalent: a throttling answer's body is empty, so this message is never sent.
    if (!takeRateToken(state)) throw new ApiError(429, 'ThrottlingException', 'Rate exceeded');

    const caller = authenticate(state, req, body);
    let result: unknown;
    if (found.operation === 'GetProgrammaticAccessCredentials') {
      result = getProgrammaticAccessCredentials(state, caller, url.searchParams, record);
    } else {
      const user = asUser(caller);
      record.environmentId = user.environmentId;
      result =
        found.operation === 'UpdateUser' ? updateUser(state, user, found.userId!, body, record) : readUser(state, user, found.userId!);
    }
    finish(200, undefined, result);
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: Not worth a test: only a bug in the emulator throws anything but its ApiError there, and it answers 500 either way.
    if (!(error instanceof ApiError)) throw error;
    const body = error.type === 'ThrottlingException' ? {} : { message: error.message, ...(error.reason ? { reason: error.reason } : {}) };
    const headers: Record<string, string> = error.retryAfterSeconds !== undefined ? { 'retry-after': String(error.retryAfterSeconds) } : {};
    finish(error.status, error.type, body, headers);
  }
}

function send(
  res: http.ServerResponse,
  status: number,
  errorType: string | undefined,
  payload: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  // Stryker disable next-line ConditionalExpression, LogicalOperator: Not worth a test: none of the emulator's paths answers one request twice; this only guards against it.
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(payload ?? {});
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': randomUUID(),
    ...extraHeaders,
  };
  // As the service does, with a suffix after ':' that is not part of the name.
  if (errorType) headers['x-amzn-errortype'] = `${errorType}:http://internal.amazon.com/coral/com.amazonaws.finspace/`;
  res.writeHead(status, headers).end(text);
}
