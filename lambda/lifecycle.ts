/**
 * What each CloudFormation request does to the FinSpace user:
 * - Create, Update: UpdateUser with exactly the given settings; the returned userId is the physical id, so a new
 *   userId is a replacement and CloudFormation later deletes the old one.
 * - Update that moves the resource to another environmentId (same physical id, so CloudFormation sends no Delete):
 *   the old properties' onDelete settings are applied to the user in the old environment, as a Delete would have.
 * - Delete: nothing, unless onDelete settings are given; those are applied, and a user that is gone counts as done.
 * - A Create that fails answers the user it may have changed as its physical id (its UpdateUser was sent, and FinSpace
 *   did not say it refused it), so that CloudFormation's rollback Delete applies onDelete there; only a Create that
 *   certainly changed nothing answers a marker, whose Delete never calls FinSpace. Any other Delete applies onDelete to
 *   the user the properties name, whatever its physical id (one CloudFormation made up for a Create that never
 *   answered may look like a user id).
 */
import { createHash } from 'node:crypto';
import { checkField } from '../lib/finspace-rules';
import { ON_DELETE_PROPERTY } from '../lib/handler-contract';
import type { CustomResourceEvent } from './cfn-response';
import type { UpdateUserInput, UpdateUserOutput } from './finspace-client';
import { ComposedError, partsOf } from './outside-text';
import { InvalidPropertiesError, parseProperties, type UserSettingsRequest } from './properties';
import { OutlivedError } from './request-age';

/** The physical id reported for a Create that certainly changed nothing; a Delete with such an id has nothing to undo. */
export const CREATE_FAILED_PREFIX = 'finspace-user-settings:create-failed:';

/** FinSpace's answers that refuse an UpdateUser (the error names the client reports as `code`): nothing was applied. */
export const REFUSING_ERRORS: ReadonlySet<string> = new Set([
  'ValidationException',
  'AccessDeniedException',
  'ResourceNotFoundException',
  'ConflictException',
]);

/**
 * Whether an UpdateUser that failed with `error` certainly changed nothing: it was never sent (its credentials, from
 * GetProgrammaticAccessCredentials, could not be had), FinSpace refused it, or FinSpace kept refusing it until the
 * deadline (throttling: a 429, or a LimitExceededException's 400). Anything else (a 5xx, a timeout, a lost connection,
 * a success without a userId) may have been applied. The caller must also know that no earlier attempt of the call may
 * have been (see CallContext.onUncertainAttempt).
 */
export function certainlyNotApplied(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  if (error instanceof OutlivedError) return true;
  const { operation, code, name, lastError } = error as { operation?: unknown; code?: unknown; name?: unknown; lastError?: unknown };
  if (operation === 'GetProgrammaticAccessCredentials') return true;
  // Stryker disable next-line ConditionalExpression: Equivalent: a code that is not a string is not in the set of refusing errors either.
  if (typeof code === 'string' && REFUSING_ERRORS.has(code)) return true;
  const lastStatus = (lastError as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  return name === 'RetryBudgetExhaustedError' && typeof lastStatus === 'number' && lastStatus >= 400 && lastStatus < 500;
}

/** A user that no longer exists: applying onDelete settings to it is done. */
function isUserGone(error: unknown): boolean {
  // Stryker disable next-line OptionalChaining: Not worth a test: only `throw undefined` reaches it, and the FinSpace calls throw errors only.
  return (error as { code?: unknown } | undefined)?.code === 'ResourceNotFoundException';
}

/**
 * Why an UpdateUser is sent: the settings (Create, Update), the onDelete settings (Delete), or the old properties'
 * onDelete settings in the environment an Update moved away from. Each has its own idempotency token.
 */
export type CallPurpose = 'apply' | 'on-delete' | 'previous-environment';

export interface UserSettingsApi {
  updateUser(environmentId: string, input: UpdateUserInput, purpose: CallPurpose): Promise<UpdateUserOutput>;
}

export interface LifecycleOutcome {
  readonly physicalResourceId: string;
  readonly data?: Record<string, string>;
}

/**
 * UpdateUser's idempotency token: the same for a redelivery of the same request (Lambda retries reuse the
 * RequestId), different for any other request or purpose. A SHA-256 hex digest: 64 characters, within 1..128.
 */
export function clientTokenFor(
  event: Pick<CustomResourceEvent, 'StackId' | 'LogicalResourceId' | 'RequestId'>,
  purpose: CallPurpose,
): string {
  return createHash('sha256').update([event.StackId, event.LogicalResourceId, event.RequestId, purpose].join('\n')).digest('hex');
}

/**
 * The physical id to report when a request fails. A Create reports the user its UpdateUser may have changed
 * (`mayHaveChanged`), so that CloudFormation's rollback Delete applies onDelete to it, or else a marker: it changed
 * nothing. Others keep the id they had.
 */
export function physicalIdOnFailure(
  event: { RequestType?: string; PhysicalResourceId?: string; RequestId?: string },
  mayHaveChanged?: string,
): string {
  // Stryker disable next-line ConditionalExpression: Equivalent: checkField refuses undefined (not a string), so the marker is answered either way.
  if (event.RequestType === 'Create' && mayHaveChanged !== undefined && checkField('userId', mayHaveChanged) === undefined)
    return mayHaveChanged;
  if (event.RequestType === 'Create' || !event.PhysicalResourceId) return `${CREATE_FAILED_PREFIX}${event.RequestId ?? ''}`;
  return event.PhysicalResourceId;
}

/** The refusal of a RequestType CloudFormation does not send; the handler checks the envelope with it too. */
export function unknownRequestType(requestType: unknown): string {
  return `Unknown RequestType ${JSON.stringify(requestType)}; CloudFormation sends Create, Update or Delete.`;
}

export async function runLifecycle(event: CustomResourceEvent, api: UserSettingsApi): Promise<LifecycleOutcome> {
  switch (event.RequestType) {
    case 'Create':
    case 'Update':
      return apply(event, api);
    case 'Delete':
      return remove(event, api);
    default:
      throw new ComposedError([unknownRequestType(event.RequestType)]);
  }
}

async function apply(event: CustomResourceEvent, api: UserSettingsApi): Promise<LifecycleOutcome> {
  const request = parseProperties(event.ResourceProperties);
  const output = await api.updateUser(
    request.environmentId,
    { userId: request.userId, ...request.settings, clientToken: clientTokenFor(event, 'apply') },
    'apply',
  );
  if (typeof output.userId !== 'string' || output.userId.trim() === '') {
    throw new ComposedError([
      `UpdateUser for user ${JSON.stringify(request.userId)} in FinSpace environment ${JSON.stringify(request.environmentId)} ` +
        'answered success without a userId, so there is no physical id to report; retry the deployment, and report it if it persists.',
    ]);
  }
  // A new physical id is a replacement: CloudFormation's Delete of the old one applies its onDelete where it was.
  if (event.RequestType === 'Update' && output.userId === event.PhysicalResourceId) await leavePreviousEnvironment(event, request, api);
  return { physicalResourceId: output.userId, data: { userId: output.userId } };
}

/**
 * An Update that changed environmentId keeps the physical id, so CloudFormation sends no Delete for the environment
 * the resource leaves: its onDelete settings (old properties) are applied there now, to the user the physical id
 * names. After the new settings, so that a failure here leaves the old environment as it was. A rollback is an Update
 * back (old and new swapped), which applies the new properties' onDelete in the new environment the same way.
 */
async function leavePreviousEnvironment(event: CustomResourceEvent, request: UserSettingsRequest, api: UserSettingsApi): Promise<void> {
  let previous: UserSettingsRequest;
  try {
    previous = parseProperties(event.OldResourceProperties);
  } catch (error) {
    // Properties that break the rules were refused before any call, so they never reached any environment.
    // Stryker disable next-line ConditionalExpression: Equivalent: parseProperties throws only InvalidPropertiesError.
    if (error instanceof InvalidPropertiesError) return;
    throw error;
  }
  // Stryker disable next-line StringLiteral: No test runs it, and no request can: an Update always carries a PhysicalResourceId.
  const userId = event.PhysicalResourceId ?? '';
  const onDelete = previous.onDelete ?? {};
  if (previous.environmentId === request.environmentId || Object.keys(onDelete).length === 0) return;
  // Stryker disable next-line ConditionalExpression: Not worth a test: reached only when FinSpace answers, as the user's id, the physical id itself and that breaks the userId rule (a failed Create's marker), which FinSpace never does.
  if (checkField('userId', userId) !== undefined) return;
  try {
    await api.updateUser(
      previous.environmentId,
      { userId, ...onDelete, clientToken: clientTokenFor(event, 'previous-environment') },
      'previous-environment',
    );
  } catch (error) {
    if (isUserGone(error)) return;
    const from = JSON.stringify(previous.environmentId);
    const to = JSON.stringify(request.environmentId);
    throw new ComposedError(
      [
        `environmentId changed from ${from} to ${to}: the new settings were applied in ${to}, but the old properties' onDelete ` +
          `settings could not be applied to user ${JSON.stringify(userId)} in ${from}, which the resource leaves: `,
        ...partsOf(error),
        ` The user in ${from} keeps the settings this resource gave it until that succeeds. Fix the cause and deploy again; ` +
          `CloudFormation's rollback of this update re-applies the old settings in ${from} and, if the new properties have ` +
          `onDelete, applies those to the user in ${to}. To leave the user in ${from} as it is instead, first deploy without ` +
          'onDelete, then change environmentId.',
      ],
      { cause: error },
    );
  }
}

async function remove(event: CustomResourceEvent, api: UserSettingsApi): Promise<LifecycleOutcome> {
  const physicalResourceId = event.PhysicalResourceId ?? '';
  const done = { physicalResourceId };
  // A Create that certainly changed nothing answered this marker: there is nothing to undo.
  if (physicalResourceId.startsWith(CREATE_FAILED_PREFIX)) return done;
  // An id that cannot be a FinSpace user id is one CloudFormation made up for a Create that never answered (a lost
  // answer, a Lambda that ended first): its UpdateUser may have been applied to the user the properties name.
  const madeUp = checkField('userId', physicalResourceId) !== undefined;
  let request;
  try {
    request = parseProperties(event.ResourceProperties);
  } catch (error) {
    // Nothing was to be sent on Delete, so broken properties leave nothing undone; and a Create with broken properties
    // was refused before any call, so a made-up id after one has nothing to undo either.
    if (error instanceof InvalidPropertiesError && (madeUp || event.ResourceProperties[ON_DELETE_PROPERTY] === undefined)) return done;
    throw error;
  }
  if (!request.onDelete || Object.keys(request.onDelete).length === 0) return done;
  // The settings are revoked for the user the properties name: a successful Create answered that user's id, so any
  // other physical id (one CloudFormation generated, valid-looking or not) is not certainly a user of this resource.
  const userId = request.userId;
  try {
    await api.updateUser(
      request.environmentId,
      { userId, ...request.onDelete, clientToken: clientTokenFor(event, 'on-delete') },
      'on-delete',
    );
  } catch (error) {
    if (!isUserGone(error)) throw error;
  }
  return done;
}
