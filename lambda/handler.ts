/**
 * The Lambda entry point: speaks CloudFormation's custom-resource protocol itself, in one function, so that the
 * stack needs no Provider framework function and its role no lambda:InvokeFunction. Its guarantees:
 * - every request gets an answer (success, a failure with its reason, or a timeout failure sent before Lambda
 *   would kill the function), delivered with retries;
 * - the work stops at a deadline taken from the remaining time, leaving room to answer;
 * - nothing secret is logged or answered: no credentials, no ResponseURL, no first or last names.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { isSensitive, SETTING_FIELDS } from '../lib/finspace-rules';
import { ON_DELETE_PROPERTY, ROLE_ARN_ENV } from '../lib/handler-contract';
import { sendResponse, type CustomResourceEvent, type CustomResourceResponse } from './cfn-response';
import { FinSpaceAccess } from './finspace-access';
import { resolveEndpoint } from './finspace-client';
import { physicalIdOnFailure, runLifecycle, unknownRequestType, type LifecycleOutcome } from './lifecycle';
import { newRetryStats, retryUntilDeadline, type RetryPolicy, type RetryStats } from './retry';
import { raceTimeout } from './timeout';

/** The part of Lambda's context the handler uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
  readonly awsRequestId?: string;
  readonly logStreamName?: string;
}

export interface HandlerOptions {
  /** @default built from the environment on first use (AWS_REGION, endpoint overrides, role credentials) */
  readonly access?: FinSpaceAccess;
  /** How the FinSpace calls retry, when `access` is built here. @default DEFAULT_RETRY_POLICY */
  readonly retryPolicy?: RetryPolicy;
  /** How the answer PUT retries. @default ANSWER_RETRY_POLICY */
  readonly answerRetryPolicy?: RetryPolicy;
}

const REQUEST_TYPES = new Set(['Create', 'Update', 'Delete']);
const ENVELOPE_FIELDS = ['RequestType', 'ResponseURL', 'StackId', 'RequestId', 'LogicalResourceId', 'ResourceType'] as const;

function log(level: 'INFO' | 'ERROR', message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === 'ERROR') console.error(line);
  else console.info(line);
}

/** How long before the Lambda's end the work must stop, so the answer still goes out. */
export function responseReserveMs(remainingMs: number): number {
  return Math.min(5000, Math.max(200, Math.floor(remainingMs * 0.2)));
}

/** Problems with the event's envelope (not its properties), or undefined when it is well formed. */
function envelopeProblem(raw: Record<string, unknown>): string | undefined {
  const missing = ENVELOPE_FIELDS.filter((f) => typeof raw[f] !== 'string' || raw[f] === '');
  if (missing.length > 0) return `The request lacks ${missing.join(', ')}; it is not a CloudFormation custom-resource request.`;
  if (!REQUEST_TYPES.has(raw.RequestType as string)) return unknownRequestType(raw.RequestType);
  if (raw.RequestType !== 'Create' && typeof raw.PhysicalResourceId !== 'string')
    return `A ${raw.RequestType} request must carry PhysicalResourceId.`;
  if (raw.RequestType === 'Update' && (raw.OldResourceProperties === null || typeof raw.OldResourceProperties !== 'object')) {
    return 'An Update request must carry OldResourceProperties.';
  }
  if (raw.ResourceProperties === null || typeof raw.ResourceProperties !== 'object') return 'The request lacks ResourceProperties.';
  return undefined;
}

export function createHandler(options: HandlerOptions = {}) {
  let access = options.access;
  const policy = options.retryPolicy;
  const finSpace = (): FinSpaceAccess => {
    if (!access) {
      const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
      access = new FinSpaceAccess({
        region,
        endpoint: resolveEndpoint(region),
        roleCredentials: fromEnv(),
        roleArn: process.env[ROLE_ARN_ENV],
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
    const remaining = context.getRemainingTimeInMillis();
    const answerDeadline = startedAt + remaining - 100;
    const workDeadline = startedAt + remaining - responseReserveMs(remaining);

    const raw = (rawEvent !== null && typeof rawEvent === 'object' ? rawEvent : {}) as Record<string, unknown>;
    if (typeof raw.ResponseURL !== 'string' || raw.ResponseURL === '') {
      // Without a ResponseURL there is no one to answer; a retry of the same event cannot do better.
      log('ERROR', 'request without ResponseURL ignored', { requestType: raw.RequestType, requestId: raw.RequestId });
      return;
    }
    const event = raw as unknown as CustomResourceEvent;
    const base = {
      StackId: String(raw.StackId ?? ''),
      RequestId: String(raw.RequestId ?? ''),
      LogicalResourceId: String(raw.LogicalResourceId ?? ''),
    };
    log('INFO', 'request received', {
      requestType: raw.RequestType,
      logicalResourceId: raw.LogicalResourceId,
      requestId: raw.RequestId,
      physicalResourceId: raw.PhysicalResourceId,
    });

    const stats = newRetryStats(startedAt);
    let response: CustomResourceResponse;
    const problem = envelopeProblem(raw);
    if (problem) {
      response = failure(event, base, problem, context);
    } else {
      const guardAt = workDeadline + Math.min(1000, (answerDeadline - workDeadline) / 2);
      const outcome = await raceTimeout(work(event, finSpace, workDeadline, stats), guardAt - Date.now(), (): WorkResult => ({
        error: GUARD_REASON,
      }));
      response =
        'error' in outcome
          ? failure(event, base, outcome.error, context)
          : { Status: 'SUCCESS', PhysicalResourceId: outcome.physicalResourceId, ...base, Data: outcome.data };
    }
    log(response.Status === 'SUCCESS' ? 'INFO' : 'ERROR', 'answering CloudFormation', {
      status: response.Status,
      physicalResourceId: response.PhysicalResourceId,
      reason: response.Reason,
      attempts: stats.attempts,
      throttled: stats.throttled,
      transient: stats.transient,
      elapsedMs: Date.now() - startedAt,
    });
    await sendResponse(raw.ResponseURL, response, { deadline: answerDeadline, policy: options.answerRetryPolicy });
  };
}

type WorkResult = LifecycleOutcome | { error: string };

async function work(event: CustomResourceEvent, finSpace: () => FinSpaceAccess, deadline: number, stats: RetryStats): Promise<WorkResult> {
  try {
    const access = finSpace();
    return await runLifecycle(event, {
      updateUser: (environmentId, input) => access.updateUser(environmentId, input, { deadline, stats }),
    });
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The timeout guard's failure: the work has not ended when the answer must go out. */
export const GUARD_REASON =
  "The FinSpace calls did not finish before the handler had to answer (its Lambda timeout is near); retry the deployment, or raise the provider's timeout.";

/** The values of the sensitive members (first and last names) anywhere in the event's properties. */
function sensitiveValues(event: CustomResourceEvent): string[] {
  const values: string[] = [];
  for (const props of [event.ResourceProperties, event.OldResourceProperties]) {
    if (props === null || typeof props !== 'object') continue;
    for (const scope of [props, (props as Record<string, unknown>)[ON_DELETE_PROPERTY]]) {
      if (scope === null || typeof scope !== 'object') continue;
      for (const field of SETTING_FIELDS) {
        const value = (scope as Record<string, unknown>)[field];
        if (isSensitive(field) && typeof value === 'string' && value.trim().length >= 2) values.push(value);
      }
    }
  }
  return values;
}

/** A reason must not carry a name even when the service's own message quotes it. */
function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('(redacted)'), text);
}

function failure(
  event: CustomResourceEvent,
  base: Pick<CustomResourceResponse, 'StackId' | 'RequestId' | 'LogicalResourceId'>,
  reason: string,
  context: LambdaContext,
): CustomResourceResponse {
  const where = context.logStreamName ? ` (log stream ${context.logStreamName})` : '';
  return {
    Status: 'FAILED',
    Reason: redact(`${reason}${where}`, sensitiveValues(event)),
    PhysicalResourceId: physicalIdOnFailure(event),
    ...base,
  };
}

export const handler = createHandler();
