/**
 * What each CloudFormation request does to the FinSpace user:
 * - Create, Update: UpdateUser with exactly the given settings; the returned userId is the physical id, so a new
 *   userId is a replacement and CloudFormation later deletes the old one.
 * - Update that moves the resource to another environmentId (same physical id, so CloudFormation sends no Delete):
 *   the old properties' onDelete settings are applied to the user in the old environment, as a Delete would have.
 * - Delete: nothing, unless onDelete settings are given; those are applied, and a user that is gone counts as done.
 *   A Delete of a resource whose Create failed never calls FinSpace.
 */
import { createHash } from 'node:crypto';
import { checkField } from '../lib/finspace-rules';
import { ON_DELETE_PROPERTY } from '../lib/handler-contract';
import type { CustomResourceEvent } from './cfn-response';
import type { UpdateUserInput, UpdateUserOutput } from './finspace-client';
import { ComposedError, partsOf } from './outside-text';
import { InvalidPropertiesError, parseProperties, type UserSettingsRequest } from './properties';

/** The physical id reported for a failed Create; a Delete with such an id has nothing to undo. */
export const CREATE_FAILED_PREFIX = 'finspace-user-settings:create-failed:';

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

/** The physical id to report when a request fails: a Create gets a marker, others keep the id they had. */
export function physicalIdOnFailure(event: { RequestType?: string; PhysicalResourceId?: string; RequestId?: string }): string {
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
    if (error instanceof InvalidPropertiesError) return;
    throw error;
  }
  const userId = event.PhysicalResourceId ?? '';
  const onDelete = previous.onDelete ?? {};
  if (previous.environmentId === request.environmentId || Object.keys(onDelete).length === 0) return;
  if (checkField('userId', userId) !== undefined) return;
  try {
    await api.updateUser(
      previous.environmentId,
      { userId, ...onDelete, clientToken: clientTokenFor(event, 'previous-environment') },
      'previous-environment',
    );
  } catch (error) {
    if ((error as { code?: string }).code === 'ResourceNotFoundException') return;
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
  // An id that cannot be a FinSpace user id names nothing this resource changed: a failed Create's marker (always
  // longer than a user id can be) or the id CloudFormation makes up when a Create never answered.
  if (checkField('userId', physicalResourceId) !== undefined) return done;
  let request;
  try {
    request = parseProperties(event.ResourceProperties);
  } catch (error) {
    // Nothing was to be sent on Delete, so broken properties leave nothing undone.
    if (error instanceof InvalidPropertiesError && event.ResourceProperties[ON_DELETE_PROPERTY] === undefined) return done;
    throw error;
  }
  if (!request.onDelete || Object.keys(request.onDelete).length === 0) return done;
  try {
    await api.updateUser(
      request.environmentId,
      { userId: physicalResourceId, ...request.onDelete, clientToken: clientTokenFor(event, 'on-delete') },
      'on-delete',
    );
  } catch (error) {
    if ((error as { code?: string }).code === 'ResourceNotFoundException') return done;
    throw error;
  }
  return done;
}
