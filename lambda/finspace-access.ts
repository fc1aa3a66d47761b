/**
 * FinSpace's authorization model: the handler's IAM role calls GetProgrammaticAccessCredentials, and UpdateUser
 * runs with the temporary credentials it returns (they act as the FinSpace user whose API access principal is
 * the role). Credentials are cached per environment for the life of a warm container, until shortly before
 * they expire, and fetched afresh once when FinSpace says they expired or were rejected.
 */
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { FINSPACE_STATUS } from '../lib/finspace-status';
import { REJECTED_CREDENTIAL_ERROR_NAMES } from './error-names';
import { FinSpaceDataClient, FinSpaceDataServiceError, type UpdateUserInput, type UpdateUserOutput } from './finspace-client';
import { ComposedError, errorNamePart, outside, partsOf, requestIdPart, type ReasonPart } from './outside-text';
import { EndpointUnreachableError, newRetryStats, retryUntilDeadline, type RetryRunner, type RetryStats } from './retry';

/**
 * A call that failed for good, with the service's error name as `code`, the operation that failed, and a message that
 * says what to do (its parts tell the library's words from the service's, see outside-text.ts).
 */
export class FinSpaceCallError extends ComposedError {
  constructor(
    readonly code: string,
    readonly operation: string,
    parts: readonly ReasonPart[],
    options?: { cause?: unknown },
  ) {
    super(parts, options);
    this.name = 'FinSpaceCallError';
  }
}

export interface FinSpaceAccessConfig {
  readonly region: string;
  readonly endpoint?: string;
  /** The handler role's own credentials (in Lambda, from the environment). */
  readonly roleCredentials: AwsCredentialIdentityProvider;
  /** Named in authorization failures, so the user knows which role to register. */
  readonly roleArn?: string;
  readonly httpHandler?: NodeHttpHandler;
  /** How calls are retried. @default retryUntilDeadline with DEFAULT_RETRY_POLICY */
  readonly retry?: RetryRunner;
  /** @default 60 (the model's maximum) */
  readonly durationInMinutes?: number;
  /** Fetch new credentials this long before the old ones expire. @default 5 minutes */
  readonly refreshMarginMs?: number;
  /** The clock credentials expire by. @default Date.now */
  readonly now?: () => number;
}

export interface CallContext {
  /** Epoch ms by which all attempts must have ended. */
  readonly deadline: number;
  /** Counts attempts across both calls of one request. @default fresh counters */
  readonly stats?: RetryStats;
  /**
   * Called when an UpdateUser attempt ends without FinSpace's success or refusal (a timeout, a lost connection, a 5xx, an
   * unreadable answer): FinSpace may have applied it, whatever the call's final error says.
   */
  readonly onUncertainAttempt?: () => void;
  /** Called before each UpdateUser attempt is sent; an error it throws ends the call unsent, with that error. */
  readonly beforeAttempt?: () => void;
}

/** An answer that refuses the request (4xx, throttling and rejected credentials included): FinSpace did not apply it. */
function isRefusal(error: unknown): boolean {
  if (!(error instanceof FinSpaceDataServiceError)) return false;
  const status = error.$metadata.httpStatusCode;
  return status >= 400 && status < 500;
}

/** An environment's temporary credentials, and the client that signs with them (built once, reused warm). */
interface CachedCredentials {
  readonly client: FinSpaceDataClient;
  readonly refreshAt: number;
}

const REJECTED_CREDENTIAL_ERRORS = new Set(REJECTED_CREDENTIAL_ERROR_NAMES);

/** A 403 that means "these temporary credentials no longer work", as opposed to "this principal may not". */
export function isRejectedCredentials(error: unknown): boolean {
  if (!(error instanceof FinSpaceDataServiceError) || error.$metadata.httpStatusCode !== 403) return false;
  return REJECTED_CREDENTIAL_ERRORS.has(error.name) || /expired|security token|signature/i.test(error.message);
}

const REGISTRATION_STEP =
  'Register the role in the FinSpace environment as the API access principal (apiAccessPrincipalArn, with apiAccess ENABLED) ' +
  'of a FinSpace user who may manage users: a superuser, or a member of a permission group with the ManageUsersAndGroups permission.';

export class FinSpaceAccess {
  private readonly cache = new Map<string, CachedCredentials>();
  private readonly roleClient: FinSpaceDataClient;
  private readonly retry: RetryRunner;
  private readonly durationInMinutes: number;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;

  constructor(private readonly config: FinSpaceAccessConfig) {
    this.roleClient = new FinSpaceDataClient({
      region: config.region,
      endpoint: config.endpoint,
      credentials: config.roleCredentials,
      httpHandler: config.httpHandler,
    });
    this.retry = config.retry ?? retryUntilDeadline;
    this.durationInMinutes = config.durationInMinutes ?? 60;
    this.refreshMarginMs = config.refreshMarginMs ?? 5 * 60_000;
    this.now = config.now ?? Date.now;
  }

  /** UpdateUser in `environmentId` as the FinSpace user the handler's role is registered to. */
  async updateUser(environmentId: string, input: UpdateUserInput, context: CallContext): Promise<UpdateUserOutput> {
    const stats = context.stats ?? newRetryStats();
    const where = `user ${JSON.stringify(input.userId)} in FinSpace environment ${JSON.stringify(environmentId)}`;
    let client = await this.clientFor(environmentId, context.deadline, stats, false);
    for (let refreshed = false; ; refreshed = true) {
      try {
        const attempt = async (timeoutMs: number) => {
          context.beforeAttempt?.();
          try {
            return await client.updateUser(input, { timeoutMs });
          } catch (error) {
            if (!isRefusal(error)) context.onUncertainAttempt?.();
            throw error;
          }
        };
        return await this.retry('UpdateUser', attempt, { deadline: context.deadline, stats });
      } catch (error) {
        if (isRejectedCredentials(error) && !refreshed) {
          client = await this.clientFor(environmentId, context.deadline, stats, true);
          continue;
        }
        throw this.finalError('UpdateUser', where, environmentId, error);
      }
    }
  }

  /** A client signing with the environment's temporary credentials: cached ones until their refresh time, or new ones. */
  private async clientFor(environmentId: string, deadline: number, stats: RetryStats, force: boolean): Promise<FinSpaceDataClient> {
    const cached = this.cache.get(environmentId);
    // Stryker disable next-line EqualityOperator: Not worth a test: the two differ at one millisecond, the refresh time itself, 5 minutes before the credentials expire.
    if (!force && cached && this.now() < cached.refreshAt) return cached.client;
    this.cache.delete(environmentId);
    let output;
    try {
      output = await this.retry(
        'GetProgrammaticAccessCredentials',
        (timeoutMs) =>
          this.roleClient.getProgrammaticAccessCredentials({ environmentId, durationInMinutes: this.durationInMinutes }, { timeoutMs }),
        { deadline, stats },
      );
    } catch (error) {
      throw this.finalError(
        'GetProgrammaticAccessCredentials',
        `FinSpace environment ${JSON.stringify(environmentId)}`,
        environmentId,
        error,
      );
    }
    const { accessKeyId, secretAccessKey, sessionToken } = output.credentials ?? {};
    if (!accessKeyId || !secretAccessKey || !sessionToken) {
      throw new FinSpaceCallError('InvalidResponse', 'GetProgrammaticAccessCredentials', [
        `GetProgrammaticAccessCredentials for FinSpace environment ${JSON.stringify(environmentId)} answered without complete credentials; retry the deployment, and report it if it persists.`,
      ]);
    }
    // The duration FinSpace answered, else (missing, not a positive number) the one asked for: a NaN refresh time would
    // turn the cache off without a word.
    const answered: unknown = output.durationInMinutes;
    // Stryker disable next-line ConditionalExpression: Equivalent: Number.isFinite is true only for numbers, so the typeof test adds nothing.
    const minutes = typeof answered === 'number' && Number.isFinite(answered) && answered > 0 ? answered : this.durationInMinutes;
    const client = new FinSpaceDataClient({
      region: this.config.region,
      endpoint: this.config.endpoint,
      credentials: { accessKeyId, secretAccessKey, sessionToken },
      httpHandler: this.config.httpHandler,
    });
    this.cache.set(environmentId, { client, refreshAt: this.now() + minutes * 60_000 - this.refreshMarginMs });
    return client;
  }

  /** What a user is told when the endpoint cannot be found, reached, or is not FinSpace's. */
  private endpointAdvice(): string {
    return (
      `The FinSpace Data API endpoint ${this.roleClient.endpoint.origin} (region ${this.config.region}) cannot be reached or does not serve FinSpace. ` +
      `${FINSPACE_STATUS} If FinSpace is gone for this account, retain the resource instead of deleting it ` +
      '(removalPolicy RETAIN, or retain it when CloudFormation offers to after DELETE_FAILED); otherwise check the region, ' +
      'the endpoint override (AWS_ENDPOINT_URL_FINSPACE_DATA) and, in a VPC, the route to the endpoint.'
    );
  }

  /** Turns a failure into one a CloudFormation user can act on: what failed, where, why, what to do. */
  private finalError(operation: string, where: string, environmentId: string, error: unknown): Error {
    if (error instanceof EndpointUnreachableError) {
      return new FinSpaceCallError(
        'EndpointUnreachable',
        operation,
        [`${operation} failed for ${where}: `, ...error.parts, `. ${this.endpointAdvice()}`],
        // Stryker disable next-line ObjectLiteral: Equivalent for users: an error's cause is never logged or answered; the reason is made of its parts.
        { cause: error },
      );
    }
    if (!(error instanceof FinSpaceDataServiceError)) return error instanceof Error ? error : new ComposedError(partsOf(error));
    // The service's words (or, for an answer without any, this client's own).
    const message = partsOf(error);
    if (error.$metadata.httpStatusCode === 404 && error.name !== 'ResourceNotFoundException') {
      // Not FinSpace's "no such user": the endpoint does not know the operation at all.
      return new FinSpaceCallError(
        error.name,
        operation,
        // Stryker disable next-line StringLiteral: Not worth a test: it only separates the error name from the service's message in the unknown-operation sentence, whose words are each checked.
        [`${operation} failed for ${where}: HTTP 404 `, errorNamePart(error.name), ': ', ...message, `. ${this.endpointAdvice()}`],
        // Stryker disable next-line ObjectLiteral: Equivalent for users: an error's cause is never logged or answered; the reason is made of its parts.
        { cause: error },
      );
    }
    const role = this.config.roleArn ? `the handler's role ${this.config.roleArn}` : "the handler's role";
    const service: ReasonPart[] = [
      errorNamePart(error.name),
      ': ',
      ...message,
      ...(error.reason ? [' (reason: ', outside(error.reason), ')'] : []),
    ];
    let advice: string;
    switch (error.name) {
      case 'AccessDeniedException':
        advice =
          operation === 'GetProgrammaticAccessCredentials'
            ? `FinSpace environment ${JSON.stringify(environmentId)} does not accept ${role} as an API access principal. ${REGISTRATION_STEP}`
            : `The FinSpace user that ${role} acts as in environment ${JSON.stringify(environmentId)} may not manage users. ${REGISTRATION_STEP}`;
        break;
      case 'ResourceNotFoundException':
        advice =
          'The user must already exist: FinSpaceUserSettings changes settings, it does not create users. Check userId and environmentId.';
        break;
      case 'ValidationException':
        advice = 'FinSpace rejected a setting; correct the value it names.';
        break;
      case 'ConflictException':
        advice = 'Another change to this user is in progress or conflicts; retry the deployment.';
        break;
      default:
        advice = isRejectedCredentials(error)
          ? `FinSpace rejected fresh temporary credentials for ${role}; check that its API access is still ENABLED. ${REGISTRATION_STEP}`
          : 'Retry the deployment; report it if it persists.';
    }
    const requestId = error.$metadata.requestId ? [' (request id ', requestIdPart(error.$metadata.requestId), ')'] : [];
    return new FinSpaceCallError(
      error.name,
      operation,
      [`${operation} failed for ${where}`, ...requestId, ': ', ...service, `. ${advice}`],
      // Stryker disable next-line ObjectLiteral: Equivalent for users: an error's cause is never logged or answered; the reason is made of its parts.
      {
        cause: error,
      },
    );
  }
}
