/**
 * FinSpace's authorization model: the role gets temporary credentials (GetProgrammaticAccessCredentials), cached per
 * environment until shortly before they expire, and UpdateUser runs with them. README: "Register the handler's role".
 */
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { FinSpaceDataClient, FinSpaceDataServiceError, type UpdateUserInput, type UpdateUserOutput } from './finspace-client';
import { callFailure, FinSpaceCallError, isRejectedCredentials, type CallTarget } from './call-failure';
import { newRetryStats, retryUntilDeadline, type RetryRunner, type RetryStats } from './retry';

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

export class FinSpaceAccess {
  private readonly cache = new Map<string, CachedCredentials>();
  private readonly roleClient: FinSpaceDataClient;
  private readonly retry: RetryRunner;
  private readonly durationInMinutes: number;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;
  private readonly where: CallTarget;

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
    this.where = { endpoint: this.roleClient.endpoint.origin, region: config.region, roleArn: config.roleArn };
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
        throw callFailure('UpdateUser', where, environmentId, error, this.where);
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
      throw callFailure(
        'GetProgrammaticAccessCredentials',
        `FinSpace environment ${JSON.stringify(environmentId)}`,
        environmentId,
        error,
        this.where,
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
}
