/**
 * The answer to CloudFormation: an HTTP PUT of JSON to the pre-signed ResponseURL, retried, since a lost answer leaves
 * the stack waiting. The URL is a credential for the stack's answer, never logged.
 */
import type * as http from 'node:http';
import { longestPrefixWithin } from './fit';
import { log } from './log';
import { retryUntilDeadline, type RetryPolicy } from './retry';

export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Record<string, string>;
}

/** CloudFormation rejects an answer larger than this. */
export const MAX_RESPONSE_BYTES = 4096;

const TRUNCATED = ' [truncated]';

/**
 * Serializes the answer. One whose JSON is over 4096 bytes keeps the longest start of its Reason that fits, counted in
 * bytes of the serialized body (a quote or a non-ASCII character takes more than one), never half a surrogate pair.
 */
export function serializeResponse(response: CustomResourceResponse): string {
  const body = JSON.stringify(response);
  if (Buffer.byteLength(body) <= MAX_RESPONSE_BYTES || !response.Reason) return body;
  const withReason = (reason: string) => JSON.stringify({ ...response, Reason: `${reason}${TRUNCATED}` });
  const reason = longestPrefixWithin(response.Reason, MAX_RESPONSE_BYTES, (prefix) => Buffer.byteLength(withReason(prefix)));
  return withReason(reason);
}

/** An answer PUT that failed: its HTTP status, or the network error's code. */
class AnswerNotAccepted extends Error {
  constructor(readonly outcome: string) {
    // Stryker disable next-line StringLiteral: Equivalent: this error's message never surfaces; the retry loop logs only its outcome (the status or the network code).
    super(`the answer was not accepted (${outcome})`);
    // Stryker disable next-line StringLiteral: Equivalent: this error's name never surfaces; the retry loop logs only its outcome.
    this.name = 'AnswerNotAccepted';
  }
}

function putOnce(url: URL, body: string, timeoutMs: number): Promise<void> {
  // Loaded on use: node:https (TLS) costs a cold start milliseconds an http URL does not need.
  const transport: typeof http = url.protocol === 'http:' ? require('node:http') : require('node:https');
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: 'PUT',
        // The pre-signed URL's signature covers an empty content type.
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          // Stryker disable next-line ConditionalExpression: Equivalent: Node.js never ends a response with a 1xx status (informational ones are separate events), so every status here is at least 200.
          if (status >= 200 && status < 300) resolve();
          else reject(new AnswerNotAccepted(`HTTP ${status}`));
        });
        response.on('error', (error: NodeJS.ErrnoException) => reject(new AnswerNotAccepted(error.code ?? error.message)));
      },
    );
    request.on('timeout', () => request.destroy(new AnswerNotAccepted(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(error instanceof AnswerNotAccepted ? error : new AnswerNotAccepted(error.code ?? error.message)),
    );
    request.end(body);
  });
}

/** Every failed PUT is retried: the answer is the one thing the stack cannot do without. */
export const ANSWER_RETRY_POLICY: RetryPolicy = {
  throttlingBaseDelayMs: 200,
  transientBaseDelayMs: 200,
  maxDelayMs: 4000,
  attemptTimeoutMs: 10_000,
  minAttemptMs: 1000,
  unreachableWindowMs: Infinity,
};

export interface SendOptions {
  /** Epoch ms by which the answer must be delivered (the Lambda's own end). */
  readonly deadline: number;
  /** @default 6 */
  readonly maxAttempts?: number;
  /** @default ANSWER_RETRY_POLICY */
  readonly policy?: RetryPolicy;
}

/**
 * PUTs the answer to the ResponseURL, retrying failures with backoff until it is accepted, the attempts run out
 * or the deadline comes. Returns whether CloudFormation accepted it; never throws.
 */
export async function sendResponse(responseUrl: string, response: CustomResourceResponse, options: SendOptions): Promise<boolean> {
  const body = serializeResponse(response);
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    log('ERROR', { message: 'ResponseURL is not a URL; CloudFormation cannot be answered' });
    return false;
  }
  const policy = options.policy ?? ANSWER_RETRY_POLICY;
  let attempt = 0;
  try {
    await retryUntilDeadline(
      // Stryker disable next-line StringLiteral: Equivalent: the operation name appears only in the retry loop's give-up error, which sendResponse catches and turns into a logged outcome that does not name it.
      'answer',
      async (timeoutMs) => {
        attempt++;
        try {
          await putOnce(url, body, timeoutMs);
        } catch (error) {
          log('WARN', { message: 'answer to CloudFormation not accepted', attempt, outcome: (error as AnswerNotAccepted).outcome });
          throw error;
        }
      },
      {
        // The first attempt is made however little time is left: an answer that may be cut off beats none.
        deadline: Math.max(options.deadline, Date.now() + policy.minAttemptMs),
        policy,
        maxAttempts: options.maxAttempts ?? 6,
        classify: () => 'transient',
      },
    );
    return true;
  } catch {
    log('ERROR', { message: 'could not deliver the answer to CloudFormation', requestId: response.RequestId, attempts: attempt });
    return false;
  }
}
