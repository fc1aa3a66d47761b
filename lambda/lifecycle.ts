/**
 * What each CloudFormation request does to the FinSpace user:
 * - Create, Update: UpdateUser with exactly the given settings; the returned userId is the physical id, so a new
 *   userId is a replacement and CloudFormation later deletes the old one.
 * - Delete: nothing, unless onDelete settings are given; those are applied, and a user that is gone counts as done.
 *   A Delete of a resource whose Create failed never calls FinSpace.
 */
import { createHash } from 'node:crypto';
import { checkField } from '../lib/finspace-rules';
import { ON_DELETE_PROPERTY } from '../lib/handler-contract';
import type { CustomResourceEvent } from './cfn-response';
import type { UpdateUserInput, UpdateUserOutput } from './finspace-client';
import { InvalidPropertiesError, parseProperties } from './properties';

/** The physical id reported for a failed Create; a Delete with such an id has nothing to undo. */
export const CREATE_FAILED_PREFIX = 'finspace-user-settings:create-failed:';

export interface UserSettingsApi {
  updateUser(environmentId: string, input: UpdateUserInput): Promise<UpdateUserOutput>;
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
  purpose: 'apply' | 'on-delete',
): string {
  return createHash('sha256').update([event.StackId, event.LogicalResourceId, event.RequestId, purpose].join('\n')).digest('hex');
}

/** The physical id to report when a request fails: a Create gets a marker, others keep the id they had. */
export function physicalIdOnFailure(event: CustomResourceEvent): string {
  if (event.RequestType === 'Create' || !event.PhysicalResourceId) return `${CREATE_FAILED_PREFIX}${event.RequestId}`;
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
      throw new Error(unknownRequestType(event.RequestType));
  }
}

async function apply(event: CustomResourceEvent, api: UserSettingsApi): Promise<LifecycleOutcome> {
  const request = parseProperties(event.ResourceProperties);
  const output = await api.updateUser(request.environmentId, {
    userId: request.userId,
    ...request.settings,
    clientToken: clientTokenFor(event, 'apply'),
  });
  if (typeof output.userId !== 'string' || output.userId.trim() === '') {
    throw new Error(
      `UpdateUser for user ${JSON.stringify(request.userId)} in FinSpace environment ${JSON.stringify(request.environmentId)} ` +
        'answered success without a userId, so there is no physical id to report; retry the deployment, and report it if it persists.',
    );
  }
  return { physicalResourceId: output.userId, data: { userId: output.userId } };
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
    await api.updateUser(request.environmentId, {
      userId: physicalResourceId,
      ...request.onDelete,
      clientToken: clientTokenFor(event, 'on-delete'),
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ResourceNotFoundException') return done;
    throw error;
  }
  return done;
}
