/**
 * The baselines: the AWS SDK for JavaScript v3's own retry strategies (@smithy/util-retry), driven the way the
 * SDK's retry middleware drives them, as a RetryRunner for FinSpaceAccess. Standard mode with 3 attempts is what
 * a generated client or AwsCustomResource would do by default; adaptive mode adds its client-side rate limiter.
 */
import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import { AdaptiveRetryStrategy, StandardRetryStrategy } from '@smithy/util-retry';
import type { RetryRunner } from '../lambda/retry';

type Strategy = StandardRetryStrategy | AdaptiveRetryStrategy;
type ClassifiedError = Parameters<typeof isThrottlingError>[0];

function errorType(error: ClassifiedError) {
  if (isThrottlingError(error)) return 'THROTTLING' as const;
  if (isTransientError(error)) return 'TRANSIENT' as const;
  if (isServerError(error)) return 'SERVER_ERROR' as const;
  return 'CLIENT_ERROR' as const;
}

/** A runner over one SDK strategy: a strategy per container, as each SDK client has its own. */
export function sdkRetryRunner(strategy: Strategy): RetryRunner {
  return async (operation, attempt, options) => {
    let token = (await strategy.acquireInitialRetryToken(operation)) as Parameters<Strategy['recordSuccess']>[0];
    for (;;) {
      if (options.stats) options.stats.attempts++;
      try {
        const result = await attempt(Math.max(1, Math.min(10_000, options.deadline - Date.now())));
        strategy.recordSuccess(token);
        return result;
      } catch (error) {
        const type = errorType(error as ClassifiedError);
        if (options.stats && type === 'THROTTLING') options.stats.throttled++;
        if (Date.now() >= options.deadline || type === 'CLIENT_ERROR') throw error;
        // Throws when the attempts or the retry capacity are used up; sleeps the backoff otherwise.
        token = (await strategy.refreshRetryTokenForRetry(token, { errorType: type, error: error as never })) as typeof token;
      }
    }
  };
}

export const sdkStandard = (): RetryRunner => sdkRetryRunner(new StandardRetryStrategy(3));
export const sdkAdaptive = (): RetryRunner => sdkRetryRunner(new AdaptiveRetryStrategy(async () => 3));
