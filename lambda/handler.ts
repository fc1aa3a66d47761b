/**
 * The Lambda entry point: speaks CloudFormation's custom-resource protocol itself, in one function, so that the
 * stack needs no Provider framework function and its role no lambda:InvokeFunction. Its guarantees:
 * - it serves only its unqualified function, as CloudFormation invokes it: an invocation through a version or alias
 *   (whose resource policies are their own, not the function's) is ignored, with nothing sent anywhere;
 * - it answers only CloudFormation's own ResponseURLs (response-url.ts): to any other, nothing at all is sent;
 * - it serves only its own stack's Custom::FinSpaceUserSettings (envelope.ts): any other request is answered FAILED
 *   without a FinSpace call;
 * - every request it may answer gets an answer (success, a failure with its reason, or a timeout failure sent before
 *   Lambda would kill the function), delivered with retries; it never throws, whatever the event holds;
 * - the work stops at a deadline taken from the remaining time, leaving room to answer;
 * - every request leaves exactly one audit line (audit.ts), written once the answer is delivered or given up on;
 * - nothing secret is logged or answered: no credentials, no ResponseURL, no first or last names (outside-words.ts).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ROLE_ARN_ENV, SERVICE_TIMEOUT_ENV, STACK_ID_ENV } from '../lib/handler-contract';
import { failedCallResult, newAuditTrail, recordSent, writeAudit, type AuditTrail } from './audit';
import { sendResponse, type CustomResourceEvent, type CustomResourceResponse } from './cfn-response';
import { bindingProblem, checkedEvent, envelopeProblem, readEnvelope, type Envelope } from './envelope';
import { FinSpaceAccess } from './finspace-access';
import { resolveEndpoint } from './finspace-client';
import { certainlyNotApplied, physicalIdOnFailure, runLifecycle, type LifecycleOutcome } from './lifecycle';
import { partsOf, type ReasonPart } from './outside-text';
import { isRecord } from './properties';
import { nameWordsIn, reasonText } from './outside-words';
import { checkNotOutlived, requestTimes, staleProblem, type RequestTimes } from './request-age';
import { responseUrlProblem, responseUrlRules, type ResponseUrlRules } from './response-url';
import { newRetryStats, retryUntilDeadline, type RetryPolicy, type RetryStats } from './retry';
import { raceTimeout } from './timeout';

/** The part of Lambda's context the handler uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
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

/** How long before the Lambda's end the work must stop, so the answer still goes out. */
export function responseReserveMs(remainingMs: number): number {
  return Math.min(5000, Math.max(200, Math.floor(remainingMs * 0.2)));
}

/** The timeout guard's failure: the work has not ended when the answer must go out. */
export const GUARD_REASON =
  "The FinSpace calls did not finish before the handler had to answer (its Lambda timeout is near); retry the deployment, or raise the provider's timeout.";

const NO_RESPONSE_URL = 'The request has no ResponseURL, so it cannot be answered; it is not a CloudFormation custom-resource request.';

/** Why an invocation through a version or alias is ignored. */
export const QUALIFIED_INVOCATION =
  'The function was invoked through a version or alias (a qualified ARN), whose resource policy is not the one that ' +
  'says who may invoke the handler: it serves only its unqualified function, as CloudFormation invokes it (the ' +
  'ServiceToken). Nothing was sent to FinSpace, and nothing was answered.';

/** Whether Lambda says the function was invoked through a version or alias: an ARN of more than 7 parts. */
export function invokedQualified(context: LambdaContext): boolean {
  const arn = context?.invokedFunctionArn;
  return typeof arn === 'string' && arn.split(':').length > 7;
}

/** How long before the Lambda's end the audit line is written, if the answer PUT has not ended by then. */
export const AUDIT_RESERVE_MS = 20;

function remainingMsOf(context: LambdaContext): number {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : NaN;
  return Number.isFinite(remaining) ? remaining : 3000;
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
      const remaining = remainingMsOf(context);
      const raw = isRecord(rawEvent) ? rawEvent : {};
      const envelope = readEnvelope(raw);
      trail = newAuditTrail(envelope, raw.ResourceProperties, startedAt);
      const responseUrl = envelope.ResponseURL;
      // Neither a version or alias nor a URL that is not CloudFormation's gets anything: a retry cannot do better.
      const ignored = invokedQualified(context)
        ? QUALIFIED_INVOCATION
        : responseUrl
          ? responseUrlProblem(responseUrl, responseUrlRules(options.responseUrls))
          : NO_RESPONSE_URL;
      // Nor does a request CloudFormation no longer waits for (Lambda may deliver an event late): acting on it could
      // undo what came after it.
      const times = requestTimes(
        responseUrl!,
        isRecord(raw.ResourceProperties) ? raw.ResourceProperties.ServiceTimeout : undefined,
        process.env[SERVICE_TIMEOUT_ENV],
      );
      const refused = ignored ?? staleProblem(times, Date.now());
      if (refused !== undefined) {
        writeAudit(trail, { outcome: 'IGNORED', physicalResourceId: envelope.PhysicalResourceId, reason: refused, delivered });
        return;
      }
      const names = nameWordsIn(raw);
      // Stryker disable next-line ArithmeticOperator: Not worth a test: the invocation ends at the audit line's race, 20 ms before Lambda's end, either way; only a PUT attempt begun in Lambda's last 100 ms, which Lambda would freeze, differs.
      const answerDeadline = startedAt + remaining - 100;
      const stats = newRetryStats(startedAt);
      const effects: Effects = {};
      let response: CustomResourceResponse;
      try {
        const problem = envelopeProblem(raw, envelope) ?? bindingProblem(envelope, options.stackId ?? process.env[STACK_ID_ENV]);
        if (problem !== undefined) {
          response = failure(envelope, [problem], names, context, effects);
        } else {
          const event = checkedEvent(raw, envelope);
          const workDeadline = startedAt + remaining - responseReserveMs(remaining);
          const guardAt = workDeadline + Math.min(1000, (answerDeadline - workDeadline) / 2);
          const outcome = await raceTimeout(
            work(event, finSpace, { deadline: workDeadline, times }, stats, trail, effects),
            guardAt - Date.now(),
            (): WorkResult => ({ error: [GUARD_REASON] }),
          );
          response =
            'error' in outcome
              ? failure(envelope, outcome.error, names, context, effects)
              : { Status: 'SUCCESS', PhysicalResourceId: outcome.physicalResourceId, ...echoed(envelope), Data: outcome.data };
        }
      } catch (error) {
        response = failure(envelope, unexpected(error), names, context, effects);
      }
      // The audit line follows the answer, to say whether CloudFormation got it; if the PUT is still going at the
      // Lambda's end, the line is written just before it, so that no request goes without one.
      delivered = await raceTimeout(
        sendResponse(responseUrl!, response, { deadline: answerDeadline, policy: options.answerRetryPolicy }),
        // Stryker disable next-line ArithmeticOperator: Not worth a test: 40 ms apart, within the timing tolerance a test needs on a loaded machine; test/lambda/audit-delivery.test.ts checks that the line is written near the end with the PUT still going.
        startedAt + remaining - AUDIT_RESERVE_MS - Date.now(),
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

/**
 * What the request's UpdateUser calls may have changed: the user a Create's settings were sent to, from the moment
 * they are sent until FinSpace certainly did not apply them. A failed Create answers it as its physical id.
 */
interface Effects {
  mayHaveChanged?: string;
}

type WorkResult = LifecycleOutcome | { error: readonly ReasonPart[] };

async function work(
  event: CustomResourceEvent,
  finSpace: () => FinSpaceAccess,
  { deadline, times }: { deadline: number; times: RequestTimes },
  stats: RetryStats,
  trail: AuditTrail,
  effects: Effects,
): Promise<WorkResult> {
  try {
    const access = finSpace();
    return await runLifecycle(event, {
      updateUser: async (environmentId, input, purpose) => {
        // A call not yet sent when CloudFormation stops waiting is not sent at all, nor is any attempt after that.
        checkNotOutlived(times, Date.now());
        const ended = recordSent(trail, purpose, environmentId, input);
        // Stryker disable next-line ConditionalExpression: Equivalent: what the calls may have changed is read only for a Create's answer, and a Create sends only 'apply' calls.
        const applying = purpose === 'apply';
        // Stryker disable next-line ConditionalExpression: Equivalent: what the calls may have changed is read only for a Create's answer, and a Create sends only 'apply' calls.
        if (applying) effects.mayHaveChanged = input.userId;
        let uncertain = false;
        try {
          const output = await access.updateUser(environmentId, input, {
            // Retries end when CloudFormation stops waiting, if that comes first.
            deadline: Math.min(deadline, times.givesUpAt ?? Infinity),
            stats,
            onUncertainAttempt: () => {
              uncertain = true;
            },
            // Stryker disable next-line ArrowFunction: Not worth a test: retries already end when CloudFormation gives up (the deadline above); this guards only an attempt right after a credentials refresh that ended just then.
            beforeAttempt: () => checkNotOutlived(times, Date.now()),
          });
          ended('accepted');
          return output;
        } catch (error) {
          ended(failedCallResult(error));
          if (applying && !uncertain && certainlyNotApplied(error)) effects.mayHaveChanged = undefined;
          throw error;
        }
      },
    });
  } catch (error) {
    return { error: partsOf(error) };
  }
}

function errorName(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  return /^[A-Za-z]{1,64}$/.test(name) ? name : 'unknown error';
}

function unexpected(error: unknown): ReasonPart[] {
  return ['The handler failed unexpectedly: ', ...partsOf(error), '. Retry the deployment; report it if it persists.'];
}

/** What every answer copies from the request. */
function echoed(envelope: Envelope): Pick<CustomResourceResponse, 'StackId' | 'RequestId' | 'LogicalResourceId'> {
  return { StackId: envelope.StackId ?? '', RequestId: envelope.RequestId ?? '', LogicalResourceId: envelope.LogicalResourceId ?? '' };
}

/** A FAILED answer whose reason is the library's words and what outside words may show, then where the logs are. */
function failure(
  envelope: Envelope,
  parts: readonly ReasonPart[],
  names: ReadonlySet<string>,
  context: LambdaContext,
  effects: Effects,
): CustomResourceResponse {
  const stream = typeof context?.logStreamName === 'string' ? ` (log stream ${context.logStreamName})` : '';
  return {
    Status: 'FAILED',
    Reason: reasonText([...parts, stream], names),
    PhysicalResourceId: physicalIdOnFailure(envelope, effects.mayHaveChanged),
    ...echoed(envelope),
  };
}

export const handler = createHandler();
