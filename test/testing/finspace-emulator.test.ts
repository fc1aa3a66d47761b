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

  test('times: 0 has no effect at all: never applied, and not in the way of the faults queued after it', async () => {
    const admin = await adminCredentials();
    emulator.injectFault({ operation: 'GetUser', status: 500, times: 0 });
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
    emulator.injectFault({ status: 503, times: 0 });
    emulator.injectFault({ operation: 'GetUser', status: 409 });
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(409);
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
    expect(emulator.requests.filter((r) => r.operation === 'GetUser').map((r) => r.status)).toEqual([200, 409, 200]);
  });

  test.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'times: %p is refused with a clear error, and queues nothing',
    async (times) => {
      const admin = await adminCredentials();
      expect(() => emulator.injectFault({ status: 500, times })).toThrow(
        new RangeError(`times must be a whole number >= 0 (got ${times})`),
      );
      expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
    },
  );

  test('a raw body goes with the status, error type and Retry-After asked for (headers exactly as given)', async () => {
    const admin = await adminCredentials();
    emulator.injectFault({ operation: 'GetUser', status: 503, rawBody: '{"code":503}', errorType: 'Odd#Name', retryAfterSeconds: 1 });
    const answer = await getUser(emulator.endpoint, admin, 'u1');
    expect([answer.status, answer.errorType, answer.headers.get('retry-after'), answer.body]).toEqual([
      503,
      'Odd#Name',
      '1',
      { code: 503 },
    ]);
    expect(emulator.requests.at(-1)).toMatchObject({ operation: 'GetUser', status: 503, errorType: 'Odd#Name' });
    // An empty error type is sent as an empty header.
    emulator.injectFault({ operation: 'GetUser', status: 500, rawBody: '', errorType: '' });
    const empty = await getUser(emulator.endpoint, admin, 'u1');
    expect([empty.status, empty.headers.get('x-amzn-errortype')]).toEqual([500, '']);
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

describe('what each refusal says, as FinSpace would', () => {
  const put = async (body: string, credentials?: AwsCredentialIdentity) =>
    signedRequest(emulator.endpoint, credentials ?? (await adminCredentials()), { method: 'PUT', path: '/user/u1', body });
  const refusal = (status: number, errorType: string, message: string, reason?: string) => ({
    status,
    errorType,
    body: reason ? { message, reason } : { message },
  });

  test('each model constraint names the member and the rule', async () => {
    const admin = await adminCredentials();
    const cases: Array<[Record<string, unknown>, ReturnType<typeof refusal>]> = [
      [{ type: 'ROOT' }, refusal(400, 'ValidationException', 'type must be one of SUPER_USER, APP_USER', 'INVALID_ENUM')],
      [{ apiAccess: 'YES' }, refusal(400, 'ValidationException', 'apiAccess must be one of ENABLED, DISABLED', 'INVALID_ENUM')],
      [{ firstName: '' }, refusal(400, 'ValidationException', 'firstName must have length between 1 and 50', 'INVALID_LENGTH')],
      [{ lastName: ' ' }, refusal(400, 'ValidationException', 'lastName must satisfy pattern .*\\S.*', 'INVALID_PATTERN')],
      [{ firstName: 7 }, refusal(400, 'ValidationException', 'firstName must be a string', 'INVALID_TYPE')],
      [
        { apiAccessPrincipalArn: 'arn:aws:iam::123456789012:user/alice' },
        refusal(
          400,
          'ValidationException',
          'apiAccessPrincipalArn must satisfy pattern ^arn:aws[a-z\\-]*:iam::\\d{12}:role\\/?[a-zA-Z_0-9+=,.@\\-_/]+$',
          'INVALID_PATTERN',
        ),
      ],
      [{ clientToken: '' }, refusal(400, 'ValidationException', 'clientToken must have length between 1 and 128', 'INVALID_LENGTH')],
      [
        { emailAddress: 'a@b.c', status: 'X' },
        refusal(400, 'ValidationException', 'Unknown members: emailAddress, status', 'UNKNOWN_MEMBER'),
      ],
    ];
    for (const [members, answer] of cases) expect(await put(JSON.stringify(members), admin)).toMatchObject(answer);
    const longId = await signedRequest(emulator.endpoint, admin, { method: 'PUT', path: `/user/${'u'.repeat(27)}`, body: '{}' });
    expect(longId).toMatchObject(refusal(400, 'ValidationException', 'userId must have length between 1 and 26', 'INVALID_LENGTH'));
  });

  test('bodies that are not a JSON object', async () => {
    const admin = await adminCredentials();
    expect(await put('{not json', admin)).toMatchObject(refusal(400, 'SerializationException', 'The request body is not valid JSON'));
    for (const body of ['5', '"text"', '[1]', 'null']) {
      expect(await put(body, admin)).toMatchObject(refusal(400, 'SerializationException', 'The request body must be a JSON object'));
    }
  });

  test('who may not do what', async () => {
    const role = emulator.roleCredentials(ROLE);
    expect(await put('{}', role)).toMatchObject(
      refusal(403, 'AccessDeniedException', 'FinSpace user operations need the temporary credentials of GetProgrammaticAccessCredentials'),
    );
    const admin = await adminCredentials();
    const more = await signedRequest(emulator.endpoint, admin, { path: '/credentials/programmatic', query: { environmentId: 'env1' } });
    expect(more).toMatchObject(
      refusal(403, 'AccessDeniedException', 'GetProgrammaticAccessCredentials must be called with IAM credentials'),
    );
    const stranger = 'arn:aws:iam::123456789012:role/stranger';
    const denied = await signedRequest(emulator.endpoint, emulator.roleCredentials(stranger), {
      path: '/credentials/programmatic',
      query: { environmentId: 'env1' },
    });
    expect(denied).toMatchObject(
      refusal(403, 'AccessDeniedException', `${stranger} is not the API access principal of an enabled user in environment env1`),
    );
    emulator.putUser('env1', { userId: 'app', type: 'APP_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: stranger });
    const app = await signedRequest(emulator.endpoint, emulator.roleCredentials(stranger), {
      path: '/credentials/programmatic',
      query: { environmentId: 'env1' },
    });
    const appCredentials = app.body.credentials as AwsCredentialIdentity;
    expect(await put('{}', appCredentials)).toMatchObject(
      refusal(403, 'AccessDeniedException', 'The caller does not have permission ManageUsersAndGroups'),
    );
    emulator.putUser('env1', { userId: 'app', type: 'APP_USER', apiAccess: 'DISABLED', apiAccessPrincipalArn: stranger });
    expect(await put('{}', appCredentials)).toMatchObject(
      refusal(403, 'AccessDeniedException', 'The user these credentials act as no longer has API access'),
    );
    emulator.expireIssuedCredentials();
    expect(await put('{}', admin)).toMatchObject(
      refusal(403, 'ExpiredTokenException', 'The security token included in the request is expired'),
    );
  });

  test('credentials: environmentId and durationInMinutes rules; access key ids as AWS shapes them', async () => {
    const role = emulator.roleCredentials(ROLE);
    const ask = (query: Record<string, string>) => signedRequest(emulator.endpoint, role, { path: '/credentials/programmatic', query });
    expect(await ask({ environmentId: '' })).toMatchObject(
      refusal(400, 'ValidationException', 'environmentId must have length between 1 and 26', 'INVALID_LENGTH'),
    );
    expect(await ask({ environmentId: 'env1', durationInMinutes: '0' })).toMatchObject(
      refusal(400, 'ValidationException', 'durationInMinutes must be between 1 and 60', 'INVALID_RANGE'),
    );
    expect(role.accessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect((await adminCredentials()).accessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
  });

  test('signatures: what is missing or wrong', async () => {
    const role = emulator.roleCredentials(ROLE);
    const credentialsPath = '/credentials/programmatic?environmentId=env1';
    const raw = (headers: Record<string, string>) =>
      fetch(`${emulator.endpoint}${credentialsPath}`, { headers }).then(async (r) => ({
        status: r.status,
        errorType: r.headers.get('x-amzn-errortype')?.split(':')[0],
        body: (await r.json()) as Record<string, unknown>,
      }));
    expect(await raw({})).toEqual(refusal(403, 'MissingAuthenticationTokenException', 'Missing or malformed SigV4 Authorization header'));
    const authorization = (key: string, signed: string) =>
      `AWS4-HMAC-SHA256 Credential=${key}/20261129/us-east-1/finspace-api/aws4_request, SignedHeaders=${signed}, Signature=${'a'.repeat(64)}`;
    for (const missing of ['host', 'x-amz-date']) {
      const signed = ['host', 'x-amz-date'].filter((h) => h !== missing).join(';');
      expect(await raw({ authorization: authorization(role.accessKeyId, signed), 'x-amz-date': '20261129T000000Z' })).toEqual(
        refusal(403, 'InvalidSignatureException', `'${missing}' must be a signed header`),
      );
    }
    const expired = refusal(
      403,
      'InvalidSignatureException',
      'Signature expired: the request time is not within 5 minutes of the server time',
    );
    expect(await raw({ authorization: authorization(role.accessKeyId, 'host;x-amz-date'), 'x-amz-date': 'garbage' })).toEqual(expired);
    const old = await signedRequest(emulator.endpoint, role, {
      path: '/credentials/programmatic',
      query: { environmentId: 'env1' },
      signingDate: new Date(Date.now() - 6 * 60_000),
    });
    expect(old).toMatchObject(expired);
    const otherRegion = await signedRequest(emulator.endpoint, role, {
      path: '/credentials/programmatic',
      query: { environmentId: 'env1' },
      region: 'eu-west-1',
    });
    expect(otherRegion).toMatchObject(
      refusal(403, 'InvalidSignatureException', "Credential should be scoped to a valid region, not 'eu-west-1'"),
    );
    const invalidToken = refusal(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    const probe = (credentials: AwsCredentialIdentity, extraHeaders?: Record<string, string>) =>
      signedRequest(emulator.endpoint, credentials, { path: '/credentials/programmatic', query: { environmentId: 'env1' }, extraHeaders });
    // An unknown key is refused whether or not it comes with a session token.
    expect(await probe({ accessKeyId: 'ASIANOTISSUED0000000', secretAccessKey: 's' })).toMatchObject(invalidToken);
    expect(await probe({ ...role, sessionToken: 'other' })).toMatchObject(invalidToken);
    // The right token, but outside the signature.
    expect(await probe({ ...role, sessionToken: undefined }, { 'x-amz-security-token': role.sessionToken })).toMatchObject(
      refusal(403, 'InvalidSignatureException', "'x-amz-security-token' must be a signed header"),
    );
    expect(await probe({ ...role, secretAccessKey: 'wrong' })).toMatchObject(
      refusal(403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.'),
    );
  });

  test('routes: only the three operations, by exact method and path', async () => {
    const admin = await adminCredentials();
    const unknown = (method: string, path: string) => refusal(404, 'UnknownOperationException', `no operation for ${method} ${path}`);
    const call = (method: string, path: string) =>
      signedRequest(emulator.endpoint, admin, { method, path, body: method === 'GET' ? undefined : '{}' });
    expect(await call('PUT', '/credentials/programmatic')).toMatchObject(unknown('PUT', '/credentials/programmatic'));
    expect(await call('DELETE', '/user/u1')).toMatchObject(unknown('DELETE', '/user/u1'));
    expect(await call('GET', '/v1/user/u1')).toMatchObject(unknown('GET', '/v1/user/u1'));
    expect(await call('GET', '/user/u1/extra')).toMatchObject(unknown('GET', '/user/u1/extra'));
  });

  test('answers: JSON content type; an error type only on errors; throttling with an empty body', async () => {
    const admin = await adminCredentials();
    const ok = await getUser(emulator.endpoint, admin, 'u1');
    expect([ok.status, ok.headers.get('content-type'), ok.headers.get('x-amzn-errortype')]).toEqual([200, 'application/json', null]);
    const missing = await getUser(emulator.endpoint, admin, 'nobody');
    expect(missing.headers.get('content-type')).toBe('application/json');
    emulator.injectFault({ operation: 'GetUser', rawBody: '{}' });
    expect((await getUser(emulator.endpoint, admin, 'u1')).headers.get('content-type')).toBe('application/json');
    emulator.setRateLimit({ requestsPerSecond: 0.001, burst: 1 });
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200); // exactly one token: taken
    const throttled = await getUser(emulator.endpoint, admin, 'u1');
    expect([throttled.status, throttled.errorType, throttled.body]).toEqual([429, 'ThrottlingException', {}]);
  });

  test('an error inside the emulator is a 500 naming it, not a request left hanging', async () => {
    // A path label that is not valid percent-encoding cannot be decoded.
    const answer = await fetch(`${emulator.endpoint}/user/%E0%A4%A`);
    expect([answer.status, answer.headers.get('x-amzn-errortype')?.split(':')[0], await answer.json()]).toEqual([
      500,
      'InternalServerException',
      { message: 'emulator error: URI malformed' },
    ]);
  });

  test('a clientToken is remembered for 10 minutes, then the token is free again', async () => {
    const admin = await adminCredentials();
    const now = Date.now();
    const at = (offsetMs: number, body: string) => {
      jest.spyOn(Date, 'now').mockReturnValue(now + offsetMs);
      return signedRequest(emulator.endpoint, admin, { method: 'PUT', path: '/user/u1', body, signingDate: new Date(now + offsetMs) });
    };
    try {
      expect((await at(0, '{"apiAccess":"ENABLED","clientToken":"t"}')).status).toBe(200);
      expect(await at(9 * 60_000, '{"apiAccess":"DISABLED","clientToken":"t"}')).toMatchObject(
        refusal(409, 'ConflictException', 'The clientToken was used with different parameters', 'IDEMPOTENCY_MISMATCH'),
      );
      expect((await at(10 * 60_000 + 1, '{"apiAccess":"DISABLED","clientToken":"t"}')).status).toBe(200);
      expect(emulator.getUser('env1', 'u1')?.apiAccess).toBe('DISABLED');
    } finally {
      jest.restoreAllMocks();
    }
  });
});

describe('lifecycle', () => {
  test('a port in use fails start() with the listen error', async () => {
    await expect(FinSpaceEmulator.start({ port: emulator.address.port })).rejects.toThrow(/EADDRINUSE/);
  });

  test('close() does not wait for a request still being answered', async () => {
    const admin = await adminCredentials();
    emulator.injectFault({ operation: 'GetUser', delayMs: 5000 });
    const pending = getUser(emulator.endpoint, admin, 'u1').catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await emulator.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toHaveProperty('message', 'fetch failed'); // the connection was ended, not answered
    emulator = await FinSpaceEmulator.start();
  });

  test('aliases in one environment add up', async () => {
    emulator.aliasUser('env1', 'A1', 'u1');
    emulator.aliasUser('env1', 'A2', 'admin');
    const admin = await asAdmin();
    await expect(admin.updateUser({ userId: 'A1', apiAccess: 'ENABLED' })).resolves.toEqual({ userId: 'u1' });
    await expect(admin.updateUser({ userId: 'A2', apiAccess: 'ENABLED' })).resolves.toEqual({ userId: 'admin' });
  });
});
