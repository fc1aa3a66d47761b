/**
 * The emulator itself: it must refuse what FinSpace refuses, or the handler tests prove nothing. Signed requests
 * go through the project's client (the emulator verifies them with its own SigV4 code); unsigned ones are raw HTTP.
 */
import * as http from 'node:http';
import type { AwsCredentialIdentity } from '@smithy/types';
import { FinSpaceDataClient, type FinSpaceDataServiceError } from '../../lambda/finspace-client';
import { FinSpaceEmulator } from '../../testing/finspace-emulator';

const ROLE = 'arn:aws:iam::123456789012:role/handler';
let emulator: FinSpaceEmulator;

beforeEach(async () => {
  emulator = await FinSpaceEmulator.start({
    environments: { env1: [{ userId: 'admin', type: 'SUPER_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE }, { userId: 'u1', type: 'APP_USER' }] },
  });
});
afterEach(() => emulator.close());

function client(credentials: AwsCredentialIdentity = emulator.roleCredentials(ROLE), region = 'us-east-1') {
  return new FinSpaceDataClient({ region, endpoint: emulator.endpoint, credentials });
}

async function asAdmin() {
  const { credentials } = await client().getProgrammaticAccessCredentials({ environmentId: 'env1' });
  return client({ accessKeyId: credentials!.accessKeyId!, secretAccessKey: credentials!.secretAccessKey!, sessionToken: credentials!.sessionToken! });
}

async function errorOf(promise: Promise<unknown>): Promise<FinSpaceDataServiceError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e) => e,
  );
}

function rawRequest(method: string, path: string): Promise<{ status: number; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${emulator.endpoint}${path}`, { method }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, type: (res.headers['x-amzn-errortype'] as string | undefined)?.split(':')[0] }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('listens on 127.0.0.1 only, on a port of its own', () => {
  expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

test('an unsigned request is refused', async () => {
  expect(await rawRequest('GET', '/credentials/programmatic?environmentId=env1')).toEqual({ status: 403, type: 'MissingAuthenticationTokenException' });
});

test('a signature for another region is refused', async () => {
  const error = await errorOf(client(undefined, 'eu-west-1').getProgrammaticAccessCredentials({ environmentId: 'env1' }));
  expect(error.name).toBe('InvalidSignatureException');
});

test('temporary credentials only for a role registered as an ENABLED API access principal', async () => {
  const stranger = emulator.roleCredentials('arn:aws:iam::123456789012:role/stranger');
  expect((await errorOf(client(stranger).getProgrammaticAccessCredentials({ environmentId: 'env1' }))).name).toBe('AccessDeniedException');
  expect((await errorOf(client().getProgrammaticAccessCredentials({ environmentId: 'other-env' }))).name).toBe('AccessDeniedException');
  const out = await client().getProgrammaticAccessCredentials({ environmentId: 'env1', durationInMinutes: 5 });
  expect(out.durationInMinutes).toBe(5);
  expect(out.credentials?.sessionToken).toBeTruthy();
});

test('the model constraints of GetProgrammaticAccessCredentials', async () => {
  expect((await errorOf(client().getProgrammaticAccessCredentials({ environmentId: 'e'.repeat(27) }))).name).toBe('ValidationException');
  expect((await errorOf(client().getProgrammaticAccessCredentials({ environmentId: 'env1', durationInMinutes: 61 }))).name).toBe('ValidationException');
});

test.each([
  [{ userId: 'u'.repeat(27) }, 'INVALID_LENGTH'],
  [{ userId: '   ' }, 'INVALID_PATTERN'],
  [{ userId: 'u1', firstName: '' }, 'INVALID_LENGTH'],
  [{ userId: 'u1', lastName: ' ' }, 'INVALID_PATTERN'],
  [{ userId: 'u1', firstName: 'x'.repeat(51) }, 'INVALID_LENGTH'],
  [{ userId: 'u1', type: 'ROOT' }, 'INVALID_ENUM'],
  [{ userId: 'u1', apiAccess: 'YES' }, 'INVALID_ENUM'],
  [{ userId: 'u1', apiAccessPrincipalArn: 'arn:aws:iam::123456789012:user/alice' }, 'INVALID_PATTERN'],
  [{ userId: 'u1', clientToken: 'x'.repeat(129) }, 'INVALID_LENGTH'],
])('UpdateUser %j is a ValidationException (%s)', async (input, reason) => {
  const admin = await asAdmin();
  const error = await errorOf(admin.updateUser(input as { userId: string }));
  expect(error.name).toBe('ValidationException');
  expect(error.reason).toBe(reason);
});

test('an app user without ManageUsersAndGroups may not update users', async () => {
  emulator.putUser('env1', { userId: 'admin', type: 'APP_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE });
  const admin = await asAdmin();
  expect((await errorOf(admin.updateUser({ userId: 'u1', apiAccess: 'ENABLED' }))).name).toBe('AccessDeniedException');
  emulator.putUser('env1', { userId: 'admin', type: 'APP_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE, canManageUsers: true });
  await expect(admin.updateUser({ userId: 'u1', apiAccess: 'ENABLED' })).resolves.toEqual({ userId: 'u1' });
});

test('a clientToken replays the same request and refuses different parameters', async () => {
  const admin = await asAdmin();
  await admin.updateUser({ userId: 'u1', apiAccess: 'ENABLED', clientToken: 'tok' });
  await expect(admin.updateUser({ userId: 'u1', apiAccess: 'ENABLED', clientToken: 'tok' })).resolves.toEqual({ userId: 'u1' });
  expect((await errorOf(admin.updateUser({ userId: 'u1', apiAccess: 'DISABLED', clientToken: 'tok' }))).name).toBe('ConflictException');
});

test('state is per instance', async () => {
  const other = await FinSpaceEmulator.start();
  try {
    expect(other.getUser('env1', 'u1')).toBeUndefined();
    expect(emulator.getUser('env1', 'u1')).toBeDefined();
  } finally {
    await other.close();
  }
});

test('a shared token-bucket rate limit answers 429 beyond it', async () => {
  const admin = await asAdmin();
  emulator.setRateLimit({ requestsPerSecond: 5, burst: 3 });
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => admin.getUser({ userId: 'u1' })));
  expect(results.filter((r) => r.status === 'fulfilled').length).toBe(3);
  expect(emulator.count('GetUser', 429)).toBe(5);
});

test('injected faults are used in order, and only by their operation', async () => {
  const admin = await asAdmin();
  emulator.injectFault({ operation: 'UpdateUser', status: 500, times: 2 });
  await expect(admin.getUser({ userId: 'u1' })).resolves.toMatchObject({ userId: 'u1' });
  expect((await errorOf(admin.updateUser({ userId: 'u1' }))).name).toBe('InternalServerException');
  expect((await errorOf(admin.updateUser({ userId: 'u1' }))).name).toBe('InternalServerException');
  await expect(admin.updateUser({ userId: 'u1' })).resolves.toEqual({ userId: 'u1' });
});
