/**
 * A deadline-bounded retry loop. It retries what the AWS SDK's own classifier calls throttling or transient
 * (429, 500/502/503/504, timeouts, ECONNRESET and friends), with capped exponential backoff and full jitter, and
 * honours Retry-After. It never sleeps past the deadline: @smithy/util-retry's strategy sleeps inside
 * refreshRetryTokenForRetry, so it cannot stop at a Lambda's remaining time.
 */
import { isThrottlingError, isTransientError } from '@smithy/service-error-classification';

export interface RetryPolicy {
  /** First backoff ceiling for throttling errors. */
  readonly throttlingBaseDelayMs: number;
  /** First backoff ceiling for transient errors (5xx, network, timeouts). */
  readonly transientBaseDelayMs: number;
  /** Ceiling of any one backoff. */
  readonly maxDelayMs: number;
  /** Timeout of one attempt; the last attempt gets what is left before the deadline. */
  readonly attemptTimeoutMs: number;
  /** An attempt is not started with less time than this left. */
  readonly minAttemptMs: number;
}

/**
 * Tuned with bench/storm.ts (200 concurrent events, a shared limit of 50 requests/s). A 429 from FinSpace means
 * the limit shared by every concurrent handler is saturated: retries spread over a few seconds keep the aggregate
 * rate near the limit, where fast retries (the SDK's 1 s base) mostly earn more 429s. A 6 s cap keeps the tail,
 * and so the deploy's makespan, short. Transient failures are not about load, so they retry fast.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  throttlingBaseDelayMs: 3500,
  transientBaseDelayMs: 100,
  maxDelayMs: 6000,
  attemptTimeoutMs: 10_000,
  minAttemptMs: 500,
};

export interface RetryStats {
  attempts: number;
  throttled: number;
  transient: number;
  readonly startedAt: number;
}

export interface RetryOptions {
  /** Epoch ms after which no attempt starts and no backoff ends. */
  readonly deadline: number;
  readonly policy?: RetryPolicy;
  /** Shared by the calls of one request, so a failure reports all attempts. */
  readonly stats?: RetryStats;
  readonly random?: () => number;
  readonly now?: () => number;
}

export type RetryClass = 'throttling' | 'transient' | undefined;

/** The SDK's classification; anything else (400, 403, 404, 409, a bad answer) is final. */
export function classify(error: unknown): RetryClass {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(e)) return 'throttling';
  if (isTransientError(e)) return 'transient';
  return undefined;
}

/** The budget ran out: the last error, and how many attempts were throttled over how long. */
export class RetryBudgetExhaustedError extends Error {
  constructor(
    readonly operation: string,
    readonly lastError: Error,
    readonly stats: RetryStats,
    elapsedMs: number,
  ) {
    super(
      `${operation} gave up at the deadline: ${stats.attempts} FinSpace calls over ${(elapsedMs / 1000).toFixed(1)} s, ` +
        `${stats.throttled} of them throttled (429) and ${stats.transient} transient failures; last error: ${lastError.name}: ${lastError.message}. ` +
        'FinSpace kept refusing the calls; deploy again later, or with fewer FinSpace settings changes at once.',
    );
    this.name = 'RetryBudgetExhaustedError';
  }
}

export function newRetryStats(now: number = Date.now()): RetryStats {
  return { attempts: 0, throttled: 0, transient: 0, startedAt: now };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How a call is retried: `attempt` is called with the timeout it must keep to, until the runner gives up. */
export type RetryRunner = <T>(operation: string, attempt: (timeoutMs: number) => Promise<T>, options: RetryOptions) => Promise<T>;

/**
 * Runs `attempt` until it succeeds, fails with a final error (thrown as is), or the deadline leaves no room for
 * another attempt (RetryBudgetExhaustedError). `attempt` receives the timeout it must keep to.
 */
export async function retryUntilDeadline<T>(operation: string, attempt: (timeoutMs: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const stats = options.stats ?? newRetryStats(now());
  for (let retry = 0; ; retry++) {
    const left = options.deadline - now();
    stats.attempts++;
    try {
      return await attempt(Math.max(1, Math.min(policy.attemptTimeoutMs, left)));
    } catch (error) {
      const kind = classify(error);
      if (!kind) throw error;
      if (kind === 'throttling') stats.throttled++;
      else stats.transient++;
      const base = kind === 'throttling' ? policy.throttlingBaseDelayMs : policy.transientBaseDelayMs;
      const ceiling = Math.min(policy.maxDelayMs, base * 2 ** Math.min(retry, 30));
      const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs;
      const wanted = retryAfter !== undefined ? Math.min(retryAfter, policy.maxDelayMs) : random() * ceiling;
      // The last attempt starts early enough to end by the deadline; without room for one, give up now.
      const latest = options.deadline - policy.minAttemptMs - now();
      if (latest < 0) throw new RetryBudgetExhaustedError(operation, error as Error, stats, now() - stats.startedAt);
      await sleep(Math.min(wanted, latest));
    }
  }
}
