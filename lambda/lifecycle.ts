/**
 * What each request does to the FinSpace user, and which user a failure answers as its physical id.
 * README: "Lifecycle".
 */
import { createHash } from 'node:crypto';
import { checkField } from '../lib/finspace-rules';
import type { UpdateUserInput, UpdateUserOutput } from './finspace-client';
import { ComposedError, partsOf } from './outside-text';
import { InvalidPropertiesError, valid, type UserSettingsRequest } from './properties';
import { OutlivedError } from './request-age';
import type { CustomResourceRequest } from './request';

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
  /** `onUncertainAttempt` is called when an attempt ends without FinSpace's success or refusal: it may have applied. */
  updateUser(
    environmentId: string,
    input: UpdateUserInput,
    purpose: CallPurpose,
    onUncertainAttempt?: () => void,
  ): Promise<UpdateUserOutput>;
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
  request: Pick<CustomResourceRequest, 'stackId' | 'logicalResourceId' | 'requestId'>,
  purpose: CallPurpose,
): string {
  return createHash('sha256').update([request.stackId, request.logicalResourceId, request.requestId, purpose].join('\n')).digest('hex');
}

/**
 * The physical id a failed request answers. A Create answers the user its UpdateUser may have changed
 * (`mayHaveChanged`), so that CloudFormation's rollback Delete applies onDelete to it, or else a marker: it changed
 * nothing. Others keep the id they had.
 */
export function physicalIdOnFailure(
  request: { requestType?: string; physicalResourceId?: string; requestId?: string },
  mayHaveChanged?: string,
): string {
  // Stryker disable next-line ConditionalExpression: Equivalent: checkField refuses undefined (not a string), so the marker is answered either way.
  if (request.requestType === 'Create' && mayHaveChanged !== undefined && checkField('userId', mayHaveChanged) === undefined)
    return mayHaveChanged;
  if (request.requestType === 'Create' || !request.physicalResourceId) return `${CREATE_FAILED_PREFIX}${request.requestId ?? ''}`;
  return request.physicalResourceId;
}

/** A request's work under way: its outcome, and at any moment (a call may still be out) the id its failure answers. */
export interface Lifecycle {
  /** The outcome; rejects with the failure. */
  readonly outcome: Promise<LifecycleOutcome>;
  physicalIdOnFailure(): string;
}

/**
 * Starts the request's work. What its UpdateUser calls may have changed is decided here: a Create's user from the
 * moment its settings are sent until FinSpace certainly did not apply them (no attempt ended uncertain, and the call's
 * error says nothing was applied).
 */
export function startLifecycle(request: CustomResourceRequest, api: UserSettingsApi): Lifecycle {
  let mayHaveChanged: string | undefined;
  const tracked: UserSettingsApi = {
    updateUser: async (environmentId, input, purpose, onUncertainAttempt) => {
      // Stryker disable next-line ConditionalExpression: Equivalent: what the calls may have changed is read only for a Create's answer, and a Create sends only 'apply' calls.
      const applying = purpose === 'apply';
      // Stryker disable next-line ConditionalExpression: Equivalent: what the calls may have changed is read only for a Create's answer, and a Create sends only 'apply' calls.
      if (applying) mayHaveChanged = input.userId;
      let uncertain = false;
      try {
        return await api.updateUser(environmentId, input, purpose, () => {
          uncertain = true;
          onUncertainAttempt?.();
        });
      } catch (error) {
        if (applying && !uncertain && certainlyNotApplied(error)) mayHaveChanged = undefined;
        throw error;
      }
    },
  };
  const outcome = request.requestType === 'Delete' ? remove(request, tracked) : apply(request, tracked);
  return { outcome, physicalIdOnFailure: () => physicalIdOnFailure(request, mayHaveChanged) };
}

async function apply(request: CustomResourceRequest, api: UserSettingsApi): Promise<LifecycleOutcome> {
  const settings = valid(request.properties);
  const output = await api.updateUser(
    settings.environmentId,
    { userId: settings.userId, ...settings.settings, clientToken: clientTokenFor(request, 'apply') },
    'apply',
  );
  if (typeof output.userId !== 'string' || output.userId.trim() === '') {
    throw new ComposedError([
      `UpdateUser for user ${JSON.stringify(settings.userId)} in FinSpace environment ${JSON.stringify(settings.environmentId)} ` +
        'answered success without a userId, so there is no physical id to report; retry the deployment, and report it if it persists.',
    ]);
  }
  // A new physical id is a replacement: CloudFormation's Delete of the old one applies its onDelete where it was.
  if (request.requestType === 'Update' && output.userId === request.physicalResourceId)
    await leavePreviousEnvironment(request, settings, api);
  return { physicalResourceId: output.userId, data: { userId: output.userId } };
}

/**
 * An Update that changed environmentId keeps the physical id, so CloudFormation sends no Delete for the environment
 * the resource leaves: its onDelete settings (old properties) are applied there now, to the user the physical id
 * names. After the new settings, so that a failure here leaves the old environment as it was. A rollback is an Update
 * back (old and new swapped), which applies the new properties' onDelete in the new environment the same way.
 */
async function leavePreviousEnvironment(
  request: CustomResourceRequest,
  settings: UserSettingsRequest,
  api: UserSettingsApi,
): Promise<void> {
  const previous = request.oldProperties;
  // Properties that break the rules were refused before any call, so they never reached any environment.
  // Stryker disable next-line ConditionalExpression,LogicalOperator: Equivalent: an Update always carries old properties (request.ts refuses it otherwise), and refused ones have no onDelete, so the return below is taken anyway.
  if (previous === undefined || previous instanceof InvalidPropertiesError) return;
  // Stryker disable next-line StringLiteral: No test runs it, and no request can: an Update always carries a PhysicalResourceId.
  const userId = request.physicalResourceId ?? '';
  const onDelete = previous.onDelete ?? {};
  if (previous.environmentId === settings.environmentId || Object.keys(onDelete).length === 0) return;
  // Stryker disable next-line ConditionalExpression: Not worth a test: reached only when FinSpace answers, as the user's id, the physical id itself and that breaks the userId rule (a failed Create's marker), which FinSpace never does.
  if (checkField('userId', userId) !== undefined) return;
  try {
    await api.updateUser(
      previous.environmentId,
      { userId, ...onDelete, clientToken: clientTokenFor(request, 'previous-environment') },
      'previous-environment',
    );
  } catch (error) {
    if (isUserGone(error)) return;
    const from = JSON.stringify(previous.environmentId);
    const to = JSON.stringify(settings.environmentId);
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

async function remove(request: CustomResourceRequest, api: UserSettingsApi): Promise<LifecycleOutcome> {
  const physicalResourceId = request.physicalResourceId ?? '';
  const done = { physicalResourceId };
  // A Create that certainly changed nothing answered this marker: there is nothing to undo.
  if (physicalResourceId.startsWith(CREATE_FAILED_PREFIX)) return done;
  const settings = request.properties;
  if (settings instanceof InvalidPropertiesError) {
    // An id that cannot be a FinSpace user id is one CloudFormation made up for a Create that never answered (a lost
    // answer, a Lambda that ended first), and a Create with broken properties was refused before any call: nothing to
    // undo. Nor when nothing was to be sent on Delete.
    if (checkField('userId', physicalResourceId) !== undefined || !settings.declaresOnDelete) return done;
    throw settings;
  }
  if (!settings.onDelete || Object.keys(settings.onDelete).length === 0) return done;
  // The settings are revoked for the user the properties name: a successful Create answered that user's id, so any
  // other physical id (one CloudFormation generated, valid-looking or not) is not certainly a user of this resource.
  try {
    await api.updateUser(
      settings.environmentId,
      { userId: settings.userId, ...settings.onDelete, clientToken: clientTokenFor(request, 'on-delete') },
      'on-delete',
    );
  } catch (error) {
    if (!isUserGone(error)) throw error;
  }
  return done;
}
