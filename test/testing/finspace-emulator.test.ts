/**
 * The emulator itself: it must refuse what FinSpace refuses, or the handler tests prove nothing. Requests go through
 * the project's client or raw SigV4 (the emulator verifies them with its own SigV4 code); unsigned ones are raw HTTP.
 */
import * as http from 'node:http';
import type { AwsCredentialIdentity } from '@smithy/types';
import { FinSpaceDataClient, type FinSpaceDataServiceError } from '../../lambda/finspace-client';
import { FinSpaceEmulator } from '../../testing/finspace-emulator';
import { getUser, signedRequest } from '../support/signed-request';

const ROLE = 'arn:aws:iam::123456789012:role/handler';
let emulator: FinSpaceEmulator;

beforeEach(async () => {
  emulator = await FinSpaceEmulator.start({
    environments: {
      env1: [
        { userId: 'admin', type: 'SUPER_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE },
        { userId: 'u1', type: 'APP_USER' },
      ],
    },
  });
});
afterEach(() => emulator.close());

function client(credentials: AwsCredentialIdentity = emulator.roleCredentials(ROLE), region = 'us-east-1') {
  return new FinSpaceDataClient({ region, endpoint: emulator.endpoint, credentials });
}

async function adminCredentials(environmentId = 'env1'): Promise<AwsCredentialIdentity> {
  const { credentials } = await client().getProgrammaticAccessCredentials({ environmentId });
  return {
    accessKeyId: credentials!.accessKeyId!,
    secretAccessKey: credentials!.secretAccessKey!,
    sessionToken: credentials!.sessionToken!,
  };
}

async function asAdmin() {
  return client(await adminCredentials());
}

async function errorOf(promise: Promise<unknown>): Promise<FinSpaceDataServiceError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e) => e,
  );
}

function rawRequest(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${emulator.endpoint}${path}`, { method, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode!, type: (res.headers['x-amzn-errortype'] as string | undefined)?.split(':')[0] }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('listening', () => {
  test('on 127.0.0.1 only (the socket itself), on a port of its own', () => {
    expect(emulator.address.address).toBe('127.0.0.1');
    expect(emulator.address.family).toBe('IPv4');
    expect(emulator.endpoint).toBe(`http://127.0.0.1:${emulator.address.port}`);
    expect(emulator.address.port).toBeGreaterThan(0);
  });

  test('on a given port when asked', async () => {
    const probe = await FinSpaceEmulator.start();
    const port = probe.address.port;
    await probe.close();
    const fixed = await FinSpaceEmulator.start({ port });
    try {
      expect(fixed.endpoint).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await fixed.close();
    }
  });

  test('an unknown operation is a 404 UnknownOperationException', async () => {
    expect(await rawRequest('DELETE', '/user/u1')).toEqual({ status: 404, type: 'UnknownOperationException' });
    expect(await rawRequest('GET', '/users')).toEqual({ status: 404, type: 'UnknownOperationException' });
    expect(emulator.requests.at(-1)).toMatchObject({ operation: 'Unknown', status: 404 });
  });
});

describe('SigV4 and who may call what', () => {
  test('an unsigned request is refused', async () => {
    expect(await rawRequest('GET', '/credentials/programmatic?environmentId=env1')).toEqual({
      status: 403,
      type: 'MissingAuthenticationTokenException',
    });
  });

  test('a signature for another region or service is refused', async () => {
    expect((await errorOf(client(undefined, 'eu-west-1').getProgrammaticAccessCredentials({ environmentId: 'env1' }))).name).toBe(
      'InvalidSignatureException',
    );
    const other = await signedRequest(emulator.endpoint, emulator.roleCredentials(ROLE), {
      path: '/credentials/programmatic',
      query: { environmentId: 'env1' },
      service: 'execute-api',
    });
    expect(other).toMatchObject({ status: 403, errorType: 'InvalidSignatureException' });
    expect(other.body.message).toContain("'finspace-api'");
  });

  test('host and x-amz-date must be signed', async () => {
    const sig = 'a'.repeat(64);
    for (const signed of ['x-amz-date', 'host']) {
      const answer = await rawRequest('GET', '/credentials/programmatic?environmentId=env1', {
        authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/finspace-api/aws4_request, SignedHeaders=${signed}, Signature=${sig}`,
        'x-amz-date': '20261129T000000Z',
      });
      expect(answer).toEqual({ status: 403, type: 'InvalidSignatureException' });
    }
  });

  test('a signature older or newer than 5 minutes is refused; within 4 minutes it is accepted', async () => {
    const role = emulator.roleCredentials(ROLE);
    const at = (offsetMs: number) =>
      signedRequest(emulator.endpoint, role, {
        path: '/credentials/programmatic',
        query: { environmentId: 'env1' },
        signingDate: new Date(Date.now() + offsetMs),
      });
    expect(await at(-6 * 60_000)).toMatchObject({ status: 403, errorType: 'InvalidSignatureException' });
    expect(await at(6 * 60_000)).toMatchObject({ status: 403, errorType: 'InvalidSignatureException' });
    expect((await at(-4 * 60_000)).status).toBe(200);
    expect((await at(4 * 60_000)).status).toBe(200);
  });

  test('unknown keys, a wrong session token, a wrong secret and a tampered body are refused', async () => {
    const role = emulator.roleCredentials(ROLE);
    const unknown = await signedRequest(
      emulator.endpoint,
      { ...role, accessKeyId: 'ASIANOTISSUED0000000' },
      { path: '/credentials/programmatic', query: { environmentId: 'env1' } },
    );
    expect(unknown).toMatchObject({ status: 403, errorType: 'UnrecognizedClientException' });
    const token = await signedRequest(
      emulator.endpoint,
      { ...role, sessionToken: 'other' },
      { path: '/credentials/programmatic', query: { environmentId: 'env1' } },
    );
    expect(token).toMatchObject({ status: 403, errorType: 'UnrecognizedClientException' });
    const noToken = await signedRequest(
      emulator.endpoint,
      { ...role, sessionToken: undefined },
      { path: '/credentials/programmatic', query: { environmentId: 'env1' } },
    );
    expect(noToken).toMatchObject({ status: 403, errorType: 'UnrecognizedClientException' });
    const secret = await errorOf(client({ ...role, secretAccessKey: 'wrong' }).getProgrammaticAccessCredentials({ environmentId: 'env1' }));
    expect(secret.name).toBe('InvalidSignatureException');
    const admin = await adminCredentials();
    const tampered = await signedRequest(emulator.endpoint, admin, {
      method: 'PUT',
      path: '/user/u1',
      body: JSON.stringify({ apiAccess: 'DISABLED' }),
      tamperedBody: JSON.stringify({ apiAccess: 'ENABLED' }),
    });
    expect(tampered).toMatchObject({ status: 403, errorType: 'InvalidSignatureException' });
    expect(emulator.getUser('env1', 'u1')?.apiAccess).toBe('DISABLED');
  });

  test('the role credentials cannot call UpdateUser or GetUser, and temporary credentials cannot get more credentials', async () => {
    expect((await errorOf(client().updateUser({ userId: 'u1', apiAccess: 'ENABLED' }))).name).toBe('AccessDeniedException');
    expect(await getUser(emulator.endpoint, emulator.roleCredentials(ROLE), 'u1')).toMatchObject({
      status: 403,
      errorType: 'AccessDeniedException',
    });
    const admin = await adminCredentials();
    expect((await errorOf(client(admin).getProgrammaticAccessCredentials({ environmentId: 'env1' }))).name).toBe('AccessDeniedException');
  });

  test('the role credentials are stable per role, and lambdaEnvironment carries them with the endpoint', () => {
    const credentials = emulator.roleCredentials(ROLE);
    expect(emulator.roleCredentials(ROLE)).toBe(credentials);
    expect(emulator.roleCredentials('arn:aws:iam::123456789012:role/other').accessKeyId).not.toBe(credentials.accessKeyId);
    expect(emulator.lambdaEnvironment(ROLE)).toEqual({
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      AWS_ENDPOINT_URL_FINSPACE_DATA: emulator.endpoint,
    });
  });
});

describe('GetProgrammaticAccessCredentials', () => {
  test('only for a role registered as an ENABLED, not disabled, user API access principal in that environment', async () => {
    const stranger = emulator.roleCredentials('arn:aws:iam::123456789012:role/stranger');
    expect((await errorOf(client(stranger).getProgrammaticAccessCredentials({ environmentId: 'env1' }))).name).toBe(
      'AccessDeniedException',
    );
    expect((await errorOf(client().getProgrammaticAccessCredentials({ environmentId: 'other-env' }))).name).toBe('AccessDeniedException');
    emulator.putUser('env1', { userId: 'admin', type: 'SUPER_USER', apiAccess: 'DISABLED', apiAccessPrincipalArn: ROLE });
    expect((await errorOf(client().getProgrammaticAccessCredentials({ environmentId: 'env1' }))).name).toBe('AccessDeniedException');
    emulator.putUser('env1', {
      userId: 'admin',
      type: 'SUPER_USER',
      apiAccess: 'ENABLED',
      apiAccessPrincipalArn: ROLE,
      status: 'DISABLED',
    });
    expect((await errorOf(client().getProgrammaticAccessCredentials({ environmentId: 'env1' }))).name).toBe('AccessDeniedException');
  });

  test('durationInMinutes 1..60, 60 when absent; credentials are listed as issued', async () => {
    expect((await client().getProgrammaticAccessCredentials({ environmentId: 'env1' })).durationInMinutes).toBe(60);
    expect((await client().getProgrammaticAccessCredentials({ environmentId: 'env1', durationInMinutes: 1 })).durationInMinutes).toBe(1);
    const out = await client().getProgrammaticAccessCredentials({ environmentId: 'env1', durationInMinutes: 60 });
    expect(out.durationInMinutes).toBe(60);
    expect(emulator.issuedCredentials()).toHaveLength(3);
    expect(emulator.issuedCredentials()[2]).toEqual(out.credentials);
    for (const bad of [0, 61, 1.5]) {
      const error = await errorOf(client().getProgrammaticAccessCredentials({ environmentId: 'env1', durationInMinutes: bad }));
      expect([error.name, error.reason]).toEqual(['ValidationException', 'INVALID_RANGE']);
    }
  });

  test('environmentId 1..26 characters', async () => {
    emulator.putUser('e'.repeat(26), { userId: 'admin', type: 'SUPER_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE });
    await expect(client().getProgrammaticAccessCredentials({ environmentId: 'e'.repeat(26) })).resolves.toBeDefined();
    for (const bad of ['e'.repeat(27), '']) {
      const error = await errorOf(client().getProgrammaticAccessCredentials({ environmentId: bad }));
      expect([error.name, error.reason]).toEqual(['ValidationException', 'INVALID_LENGTH']);
    }
    const missing = await signedRequest(emulator.endpoint, emulator.roleCredentials(ROLE), { path: '/credentials/programmatic' });
    expect(missing).toMatchObject({ status: 400, errorType: 'ValidationException', body: { reason: 'INVALID_TYPE' } });
  });

  test('temporary credentials expire, and then act no more', async () => {
    const admin = await asAdmin();
    emulator.expireIssuedCredentials();
    const error = await errorOf(admin.updateUser({ userId: 'u1', apiAccess: 'ENABLED' }));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['ExpiredTokenException', 403]);
  });

  test('temporary credentials of a user who lost API access or was disabled act no more', async () => {
    const admin = await asAdmin();
    emulator.putUser('env1', { userId: 'admin', type: 'SUPER_USER', apiAccess: 'DISABLED', apiAccessPrincipalArn: ROLE });
    expect((await errorOf(admin.updateUser({ userId: 'u1', apiAccess: 'ENABLED' }))).name).toBe('AccessDeniedException');
    const again = await (async () => {
      emulator.putUser('env1', { userId: 'admin', type: 'SUPER_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE });
      return asAdmin();
    })();
    emulator.putUser('env1', {
      userId: 'admin',
      type: 'SUPER_USER',
      apiAccess: 'ENABLED',
      apiAccessPrincipalArn: ROLE,
      status: 'DISABLED',
    });
    expect((await errorOf(again.updateUser({ userId: 'u1', apiAccess: 'ENABLED' }))).name).toBe('AccessDeniedException');
  });
});

describe('UpdateUser: every constraint of the model, at its bounds', () => {
  const astral = (n: number) => '😀'.repeat(n); // n code points, 2n UTF-16 units
  const arnOf = (length: number) => {
    const prefix = 'arn:aws:iam::123456789012:role/';
    return prefix + 'r'.repeat(length - prefix.length);
  };

  test.each([
    ['firstName of 50 astral code points', { firstName: astral(50) }],
    ['lastName of 50 code points', { lastName: 'L'.repeat(50) }],
    ['names of 1 code point', { firstName: 'A', lastName: '😀' }],
    ['apiAccessPrincipalArn of 2048 characters', { apiAccessPrincipalArn: arnOf(2048) }],
    ['clientToken of 128 characters', { clientToken: 't'.repeat(128) }],
    ['clientToken of 1 character', { clientToken: 't' }],
    ['every enum value', { type: 'SUPER_USER', apiAccess: 'ENABLED' }],
    ['the other enum values', { type: 'APP_USER', apiAccess: 'DISABLED' }],
  ])('accepts %s', async (_name, members) => {
    const admin = await asAdmin();
    await expect(admin.updateUser({ userId: 'u1', ...members })).resolves.toEqual({ userId: 'u1' });
  });

  test.each([
    [{ userId: 'u'.repeat(27) }, 'INVALID_LENGTH'],
    [{ userId: astral(27) }, 'INVALID_LENGTH'],
    [{ userId: '   ' }, 'INVALID_PATTERN'],
    [{ userId: 'u1', firstName: '' }, 'INVALID_LENGTH'],
    [{ userId: 'u1', firstName: 'x'.repeat(51) }, 'INVALID_LENGTH'],
    [{ userId: 'u1', firstName: astral(51) }, 'INVALID_LENGTH'],
    [{ userId: 'u1', firstName: '\t \n' }, 'INVALID_PATTERN'],
    [{ userId: 'u1', lastName: '' }, 'INVALID_LENGTH'],
    [{ userId: 'u1', lastName: ' ' }, 'INVALID_PATTERN'],
    [{ userId: 'u1', lastName: 'x'.repeat(51) }, 'INVALID_LENGTH'],
    [{ userId: 'u1', lastName: 'x'.repeat(500) }, 'INVALID_LENGTH'],
    [{ userId: 'u1', type: 'ROOT' }, 'INVALID_ENUM'],
    [{ userId: 'u1', type: 'super_user' }, 'INVALID_ENUM'],
    [{ userId: 'u1', apiAccess: 'YES' }, 'INVALID_ENUM'],
    [{ userId: 'u1', apiAccessPrincipalArn: 'arn:aws:iam::123456789012:user/alice' }, 'INVALID_PATTERN'],
    [{ userId: 'u1', apiAccessPrincipalArn: 'arn:aws:iam::1234567890:role/alice' }, 'INVALID_PATTERN'],
    [{ userId: 'u1', apiAccessPrincipalArn: 'xarn:aws:iam::123456789012:role/alice' }, 'INVALID_PATTERN'],
    [{ userId: 'u1', apiAccessPrincipalArn: 'arn:aws:iam::123456789012:role/alice!' }, 'INVALID_PATTERN'],
    [{ userId: 'u1', apiAccessPrincipalArn: arnOf(2049) }, 'INVALID_LENGTH'],
    [{ userId: 'u1', apiAccessPrincipalArn: 'arn:aws:iam::1:role' }, 'INVALID_LENGTH'],
    [{ userId: 'u1', clientToken: 'x'.repeat(129) }, 'INVALID_LENGTH'],
    [{ userId: 'u1', clientToken: '' }, 'INVALID_LENGTH'],
    [{ userId: 'u1', clientToken: '  ' }, 'INVALID_PATTERN'],
    [{ userId: 'u1', firstName: 7 }, 'INVALID_TYPE'],
    [{ userId: 'u1', apiAccess: true }, 'INVALID_ENUM'],
  ])('UpdateUser %j is a ValidationException (%s), and nothing changes', async (input, reason) => {
    const before = emulator.getUser('env1', 'u1');
    const admin = await asAdmin();
    const error = await errorOf(admin.updateUser(input as { userId: string }));
    expect([error.name, error.reason, error.$metadata.httpStatusCode]).toEqual(['ValidationException', reason, 400]);
    expect(emulator.getUser('env1', 'u1')).toEqual(before);
  });

  test('a userId of 26 characters passes validation (and is looked up); an unknown user is a 404 with its reason', async () => {
    const admin = await asAdmin();
    const missing = await errorOf(admin.updateUser({ userId: 'u'.repeat(26) }));
    expect([missing.name, missing.reason, missing.$metadata.httpStatusCode]).toEqual(['ResourceNotFoundException', 'USER_NOT_FOUND', 404]);
    emulator.putUser('env1', { userId: astral(26) });
    await expect(admin.updateUser({ userId: astral(26), apiAccess: 'ENABLED' })).resolves.toEqual({ userId: astral(26) });
  });

  test('unknown members, a body that is not JSON, and a JSON array are refused', async () => {
    const admin = await adminCredentials();
    const put = (body: string) => signedRequest(emulator.endpoint, admin, { method: 'PUT', path: '/user/u1', body });
    expect(await put(JSON.stringify({ emailAddress: 'a@b.c' }))).toMatchObject({
      status: 400,
      errorType: 'ValidationException',
      body: { reason: 'UNKNOWN_MEMBER' },
    });
    expect(await put('{not json')).toMatchObject({ status: 400, errorType: 'SerializationException' });
    expect(await put('[1]')).toMatchObject({ status: 400, errorType: 'SerializationException' });
    expect(await put('null')).toMatchObject({ status: 400, errorType: 'SerializationException' });
    expect(await put('')).toMatchObject({ status: 200, body: { userId: 'u1' } });
  });

  test('only the members sent change; lastModifiedTime moves; the request record names the members, not their values', async () => {
    const before = emulator.getUser('env1', 'u1')!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const admin = await asAdmin();
    await admin.updateUser({ userId: 'u1', firstName: 'Ada', apiAccess: 'ENABLED', clientToken: 'tok-1' });
    const after = emulator.getUser('env1', 'u1')!;
    expect(after).toEqual({ ...before, firstName: 'Ada', apiAccess: 'ENABLED', lastModifiedTime: after.lastModifiedTime });
    expect(after.lastModifiedTime!).toBeGreaterThan(before.lastModifiedTime!);
    expect(emulator.requests.at(-1)).toMatchObject({
      operation: 'UpdateUser',
      status: 200,
      environmentId: 'env1',
      userId: 'u1',
      clientToken: 'tok-1',
      members: ['firstName', 'apiAccess', 'clientToken'],
    });
  });

  test('an app user without ManageUsersAndGroups may not update users', async () => {
    emulator.putUser('env1', { userId: 'admin', type: 'APP_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE });
    const admin = await asAdmin();
    expect((await errorOf(admin.updateUser({ userId: 'u1', apiAccess: 'ENABLED' }))).name).toBe('AccessDeniedException');
    emulator.putUser('env1', {
      userId: 'admin',
      type: 'APP_USER',
      apiAccess: 'ENABLED',
      apiAccessPrincipalArn: ROLE,
      canManageUsers: true,
    });
    await expect(admin.updateUser({ userId: 'u1', apiAccess: 'ENABLED' })).resolves.toEqual({ userId: 'u1' });
  });

  test('a clientToken replays the same request, refuses different parameters, and is scoped to its environment', async () => {
    const admin = await asAdmin();
    await admin.updateUser({ userId: 'u1', apiAccess: 'ENABLED', clientToken: 'tok' });
    emulator.putUser('env1', { userId: 'u1', type: 'APP_USER', apiAccess: 'DISABLED' });
    // A replay answers as before and changes nothing.
    await expect(admin.updateUser({ userId: 'u1', apiAccess: 'ENABLED', clientToken: 'tok' })).resolves.toEqual({ userId: 'u1' });
    expect(emulator.getUser('env1', 'u1')?.apiAccess).toBe('DISABLED');
    const conflict = await errorOf(admin.updateUser({ userId: 'u1', apiAccess: 'DISABLED', clientToken: 'tok' }));
    expect([conflict.name, conflict.reason, conflict.$metadata.httpStatusCode]).toEqual(['ConflictException', 'IDEMPOTENCY_MISMATCH', 409]);
    expect((await errorOf(admin.updateUser({ userId: 'admin', apiAccess: 'ENABLED', clientToken: 'tok' }))).name).toBe('ConflictException');
    // Another environment does not share the token.
    emulator.putUser('env2', { userId: 'admin', type: 'SUPER_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE });
    emulator.putUser('env2', { userId: 'u1', type: 'APP_USER' });
    const other = client(await adminCredentials('env2'));
    await expect(other.updateUser({ userId: 'u1', apiAccess: 'DISABLED', clientToken: 'tok' })).resolves.toEqual({ userId: 'u1' });
  });

  test('an alias reaches its user, and UpdateUser answers the canonical id', async () => {
    emulator.aliasUser('env1', 'U1-ALIAS', 'u1');
    const admin = await asAdmin();
    await expect(admin.updateUser({ userId: 'U1-ALIAS', apiAccess: 'ENABLED' })).resolves.toEqual({ userId: 'u1' });
    expect(emulator.getUser('env1', 'u1')?.apiAccess).toBe('ENABLED');
    expect(() => emulator.aliasUser('env1', 'x', 'nobody')).toThrow(/no user nobody/);
  });
});

describe('GetUser', () => {
  test('answers the user without internal fields; 404 for an unknown user', async () => {
    emulator.putUser('env1', { userId: 'u2', type: 'APP_USER', canManageUsers: true, firstName: 'F' });
    const admin = await adminCredentials();
    const answer = await getUser(emulator.endpoint, admin, 'u2');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ userId: 'u2', type: 'APP_USER', status: 'ENABLED', apiAccess: 'DISABLED', firstName: 'F' });
    expect(answer.body).not.toHaveProperty('canManageUsers');
    expect(typeof answer.body.createTime).toBe('number');
    expect(await getUser(emulator.endpoint, admin, 'nobody')).toMatchObject({ status: 404, errorType: 'ResourceNotFoundException' });
    expect(emulator.count('GetUser')).toBe(2);
    expect(emulator.count('GetUser', 404)).toBe(1);
  });
});

describe('answers', () => {
  test('errors carry x-amzn-ErrorType with a suffix, a request id, and a body with message and reason (none for 429)', async () => {
    const admin = await adminCredentials();
    const missing = await getUser(emulator.endpoint, admin, 'nobody');
    expect(missing.headers.get('x-amzn-errortype')).toMatch(/^ResourceNotFoundException:http/);
    expect(missing.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.body).toEqual({ message: 'User nobody does not exist', reason: 'USER_NOT_FOUND' });
    emulator.injectFault({ operation: 'GetUser', status: 429 });
    const throttled = await getUser(emulator.endpoint, admin, 'u1');
    expect(throttled).toMatchObject({ status: 429, errorType: 'ThrottlingException', body: {} });
    expect(throttled.headers.get('retry-after')).toBeNull();
  });
});

describe('faults', () => {
  test('used in order, only by their operation, for their count; then requests go through', async () => {
    const admin = await adminCredentials();
    emulator.injectFault({ operation: 'UpdateUser', status: 500, times: 2 });
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
    const put = () => signedRequest(emulator.endpoint, admin, { method: 'PUT', path: '/user/u1', body: '{}' });
    expect(await put()).toMatchObject({
      status: 500,
      errorType: 'InternalServerException',
      body: { message: 'injected InternalServerException' },
    });
    expect(await put()).toMatchObject({ status: 500, errorType: 'InternalServerException' });
    expect((await put()).status).toBe(200);
  });

  test('a fault with no operation hits any; one without effect lets a request through and places the next after it', async () => {
    const admin = await adminCredentials();
    emulator.injectFault({ times: 1 });
    emulator.injectFault({ status: 503 });
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
    expect(await getUser(emulator.endpoint, admin, 'u1')).toMatchObject({ status: 503, errorType: 'ServiceUnavailable' });
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
  });

  test('status, error type, message and Retry-After as asked; every status has its model error', async () => {
    const admin = await adminCredentials();
    emulator.injectFault({ status: 429, retryAfterSeconds: 3 });
    const throttled = await getUser(emulator.endpoint, admin, 'u1');
    expect([throttled.status, throttled.errorType, throttled.headers.get('retry-after')]).toEqual([429, 'ThrottlingException', '3']);
    emulator.injectFault({ status: 403, errorType: 'ExpiredTokenException', message: 'token expired' });
    expect(await getUser(emulator.endpoint, admin, 'u1')).toMatchObject({
      status: 403,
      errorType: 'ExpiredTokenException',
      body: { message: 'token expired' },
    });
    const expected: Record<number, string> = {
      400: 'ValidationException',
      403: 'AccessDeniedException',
      404: 'ResourceNotFoundException',
      409: 'ConflictException',
      500: 'InternalServerException',
      502: 'BadGateway',
      503: 'ServiceUnavailable',
      418: 'Http418',
    };
    for (const [status, type] of Object.entries(expected)) {
      emulator.injectFault({ status: Number(status) });
      expect(await getUser(emulator.endpoint, admin, 'u1')).toMatchObject({ status: Number(status), errorType: type });
    }
  });

  test('a delay holds the answer; a reset drops the connection; a raw body replaces the answer; clearFaults drops them all', async () => {
    const admin = await adminCredentials();
    emulator.injectFault({ operation: 'GetUser', delayMs: 300 });
    const started = Date.now();
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);

    emulator.injectFault({ operation: 'GetUser', reset: true });
    await expect(getUser(emulator.endpoint, admin, 'u1')).rejects.toThrow();
    expect(emulator.requests.at(-1)).toMatchObject({ status: 0, errorType: 'ConnectionReset' });

    emulator.injectFault({ operation: 'GetUser', rawBody: '{"userId":"zzz"}' });
    expect(await getUser(emulator.endpoint, admin, 'u1')).toMatchObject({ status: 200, body: { userId: 'zzz' } });

    emulator.injectFault({ status: 500, times: 5 });
    emulator.clearFaults();
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
  });

  test('a shared token-bucket rate limit answers 429 beyond its burst, refills at its rate, and can be removed', async () => {
    const admin = await adminCredentials();
    emulator.setRateLimit({ requestsPerSecond: 5, burst: 3 });
    const results = await Promise.all(Array.from({ length: 8 }, () => getUser(emulator.endpoint, admin, 'u1')));
    expect(results.filter((r) => r.status === 200).length).toBe(3);
    expect(emulator.count('GetUser', 429)).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 450)); // 2 tokens at 5/s
    const refilled = await Promise.all(Array.from({ length: 4 }, () => getUser(emulator.endpoint, admin, 'u1')));
    expect(refilled.filter((r) => r.status === 200).length).toBe(2);
    emulator.setRateLimit(undefined);
    const free = await Promise.all(Array.from({ length: 6 }, () => getUser(emulator.endpoint, admin, 'u1')));
    expect(free.every((r) => r.status === 200)).toBe(true);
  });

  test('the burst defaults to the rate', async () => {
    const admin = await adminCredentials();
    emulator.setRateLimit({ requestsPerSecond: 2 });
    const results = await Promise.all(Array.from({ length: 4 }, () => getUser(emulator.endpoint, admin, 'u1')));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429, 429]);
  });
});

describe('state', () => {
  test('is per instance; putUser fills the defaults and replaces a user', async () => {
    const other = await FinSpaceEmulator.start({ region: 'eu-west-1' });
    try {
      expect(other.getUser('env1', 'u1')).toBeUndefined();
      expect(other.region).toBe('eu-west-1');
      expect(emulator.getUser('env1', 'u1')).toMatchObject({ userId: 'u1', status: 'ENABLED', apiAccess: 'DISABLED', type: 'APP_USER' });
      emulator.putUser('env1', { userId: 'u1', type: 'SUPER_USER', status: 'CREATING' });
      expect(emulator.getUser('env1', 'u1')).toMatchObject({ type: 'SUPER_USER', status: 'CREATING' });
      const copy = emulator.getUser('env1', 'u1')!;
      copy.type = 'APP_USER';
      expect(emulator.getUser('env1', 'u1')?.type).toBe('SUPER_USER');
    } finally {
      await other.close();
    }
  });

  test('close() ends open connections, so it does not wait for keep-alive', async () => {
    const admin = await asAdmin();
    await admin.updateUser({ userId: 'u1' });
    const started = Date.now();
    await emulator.close();
    expect(Date.now() - started).toBeLessThan(1000);
    emulator = await FinSpaceEmulator.start();
  });
});
