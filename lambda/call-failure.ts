/**
 * What a CloudFormation user is told when a FinSpace call fails for good: what failed, where, why, and what to do.
 * README: "When FinSpace is gone" and "Register the handler's role".
 */
import { FINSPACE_STATUS } from '../lib/finspace-status';
import { FinSpaceDataServiceError } from './finspace-client';
import { ComposedError, errorNamePart, outside, partsOf, requestIdPart, type ReasonPart } from './outside-text';
import { EndpointUnreachableError } from './retry';
import { REJECTED_CREDENTIAL_ERROR_NAMES } from './error-names';

/**
 * A call that failed for good, with the service's error name as `code`, the operation that failed, and a message that
 * says what to do (its parts tell the library's words from the service's, see outside-text.ts).
 */
export class FinSpaceCallError extends ComposedError {
  constructor(
    readonly code: string,
    readonly operation: string,
    parts: readonly ReasonPart[],
    options?: { cause?: unknown },
  ) {
    super(parts, options);
    this.name = 'FinSpaceCallError';
  }
}

const REJECTED_CREDENTIAL_ERRORS = new Set(REJECTED_CREDENTIAL_ERROR_NAMES);

/** A 403 that means "these temporary credentials no longer work", as opposed to "this principal may not". */
export function isRejectedCredentials(error: unknown): boolean {
  if (!(error instanceof FinSpaceDataServiceError) || error.$metadata.httpStatusCode !== 403) return false;
  return REJECTED_CREDENTIAL_ERRORS.has(error.name) || /expired|security token|signature/i.test(error.message);
}

/** Where the calls go, and as whom: named in the advice. */
export interface CallTarget {
  /** The endpoint's origin. */
  readonly endpoint: string;
  readonly region: string;
  readonly roleArn?: string;
}

const REGISTRATION_STEP =
  'Register the role in the FinSpace environment as the API access principal (apiAccessPrincipalArn, with apiAccess ENABLED) ' +
  'of a FinSpace user who may manage users: a superuser, or a member of a permission group with the ManageUsersAndGroups permission.';

const ADVICE: Record<string, string> = {
  ResourceNotFoundException:
    'The user must already exist: FinSpaceUserSettings changes settings, it does not create users. Check userId and environmentId.',
  ValidationException: 'FinSpace rejected a setting; correct the value it names.',
  ConflictException: 'Another change to this user is in progress or conflicts; retry the deployment.',
};

/** What a user is told when the endpoint cannot be found, reached, or is not FinSpace's. */
function endpointAdvice(target: CallTarget): string {
  return (
    `The FinSpace Data API endpoint ${target.endpoint} (region ${target.region}) cannot be reached or does not serve FinSpace. ` +
    `${FINSPACE_STATUS} If FinSpace is gone for this account, retain the resource instead of deleting it ` +
    '(removalPolicy RETAIN, or retain it when CloudFormation offers to after DELETE_FAILED); otherwise check the region, ' +
    'the endpoint override (AWS_ENDPOINT_URL_FINSPACE_DATA) and, in a VPC, the route to the endpoint.'
  );
}

/** What to do about an error FinSpace answered. */
function serviceAdvice(operation: string, environmentId: string, error: FinSpaceDataServiceError, target: CallTarget): string {
  const role = target.roleArn ? `the handler's role ${target.roleArn}` : "the handler's role";
  if (error.name === 'AccessDeniedException') {
    return operation === 'GetProgrammaticAccessCredentials'
      ? `FinSpace environment ${JSON.stringify(environmentId)} does not accept ${role} as an API access principal. ${REGISTRATION_STEP}`
      : `The FinSpace user that ${role} acts as in environment ${JSON.stringify(environmentId)} may not manage users. ${REGISTRATION_STEP}`;
  }
  if (Object.hasOwn(ADVICE, error.name)) return ADVICE[error.name];
  return isRejectedCredentials(error)
    ? `FinSpace rejected fresh temporary credentials for ${role}; check that its API access is still ENABLED. ${REGISTRATION_STEP}`
    : 'Retry the deployment; report it if it persists.';
}

/** Turns a call's final error into one a CloudFormation user can act on. */
export function callFailure(operation: string, where: string, environmentId: string, error: unknown, target: CallTarget): Error {
  if (error instanceof EndpointUnreachableError) {
    return new FinSpaceCallError(
      'EndpointUnreachable',
      operation,
      [`${operation} failed for ${where}: `, ...error.parts, `. ${endpointAdvice(target)}`],
      // Stryker disable next-line ObjectLiteral: Equivalent for users: an error's cause is never logged or answered; the reason is made of its parts.
      { cause: error },
    );
  }
  if (!(error instanceof FinSpaceDataServiceError)) return error instanceof Error ? error : new ComposedError(partsOf(error));
  // The service's words (or, for an answer without any, this client's own).
  const message = partsOf(error);
  if (error.$metadata.httpStatusCode === 404 && error.name !== 'ResourceNotFoundException') {
    // Not FinSpace's "no such user": the endpoint does not know the operation at all.
    return new FinSpaceCallError(
      error.name,
      operation,
      // Stryker disable next-line StringLiteral: Not worth a test: it only separates the error name from the service's message in the unknown-operation sentence, whose words are each checked.
      [`${operation} failed for ${where}: HTTP 404 `, errorNamePart(error.name), ': ', ...message, `. ${endpointAdvice(target)}`],
      // Stryker disable next-line ObjectLiteral: Equivalent for users: an error's cause is never logged or answered; the reason is made of its parts.
      { cause: error },
    );
  }
  const service: ReasonPart[] = [
    errorNamePart(error.name),
    ': ',
    ...message,
    ...(error.reason ? [' (reason: ', outside(error.reason), ')'] : []),
  ];
  const requestId = error.$metadata.requestId ? [' (request id ', requestIdPart(error.$metadata.requestId), ')'] : [];
  return new FinSpaceCallError(
    error.name,
    operation,
    [`${operation} failed for ${where}`, ...requestId, ': ', ...service, `. ${serviceAdvice(operation, environmentId, error, target)}`],
    // Stryker disable next-line ObjectLiteral: Equivalent for users: an error's cause is never logged or answered; the reason is made of its parts.
    { cause: error },
  );
}
