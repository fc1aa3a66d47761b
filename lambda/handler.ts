/**
 * The Lambda entry point: speaks CloudFormation's custom-resource protocol itself. Every request it may answer gets an
 * answer and one audit line, and it never throws. README: "Guarantees".
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ROLE_ARN_ENV, SERVICE_TIMEOUT_ENV, STACK_ID_ENV } from '../lib/handler-contract';
import { failedCallResult, newAuditTrail, recordSent, writeAudit, type AuditTrail } from './audit';
import { sendResponse, type CustomResourceResponse } from './cfn-response';
import { deadlinesOf, type Deadlines, type RemainingTime } from './deadlines';
import { FinSpaceAccess } from './finspace-access';
import { resolveEndpoint } from './finspace-client';
import { physicalIdOnFailure, startLifecycle, type Lifecycle, type LifecycleOutcome, type UserSettingsApi } from './lifecycle';
import { partsOf, type ReasonPart } from './outside-text';
import { reasonText } from './outside-words';
import { readRequest, type Envelope } from './request';
import { checkNotOutlived, type RequestTimes } from './request-age';
import { responseUrlRules, type ResponseUrlRules } from './response-url';
import { newRetryStats, retryUntilDeadline, type RetryPolicy, type RetryStats } from './retry';
import { raceTimeout } from './timeout';

/** The part of Lambda's context the handler uses. */
export interface LambdaContext extends RemainingTime {
  readonly awsRequestId?: string;
  readonly logStreamName?: string;
  /**
   * The ARN the function was invoked by: the function's own (arn:<partition>:lambda:<region>:<account>:function:<name>)
   * or, through a version or alias, that with a qualifier after it ($LATEST, 3, live). Absent when run locally.
   */
  readonly invokedFunctionArn?: string;
}

export interface HandlerOptions {
  /** @default built from the environment on first use (AWS_REGION, endpoint overrides, role credentials) */
  readonly access?: FinSpaceAccess;
  /** How the FinSpace calls retry, when `access` is built here. @default DEFAULT_RETRY_POLICY */
  readonly retryPolicy?: RetryPolicy;
  /** How the answer PUT retries. @default ANSWER_RETRY_POLICY */
  readonly answerRetryPolicy?: RetryPolicy;
  /** The id of the one stack whose requests the handler serves. @default the function's STACK_ID_ENV, at each request */
  readonly stackId?: string;
  /** Which ResponseURLs the handler answers. @default the function's URL_SUFFIX_ENV and RESPONSE_URL_STAND_IN_ENV */
  readonly responseUrls?: ResponseUrlRules;
}

/** The timeout guard's failure: the work has not ended when the answer must go out. */
export const GUARD_REASON =
  "The FinSpace calls did not finish before the handler had to answer (its Lambda timeout is near); retry the deployment, or raise the provider's timeout.";

/** Whether Lambda says the function was invoked through a version or alias: an ARN of more than 7 parts. */
export function invokedQualified(context: LambdaContext): boolean {
  const arn = context?.invokedFunctionArn;
  return typeof arn === 'string' && arn.split(':').length > 7;
}

export function createHandler(options: HandlerOptions = {}) {
  let access = options.access;
  const policy = options.retryPolicy;
  const finSpace = (): FinSpaceAccess => {
    if (!access) {
      // Stryker disable next-line LogicalOperator: Not worth a test: Lambda always sets AWS_REGION (and not AWS_DEFAULT_REGION alone); the fallback serves only running the bundle by hand. Also: Not worth a test: Lambda always sets AWS_REGION; the fallbacks serve only running the bundle by hand.
      // Stryker disable next-line StringLiteral: No test runs it: Lambda always sets AWS_REGION; the default serves only running the bundle by hand, where a wrong region fails at the first call with the region named.
      const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
      access = new FinSpaceAccess({
        region,
        endpoint: resolveEndpoint(region),
        roleCredentials: fromEnv(),
        roleArn: process.env[ROLE_ARN_ENV],
        // Stryker disable next-line ObjectLiteral: Not worth a test: the 3 s connection timeout only shortens a connect that the 10 s attempt timeout also bounds, and a connect to 127.0.0.1 never waits.
        httpHandler: new NodeHttpHandler({ connectionTimeout: 3000 }),
        retry: policy
          ? (operation, attempt, retryOptions) => retryUntilDeadline(operation, attempt, { ...retryOptions, policy })
          : undefined,
      });
    }
    return access;
  };

  return async function handler(rawEvent: unknown, context: LambdaContext): Promise<void> {
    const startedAt = Date.now();
    let trail: AuditTrail | undefined;
    let delivered = false;
    try {
      const deadlines = deadlinesOf(startedAt, context);
      const read = readRequest(rawEvent, {
        invokedQualified: invokedQualified(context),
        responseUrls: responseUrlRules(options.responseUrls),
        stackId: options.stackId ?? process.env[STACK_ID_ENV],
        configuredServiceTimeout: process.env[SERVICE_TIMEOUT_ENV],
        now: startedAt,
      });
      const { envelope, request } = read;
      trail = newAuditTrail(read, startedAt);
      if (read.ignored !== undefined) {
        writeAudit(trail, { outcome: 'IGNORED', physicalResourceId: envelope.PhysicalResourceId, reason: read.ignored, delivered });
        return;
      }
      const failure = (parts: readonly ReasonPart[], physicalResourceId: string): CustomResourceResponse => ({
        Status: 'FAILED',
        // The library's words and what outside words may show, then where the logs are.
        Reason: reasonText(
          [...parts, typeof context?.logStreamName === 'string' ? ` (log stream ${context.logStreamName})` : ''],
          read.nameWords,
        ),
        PhysicalResourceId: physicalResourceId,
        ...echoed(envelope),
      });
      const stats = newRetryStats(startedAt);
      let response: CustomResourceResponse;
      let lifecycle: Lifecycle | undefined;
      try {
        if (request === undefined) {
          response = failure([read.refused!], physicalIdOnFailure(idsOf(envelope)));
        } else {
          lifecycle = startLifecycle(request, finSpaceApi(finSpace, trail, deadlines, read.times, stats));
          const outcome = await raceTimeout<WorkResult>(
            lifecycle.outcome.catch((error: unknown) => ({ error: partsOf(error) })),
            deadlines.guard - Date.now(),
            () => ({ error: [GUARD_REASON] }),
          );
          response =
            'error' in outcome
              ? failure(outcome.error, lifecycle.physicalIdOnFailure())
              : { Status: 'SUCCESS', PhysicalResourceId: outcome.physicalResourceId, ...echoed(envelope), Data: outcome.data };
        }
      } catch (error) {
        const unexpected = ['The handler failed unexpectedly: ', ...partsOf(error), '. Retry the deployment; report it if it persists.'];
        response = failure(unexpected, lifecycle?.physicalIdOnFailure() ?? physicalIdOnFailure(idsOf(envelope)));
      }
      // The audit line follows the answer, to say whether CloudFormation got it; if the PUT is still going at the
      // Lambda's end, the line is written just before it, so that no request goes without one.
      delivered = await raceTimeout(
        sendResponse(envelope.ResponseURL!, response, { deadline: deadlines.answer, policy: options.answerRetryPolicy }),
        deadlines.audit - Date.now(),
        () => false,
      );
      writeAudit(trail, {
        outcome: response.Status,
        physicalResourceId: response.PhysicalResourceId,
        reason: response.Reason,
        stats,
        delivered,
      });
    } catch (error) {
      // Only a bug gets here; the request still leaves its audit line, and the handler does not throw.
      if (trail)
        writeAudit(trail, { outcome: 'FAILED', reason: `The handler failed unexpectedly (${errorName(error)}); report it.`, delivered });
    }
  };
}

type WorkResult = LifecycleOutcome | { error: readonly ReasonPart[] };

/** UpdateUser through FinSpace, audited, and never sent once CloudFormation has stopped waiting for the request. */
function finSpaceApi(
  finSpace: () => FinSpaceAccess,
  trail: AuditTrail,
  deadlines: Deadlines,
  times: RequestTimes,
  stats: RetryStats,
): UserSettingsApi {
  return {
    updateUser: async (environmentId, input, purpose, onUncertainAttempt) => {
      const access = finSpace();
      // A call not yet sent when CloudFormation stops waiting is not sent at all, nor is any attempt after that.
      checkNotOutlived(times, Date.now());
      const ended = recordSent(trail, purpose, environmentId, input);
      try {
        const output = await access.updateUser(environmentId, input, {
          // Retries end when CloudFormation stops waiting, if that comes first.
          deadline: Math.min(deadlines.work, times.givesUpAt ?? Infinity),
          stats,
          onUncertainAttempt,
          // Stryker disable next-line ArrowFunction: Not worth a test: retries already end when CloudFormation gives up (the deadline above); this guards only an attempt right after a credentials refresh that ended just then.
          beforeAttempt: () => checkNotOutlived(times, Date.now()),
        });
        ended('accepted');
        return output;
      } catch (error) {
        ended(failedCallResult(error));
        throw error;
      }
    },
  };
}

function errorName(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  return /^[A-Za-z]{1,64}$/.test(name) ? name : 'unknown error';
}

const idsOf = (envelope: Envelope) => ({
  requestType: envelope.RequestType,
  physicalResourceId: envelope.PhysicalResourceId,
  requestId: envelope.RequestId,
});

/** What every answer copies from the request. */
function echoed(envelope: Envelope): Pick<CustomResourceResponse, 'StackId' | 'RequestId' | 'LogicalResourceId'> {
  return { StackId: envelope.StackId ?? '', RequestId: envelope.RequestId ?? '', LogicalResourceId: envelope.LogicalResourceId ?? '' };
}

export const handler = createHandler();
