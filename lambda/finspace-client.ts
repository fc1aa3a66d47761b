/**
 * A small FinSpace Data client (restJson1, SigV4 name `finspace-api`) on the AWS SDK v3 runtime parts, for the two
 * operations the handler calls, one attempt per call: retries are retry.ts's, so that a deadline governs them.
 */
import { Hash } from '@smithy/hash-node';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Readable } from 'node:stream';
import { ComposedError } from './outside-text';
import { raceTimeout } from './timeout';

export const SIGNING_NAME = 'finspace-api';

export interface UpdateUserInput {
  readonly userId: string;
  readonly type?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly apiAccess?: string;
  readonly apiAccessPrincipalArn?: string;
  readonly clientToken?: string;
}
export interface UpdateUserOutput {
  readonly userId?: string;
}
export interface GetProgrammaticAccessCredentialsInput {
  readonly environmentId: string;
  readonly durationInMinutes?: number;
}
export interface GetProgrammaticAccessCredentialsOutput {
  readonly credentials?: { readonly accessKeyId?: string; readonly secretAccessKey?: string; readonly sessionToken?: string };
  readonly durationInMinutes?: number;
}

/** An error the service answered, shaped like the SDK's ServiceException so the SDK's classifiers read it. */
export class FinSpaceDataServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string };
  /** The `reason` member of ValidationException, ResourceNotFoundException and ConflictException. */
  readonly reason?: string;
  /** From a Retry-After header, when the service sent one. */
  readonly retryAfterMs?: number;
  /** The message is this client's own words (the answer had none), not the service's. */
  readonly ownMessage: boolean;

  constructor(
    name: string,
    message: string,
    init: { status: number; requestId?: string; reason?: string; retryAfterMs?: number; ownMessage?: boolean },
  ) {
    super(message);
    // Stryker disable next-line BooleanLiteral: Equivalent: both callers in this module say whose message it is.
    this.ownMessage = init.ownMessage ?? false;
    this.name = name;
    // Stryker disable next-line EqualityOperator: Equivalent: only a 500 differs, and the SDK's classifier reads a 500 as transient by its status code whatever $fault says; $fault is shown nowhere.
    this.$fault = init.status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: init.status, requestId: init.requestId };
    this.reason = init.reason;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** An attempt that took longer than its timeout. The name is the one the SDK's classifier treats as transient. */
export class AttemptTimeoutError extends ComposedError {
  constructor(operation: string, timeoutMs: number) {
    super([`${operation} did not complete within ${timeoutMs} ms`]);
    this.name = 'TimeoutError';
  }
}

export interface FinSpaceDataClientConfig {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** @default resolveEndpoint(region) */
  readonly endpoint?: string;
  /** Shared across clients so that warm invocations reuse sockets. @default a new handler */
  readonly httpHandler?: NodeHttpHandler;
  /** @default 10 000 ms */
  readonly defaultTimeoutMs?: number;
}

export interface CallOptions {
  /** Abandon the attempt after this long (the whole exchange, body included). */
  readonly timeoutMs?: number;
}

/**
 * The endpoint as the AWS SDKs resolve it: a service-specific override (`AWS_ENDPOINT_URL_FINSPACE_DATA`, from the
 * model's service id "finspace data"), then the global one (`AWS_ENDPOINT_URL`), unless
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true; otherwise the regional endpoint.
 */
export function resolveEndpoint(region: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() !== 'true') {
    const configured = env.AWS_ENDPOINT_URL_FINSPACE_DATA || env.AWS_ENDPOINT_URL;
    if (configured) return configured;
  }
  const dnsSuffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://finspace-api.${region}.${dnsSuffix}`;
}

/** Smithy's label encoding: RFC 3986 unreserved characters stay, everything else is percent-encoded. */
function encodeLabel(value: string): string {
  // Stryker disable next-line MethodExpression: Equivalent: percent-encodings are case-insensitive (RFC 3986 section 2.1): %2a and %2A name the same *, the one character of ! ' ( ) * whose code holds a letter; the path is signed as sent, so the signature holds either way.
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Retry-After in seconds or as an HTTP date; absent, empty (Node delivers empty headers) or unreadable is undefined. */
function parseRetryAfter(header: string | undefined): number | undefined {
  // Stryker disable next-line MethodExpression: Equivalent over HTTP: Node.js's parser strips the spaces around a header value, so a Retry-After of spaces arrives empty; Number and Date.parse ignore surrounding spaces too.
  const value = header?.trim();
  // Number('') is 0: an empty header must not read as "retry at once".
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function readBody(body: unknown): Promise<string> {
  // Stryker disable next-line ConditionalExpression, LogicalOperator: Equivalent: the Node.js HTTP handler always gives a response a body stream.
  // Stryker disable next-line StringLiteral: No test runs it, and no answer can: the Node.js HTTP handler always gives a response a body stream, so readBody never sees undefined or null.
  if (body === undefined || body === null) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string, operation: string, status: number): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new FinSpaceDataServiceError('DeserializationError', `${operation} answered HTTP ${status} with a body that is not a JSON object`, {
    status,
    ownMessage: true,
  });
}

/** Longest error name read from an answer; a longer one is no name. */
const MAX_ERROR_NAME_LENGTH = 128;

/**
 * The error name from `x-amzn-ErrorType` (text after ':' and a namespace before '#' are not part of it), else from the
 * body's `__type` or `code`, else from the status. A candidate that is not a string (`{"code": 503}`), or leaves no
 * usable name (empty, only a suffix or namespace, control characters, too long), is skipped: the name is always a
 * non-empty single-line string.
 */
function errorName(headerValue: string | undefined, body: Record<string, unknown>, status: number): string {
  for (const raw of [headerValue, body.__type, body.code]) {
    if (typeof raw !== 'string') continue;
    const name = raw.split(':')[0].split('#').pop()!.trim();
    // eslint-disable-next-line no-control-regex
    if (name && name.length <= MAX_ERROR_NAME_LENGTH && !/[\u0000-\u001f\u007f]/.test(name)) return name;
  }
  return status >= 500 ? 'InternalServerException' : `Http${status}Error`;
}

export class FinSpaceDataClient {
  /** Where the calls go. */
  readonly endpoint: URL;
  private readonly signer: SignatureV4;
  private readonly httpHandler: NodeHttpHandler;
  private readonly defaultTimeoutMs: number;

  constructor(config: FinSpaceDataClientConfig) {
    this.signer = new SignatureV4({
      service: SIGNING_NAME,
      region: config.region,
      credentials: config.credentials,
      sha256: Hash.bind(null, 'sha256'),
    });
    this.endpoint = new URL(config.endpoint ?? resolveEndpoint(config.region));
    this.httpHandler = config.httpHandler ?? new NodeHttpHandler();
    this.defaultTimeoutMs = config.defaultTimeoutMs ?? 10_000;
  }

  /** GET /credentials/programmatic: temporary credentials that act as the FinSpace user whose API principal is the caller. */
  async getProgrammaticAccessCredentials(
    input: GetProgrammaticAccessCredentialsInput,
    options?: CallOptions,
  ): Promise<GetProgrammaticAccessCredentialsOutput> {
    const query: Record<string, string> = { environmentId: input.environmentId };
    if (input.durationInMinutes !== undefined) query.durationInMinutes = String(input.durationInMinutes);
    // Stryker disable next-line StringLiteral: Equivalent: the SDK's HttpRequest turns an empty method into GET.
    return this.call('GetProgrammaticAccessCredentials', 'GET', '/credentials/programmatic', query, undefined, options);
  }

  /** PUT /user/{userId}: sends exactly the members present in the input. */
  async updateUser(input: UpdateUserInput, options?: CallOptions): Promise<UpdateUserOutput> {
    const { userId, ...members } = input;
    // Stryker disable next-line MethodExpression, ConditionalExpression: Equivalent: JSON.stringify leaves out members whose value is undefined.
    const body = Object.fromEntries(Object.entries(members).filter(([, v]) => v !== undefined));
    return this.call('UpdateUser', 'PUT', `/user/${encodeLabel(userId)}`, {}, body, options);
  }

  private async call<T>(
    operation: string,
    method: string,
    path: string,
    query: Record<string, string>,
    body: Record<string, unknown> | undefined,
    options: CallOptions | undefined,
  ): Promise<T> {
    const timeoutMs = options?.timeoutMs ?? this.defaultTimeoutMs;
    const abort = new AbortController();
    return raceTimeout(this.exchange<T>(operation, method, path, query, body, abort.signal), Math.max(1, timeoutMs), () => {
      abort.abort();
      throw new AttemptTimeoutError(operation, timeoutMs);
    });
  }

  private async exchange<T>(
    operation: string,
    method: string,
    path: string,
    query: Record<string, string>,
    body: Record<string, unknown> | undefined,
    abortSignal: AbortSignal,
  ): Promise<T> {
    const basePath = this.endpoint.pathname.replace(/\/$/, '');
    // Stryker disable next-line ConditionalExpression: Equivalent: JSON.stringify(undefined) is undefined, so a call without a body has no payload either way.
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { host: this.endpoint.host };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const request = new HttpRequest({
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
      method,
      path: `${basePath}${path}`,
      query,
      headers,
      body: payload,
    });
    const signed = await this.signer.sign(request);
    const { response } = await this.httpHandler.handle(signed as HttpRequest, { abortSignal });
    const text = await readBody(response.body);
    const status = response.statusCode;
    const requestId = response.headers['x-amzn-requestid'];
    // Stryker disable next-line ConditionalExpression: Equivalent: Node.js never ends a response with a 1xx status, so every status here is at least 200.
    if (status >= 200 && status < 300) return parseJson(text, operation, status) as T;

    let parsed: Record<string, unknown> = {};
    try {
      parsed = parseJson(text, operation, status);
    } catch {
      // An error answer with a body that is not JSON still has a status to classify it by.
    }
    const name = errorName(response.headers['x-amzn-errortype'], parsed, status);
    const message = typeof parsed.message === 'string' ? parsed.message : typeof parsed.Message === 'string' ? parsed.Message : undefined;
    throw new FinSpaceDataServiceError(name, message ?? `${operation} answered HTTP ${status}`, {
      status,
      ownMessage: message === undefined,
      requestId,
      reason: typeof parsed.reason === 'string' ? parsed.reason : undefined,
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
    });
  }
}
