/**
 * The FinSpace Data API emulator users import: the class, its options and records (the emulator-* modules do the
 * work). README "Testing your own stacks: `finspace-user-settings/testing`" says what it checks.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { receive } from './emulator-http';
import { newState, queueFault, setRateLimit, type EmulatorState } from './emulator-state';

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
  readonly requests: RequestRecord[];

  private readonly state: EmulatorState;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();

  private constructor(options: FinSpaceEmulatorOptions) {
    this.state = newState(options.region ?? 'us-east-1');
    this.region = this.state.region;
    this.requests = this.state.requests;
    for (const [environmentId, users] of Object.entries(options.environments ?? {})) {
      for (const user of users) this.putUser(environmentId, user);
    }
    this.setRateLimit(options.rateLimit);
    this.server = http.createServer((req, res) => receive(this.state, req, res));
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
    let aliases = this.state.aliases.get(environmentId);
    if (!aliases) this.state.aliases.set(environmentId, (aliases = new Map()));
    aliases.set(alias, userId);
  }

  /** Adds or replaces a user in an environment (creating the environment). */
  putUser(environmentId: string, user: EmulatedUser): void {
    let users = this.state.environments.get(environmentId);
    if (!users) this.state.environments.set(environmentId, (users = new Map()));
    const now = Date.now();
    users.set(user.userId, { status: 'ENABLED', apiAccess: 'DISABLED', createTime: now, lastModifiedTime: now, ...user });
  }

  /** A copy of a user as the emulator holds it, or undefined. */
  getUser(environmentId: string, userId: string): EmulatedUser | undefined {
    const user = this.state.environments.get(environmentId)?.get(userId);
    return user ? { ...user } : undefined;
  }

  /** The "IAM" credentials of a role (created on first call): what Lambda would put in the handler's environment. */
  roleCredentials(roleArn: string): RoleCredentials {
    let credentials = this.state.roles.get(roleArn);
    if (!credentials) {
      credentials = {
        roleArn,
        accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(60).toString('base64'),
      };
      this.state.roles.set(roleArn, credentials);
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
    queueFault(this.state, fault);
  }

  clearFaults(): void {
    this.state.faults = [];
  }

  /** Shared token bucket for all callers; undefined removes it. */
  setRateLimit(rateLimit: RateLimit | undefined): void {
    setRateLimit(this.state, rateLimit);
  }

  /** Makes every temporary credential issued so far expired (the next use answers 403 ExpiredTokenException). */
  expireIssuedCredentials(): void {
    for (const credentials of this.state.issued.values()) credentials.expiresAt = 0;
  }

  /** Every temporary credential issued so far (for tests that check nothing leaks them). */
  issuedCredentials(): Array<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
    return [...this.state.issued].map(([accessKeyId, c]) => ({
      accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
    }));
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
}
