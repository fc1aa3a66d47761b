/**
 * The one retry loop, bounded by a deadline (a Lambda's remaining time, which @smithy/util-retry cannot stop at): the
 * SDK's throttling and transient errors with capped backoff, full jitter and Retry-After; an unreachable endpoint only
 * for a short window. README: "Retry policy".
 */
import { isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import { ComposedError, errorNamePart, networkCodePart, outside, partsOf, type ReasonPart } from './outside-text';

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
  /** How long an endpoint that cannot be found or reached is retried before the call gives up. */
  readonly unreachableWindowMs: number;
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
  unreachableWindowMs: 10_000,
};

export interface RetryStats {
  attempts: number;
  throttled: number;
  transient: number;
  readonly startedAt: number;
}

export type RetryClass = 'throttling' | 'transient' | 'unreachable' | undefined;

export interface RetryOptions {
  /** Epoch ms after which no attempt starts and no backoff ends. */
  readonly deadline: number;
  readonly policy?: RetryPolicy;
  /** Shared by the calls of one request, so a failure reports all attempts. */
  readonly stats?: RetryStats;
  /** Stop after this many attempts of this call. @default no limit but the deadline */
  readonly maxAttempts?: number;
  /** What is retried, and how. @default classify (the SDK's classifier) */
  readonly classify?: (error: unknown) => RetryClass;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Network error codes that mean the endpoint cannot be found or reached, as opposed to a passing fault. */
const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNREFUSED']);

/**
 * OpenSSL's certificate verification failures, as Node.js names them on a TLS socket's error: the endpoint could not
 * be proven to be the service. (OUT_OF_MEM, the one other code of that list, is no fault of the endpoint.)
 */
export const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/** A DNS, routing or TLS failure: the endpoint is gone or is not the service. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // Stryker disable next-line ConditionalExpression: Equivalent: a code that is not a string is in neither set and is not EPROTO, and the pattern reads it as text (a number's digits) that does not start with ERR_.
  if (typeof code !== 'string') return false;
  return UNREACHABLE_CODES.has(code) || CERTIFICATE_CODES.has(code) || code === 'EPROTO' || /^ERR_(TLS|SSL)_/.test(code);
}

/** The SDK's classification, with unreachable endpoints apart; anything else (400, 403, 404, 409, a bad answer) is final. */
export function classify(error: unknown): RetryClass {
  if (error === null || typeof error !== 'object') return undefined;
  if (isUnreachable(error)) return 'unreachable';
  const e = error as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(e)) return 'throttling';
  if (isTransientError(e)) return 'transient';
  return undefined;
}

/** The ceiling of the `retry`-th backoff (0 for the first): the class's base, doubling, capped. */
export function backoffCeilingMs(kind: Exclude<RetryClass, undefined>, retry: number, policy: RetryPolicy): number {
  const base = kind === 'throttling' ? policy.throttlingBaseDelayMs : policy.transientBaseDelayMs;
  return Math.min(policy.maxDelayMs, base * 2 ** Math.min(retry, 30));
}

/** The budget ran out: the last error, and how many attempts were throttled over how long. */
export class RetryBudgetExhaustedError extends ComposedError {
  constructor(
    readonly operation: string,
    readonly lastError: Error,
    readonly stats: RetryStats,
    elapsedMs: number,
  ) {
    super([
      `${operation} gave up at the deadline: ${stats.attempts} FinSpace calls over ${(elapsedMs / 1000).toFixed(1)} s, ` +
        `${stats.throttled} of them throttled (429) and ${stats.transient} transient failures; last error: `,
      errorNamePart(lastError.name),
      ': ',
      ...partsOf(lastError),
      '. FinSpace kept refusing the calls; deploy again later, or with fewer FinSpace settings changes at once.',
    ]);
    this.name = 'RetryBudgetExhaustedError';
  }
}

/** The endpoint could not be found or reached for the whole unreachable window. */
export class EndpointUnreachableError extends ComposedError {
  constructor(
    readonly operation: string,
    readonly lastError: Error,
    readonly windowMs: number,
  ) {
    const code = (lastError as { code?: unknown }).code;
    const parts: ReasonPart[] = [
      `${operation} could not reach the endpoint for ${(windowMs / 1000).toFixed(0)} s (`,
      // Stryker disable next-line ConditionalExpression: Equivalent: only errors with a string code are classified unreachable, so lastError's code here is always a string.
      typeof code === 'string' ? networkCodePart(code) : errorNamePart(lastError.name),
      ': ',
      // Network error text (it names hosts and addresses) is not the library's own.
      outside(lastError.message),
      ')',
    ];
    super(parts);
    // Stryker disable next-line StringLiteral: Equivalent: FinSpaceAccess recognizes this error by its class and rewrites it (code EndpointUnreachable); its own name is never shown.
    this.name = 'EndpointUnreachableError';
  }
}

export function newRetryStats(now: number = Date.now()): RetryStats {
  return { attempts: 0, throttled: 0, transient: 0, startedAt: now };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How a call is retried: `attempt` is called with the timeout it must keep to, until the runner gives up. */
export type RetryRunner = <T>(operation: string, attempt: (timeoutMs: number) => Promise<T>, options: RetryOptions) => Promise<T>;

/**
 * Runs `attempt` until it succeeds, fails with a final error (thrown as is), the endpoint stays unreachable for the
 * policy's window (EndpointUnreachableError), or the deadline or maxAttempts leaves no room for another attempt
 * (RetryBudgetExhaustedError). `attempt` receives the timeout it must keep to.
 */
export async function retryUntilDeadline<T>(
  operation: string,
  attempt: (timeoutMs: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? realSleep;
  const classifyError = options.classify ?? classify;
  const stats = options.stats ?? newRetryStats(now());
  let unreachableSince: number | undefined;
  for (let retry = 0; ; retry++) {
    stats.attempts++;
    try {
      return await attempt(Math.max(1, Math.min(policy.attemptTimeoutMs, options.deadline - now())));
    } catch (error) {
      const kind = classifyError(error);
      if (!kind) throw error;
      if (kind === 'throttling') stats.throttled++;
      else stats.transient++;
      if (kind === 'unreachable') {
        unreachableSince ??= now();
        // Stryker disable next-line EqualityOperator: Not worth a test: the two differ at one millisecond, the end of the 10 s window.
        if (now() - unreachableSince >= policy.unreachableWindowMs)
          throw new EndpointUnreachableError(operation, error as Error, policy.unreachableWindowMs);
      } else {
        unreachableSince = undefined;
      }
      const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs;
      const wanted = retryAfter !== undefined ? Math.min(retryAfter, policy.maxDelayMs) : random() * backoffCeilingMs(kind, retry, policy);
      // The last attempt starts early enough to end by the deadline; without room for one, give up now.
      const latest = options.deadline - policy.minAttemptMs - now();
      if (latest <= 0 || retry + 1 >= (options.maxAttempts ?? Infinity)) {
        throw new RetryBudgetExhaustedError(operation, error as Error, stats, now() - stats.startedAt);
      }
      await sleep(Math.min(wanted, latest));
    }
  }
}
