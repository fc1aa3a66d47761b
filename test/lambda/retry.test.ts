/**
 * The retry loop on an injected clock, random source and sleep: the README's backoff figures exactly, Retry-After,
 * the per-attempt timeout, the deadline, and the short window for an endpoint that cannot be reached.
 */
import {
  backoffCeilingMs,
  classify,
  DEFAULT_RETRY_POLICY,
  EndpointUnreachableError,
  CERTIFICATE_CODES,
  isUnreachable,
  newRetryStats,
  RetryBudgetExhaustedError,
  retryUntilDeadline,
  type RetryOptions,
} from '../../lambda/retry';
import { caught } from '../support/lambda-cases';

const throttled = (retryAfterMs?: number) =>
  Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 }, retryAfterMs });
const serverError = () =>
  Object.assign(new Error('boom'), { name: 'InternalServerException', $fault: 'server', $metadata: { httpStatusCode: 500 } });
const networkError = (code: string) => Object.assign(new Error(`getaddrinfo ${code} finspace-api.example`), { code });
const final = () => Object.assign(new Error('bad'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });

/** A fake clock: sleeping moves it; each attempt takes `attemptMs`. */
function fakeTime(random = 1, attemptMs = 0) {
  const clock = { t: 0, sleeps: [] as number[], timeouts: [] as number[] };
  const options = (deadline: number, extra: Partial<RetryOptions> = {}): RetryOptions => ({
    deadline,
    now: () => clock.t,
    random: () => random,
    sleep: async (ms) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
    ...extra,
  });
  const failing = (errors: Array<() => Error> | (() => Error), then?: unknown) => {
    let n = 0;
    return async (timeoutMs: number) => {
      clock.timeouts.push(timeoutMs);
      clock.t += Math.min(attemptMs, timeoutMs);
      const next = Array.isArray(errors) ? errors[n++] : errors;
      if (next) throw next();
      return then;
    };
  };
  return { clock, options, failing };
}

test('the policy is the one the README states', () => {
  expect(DEFAULT_RETRY_POLICY).toEqual({
    throttlingBaseDelayMs: 3500,
    transientBaseDelayMs: 100,
    maxDelayMs: 6000,
    attemptTimeoutMs: 10_000,
    minAttemptMs: 500,
    unreachableWindowMs: 10_000,
  });
});

test('throttling backs off from a 3.5 s ceiling, doubling to a 6 s cap, with full jitter', async () => {
  const { clock, options, failing } = fakeTime(1);
  await caught(retryUntilDeadline('UpdateUser', failing(throttled), options(3_600_000, { maxAttempts: 5 })));
  expect(clock.sleeps).toEqual([3500, 6000, 6000, 6000]);
  const half = fakeTime(0.5);
  await caught(retryUntilDeadline('UpdateUser', half.failing(throttled), half.options(3_600_000, { maxAttempts: 3 })));
  expect(half.clock.sleeps).toEqual([1750, 3000]);
});

test('transient failures back off from 100 ms, doubling to the same cap', async () => {
  const { clock, options, failing } = fakeTime(1);
  await caught(retryUntilDeadline('UpdateUser', failing(serverError), options(3_600_000, { maxAttempts: 10 })));
  expect(clock.sleeps).toEqual([100, 200, 400, 800, 1600, 3200, 6000, 6000, 6000]);
  expect(backoffCeilingMs('transient', 100, DEFAULT_RETRY_POLICY)).toBe(6000);
  expect(backoffCeilingMs('unreachable', 0, DEFAULT_RETRY_POLICY)).toBe(100);
});

test('Retry-After is honoured instead of the jitter, up to the cap', async () => {
  const { clock, options, failing } = fakeTime(1);
  const out = await retryUntilDeadline(
    'UpdateUser',
    failing([() => throttled(2500), () => throttled(60_000), () => throttled(0)], 'ok'),
    options(3_600_000),
  );
  expect(out).toBe('ok');
  expect(clock.sleeps).toEqual([2500, 6000, 0]);
});

test('each attempt gets the 10 s attempt timeout, or what is left before the deadline', async () => {
  const { clock, options, failing } = fakeTime(1, 2000);
  await caught(retryUntilDeadline('UpdateUser', failing(serverError), options(16_000)));
  // t=0: 10 s; then 2 s attempts and 0.1, 0.2, 0.4 ... s backoffs eat into the 16 s.
  expect(clock.timeouts[0]).toBe(10_000);
  expect(clock.timeouts.at(-1)).toBeLessThan(10_000);
  expect(clock.timeouts.every((t) => t >= 500 && t <= 10_000)).toBe(true);
  expect(clock.t).toBeLessThanOrEqual(16_000);
});

test('the last backoff is shortened so one more attempt fits; with no room left it gives up with the counts', async () => {
  const { clock, options, failing } = fakeTime(1);
  const stats = newRetryStats(0);
  const error = await caught(retryUntilDeadline('UpdateUser', failing(throttled), options(5000, { stats })));
  expect(clock.sleeps).toEqual([3500, 1000]);
  expect(clock.timeouts).toEqual([5000, 1500, 500]);
  expect(error).toBeInstanceOf(RetryBudgetExhaustedError);
  expect(stats).toEqual({ attempts: 3, throttled: 3, transient: 0, startedAt: 0 });
  expect(error.message).toBe(
    'UpdateUser gave up at the deadline: 3 FinSpace calls over 4.5 s, 3 of them throttled (429) and 0 transient failures; ' +
      'last error: ThrottlingException: Rate exceeded. FinSpace kept refusing the calls; deploy again later, or with fewer FinSpace settings changes at once.',
  );
});

test('the counts tell throttling from transient failures, and the time is measured from when the stats started', async () => {
  const { clock, options, failing } = fakeTime(0.5);
  clock.t = 40_000;
  const stats = newRetryStats(clock.t);
  const errors = [throttled, serverError, serverError, throttled, serverError];
  const error = await caught(retryUntilDeadline('UpdateUser', failing(errors, 'never'), options(100_000, { stats, maxAttempts: 5 })));
  expect(stats).toEqual({ attempts: 5, throttled: 2, transient: 3, startedAt: 40_000 });
  // Half of each ceiling: 1750 (throttled, retry 0), 100 and 200 (transient), 3000 (throttled, retry 3, capped at 6 s).
  expect(clock.sleeps).toEqual([1750, 100, 200, 3000]);
  expect(error.message).toMatch(
    /^UpdateUser gave up at the deadline: 5 FinSpace calls over 5\.[01] s, 2 of them throttled \(429\) and 3 transient/,
  );
});

test('a final error is thrown as it is, after one attempt', async () => {
  const { clock, options, failing } = fakeTime(1);
  const stats = newRetryStats(0);
  const error = await caught(retryUntilDeadline('UpdateUser', failing(final), options(60_000, { stats })));
  expect(error.name).toBe('ValidationException');
  expect(stats.attempts).toBe(1);
  expect(clock.sleeps).toEqual([]);
});

test('an unreachable endpoint is retried fast for 10 s, then given up, whatever the deadline', async () => {
  const { clock, options, failing } = fakeTime(1, 0);
  const error = await caught(
    retryUntilDeadline(
      'GetProgrammaticAccessCredentials',
      failing(() => networkError('ENOTFOUND')),
      options(300_000),
    ),
  );
  expect(error).toBeInstanceOf(EndpointUnreachableError);
  expect(error.message).toBe(
    'GetProgrammaticAccessCredentials could not reach the endpoint for 10 s (ENOTFOUND: getaddrinfo ENOTFOUND finspace-api.example)',
  );
  expect(clock.t).toBeGreaterThanOrEqual(10_000);
  expect(clock.t).toBeLessThan(10_000 + 6000);
  expect(clock.sleeps.slice(0, 3)).toEqual([100, 200, 400]);
});

test('the unreachable window starts again after any other answer', async () => {
  const { clock, options, failing } = fakeTime(1, 0);
  const pattern = [...Array(6).fill(() => networkError('EAI_AGAIN')), serverError, ...Array(2).fill(() => networkError('EAI_AGAIN'))];
  const out = await retryUntilDeadline('UpdateUser', failing(pattern, 'ok'), options(300_000));
  expect(out).toBe('ok');
  expect(clock.t).toBeGreaterThan(10_000);
});

test('classification: the SDK classifier, with unreachable endpoints apart', () => {
  expect(classify(throttled())).toBe('throttling');
  expect(classify(serverError())).toBe('transient');
  expect(classify(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('transient');
  expect(classify(final())).toBeUndefined();
  expect(classify(null)).toBeUndefined();
  expect(classify('boom')).toBeUndefined();
  for (const code of [
    'ENOTFOUND',
    'EAI_AGAIN',
    'EAI_FAIL',
    'EAI_NONAME',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ECONNREFUSED',
    // Certificate failures: every one is in the next test.
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'EPROTO',
    'ERR_SSL_WRONG_VERSION_NUMBER',
  ]) {
    expect([code, classify(networkError(code))]).toEqual([code, 'unreachable']);
  }
  for (const code of ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EPROTONOSUPPORT', 'OUT_OF_MEM', 'XERR_TLS_X', 'ERR_HTTP2_ERROR', 'EPROTO_X'])
    expect([code, isUnreachable(networkError(code))]).toEqual([code, false]);
  expect(isUnreachable({ code: 7 })).toBe(false);
  expect(isUnreachable(undefined)).toBe(false);
  // Not an error object at all: no class, and no exception from the SDK's classifiers.
  expect(classify(undefined)).toBeUndefined();
});

test('every certificate verification failure Node.js reports is unreachable, not final (a wrong endpoint is no bad request)', () => {
  // OpenSSL's X509 verification errors as Node.js names them, but OUT_OF_MEM.
  const codes = [
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
  ];
  expect([...CERTIFICATE_CODES].sort()).toEqual([...codes].sort());
  for (const code of codes) expect([code, classify(networkError(code))]).toEqual([code, 'unreachable']);
});

test('maxAttempts stops the loop before the deadline; a custom classifier decides what is retried', async () => {
  const { clock, options, failing } = fakeTime(1);
  const error = await caught(
    retryUntilDeadline('answer', failing(final), options(3_600_000, { maxAttempts: 2, classify: () => 'transient' })),
  );
  expect(error).toBeInstanceOf(RetryBudgetExhaustedError);
  expect(clock.timeouts).toHaveLength(2);
});
