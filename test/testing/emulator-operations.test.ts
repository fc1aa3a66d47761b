/**
 * The emulator's operations: whom GetProgrammaticAccessCredentials serves and for how long, what UpdateUser changes
 * and remembers (clientToken), what GetUser answers.
 */
import type { FinSpaceEmulator } from '../../testing/finspace-emulator';
import {
  ADMIN,
  adminCredentials,
  asAdmin,
  client,
  getCredentials,
  refusal,
  ROLE,
  startSeeded,
  updateRaw,
} from '../support/seeded-emulator';
import { getUser, signedRequest } from '../support/signed-request';

let emulator: FinSpaceEmulator;
beforeEach(async () => (emulator = await startSeeded()));
afterEach(() => emulator.close());

describe('GetProgrammaticAccessCredentials', () => {
  const STRANGER = 'arn:aws:iam::123456789012:role/stranger';
  const notPrincipal = (role: string, environmentId: string) =>
    refusal(403, 'AccessDeniedException', `${role} is not the API access principal of an enabled user in environment ${environmentId}`);

  test.each([
    ['another role', STRANGER, 'env1', {}],
    ['another environment', ROLE, 'other-env', {}],
    ['its user without API access', ROLE, 'env1', { apiAccess: 'DISABLED' as const }],
    ['its user disabled', ROLE, 'env1', { status: 'DISABLED' as const }],
  ])('only for the API access principal of an enabled user of the environment: not %s', async (_name, role, environmentId, change) => {
    emulator.putUser('env1', { ...ADMIN, ...change });
    const answer = await getCredentials(emulator, emulator.roleCredentials(role), { query: { environmentId } });
    expect(answer).toMatchObject(notPrincipal(role, environmentId));
  });

  test('environmentId of 26 characters; durationInMinutes 1..60, 60 when absent; the credentials are listed as issued', async () => {
    emulator.putUser('e'.repeat(26), { ...ADMIN });
    const ask = (durationInMinutes?: number) =>
      client(emulator).getProgrammaticAccessCredentials({ environmentId: 'e'.repeat(26), durationInMinutes });
    expect([(await ask()).durationInMinutes, (await ask(1)).durationInMinutes]).toEqual([60, 1]);
    const out = await ask(60);
    expect(out.durationInMinutes).toBe(60);
    expect(emulator.issuedCredentials()).toHaveLength(3);
    expect(emulator.issuedCredentials()[2]).toEqual(out.credentials);
  });

  const LENGTH = refusal(400, 'ValidationException', 'environmentId must have length between 1 and 26', 'INVALID_LENGTH');
  const RANGE = refusal(400, 'ValidationException', 'durationInMinutes must be between 1 and 60', 'INVALID_RANGE');
  test.each([
    [{ environmentId: 'e'.repeat(27) }, LENGTH],
    [{ environmentId: '' }, LENGTH],
    [{}, refusal(400, 'ValidationException', 'environmentId must be a string', 'INVALID_TYPE')],
    [{ environmentId: 'env1', durationInMinutes: '0' }, RANGE],
    [{ environmentId: 'env1', durationInMinutes: '61' }, RANGE],
    [{ environmentId: 'env1', durationInMinutes: '1.5' }, RANGE],
  ])('the query %j is refused', async (query, answer) => {
    expect(await getCredentials(emulator, emulator.roleCredentials(ROLE), { query })).toMatchObject(answer);
  });

  test('access key ids as AWS shapes them', async () => {
    expect(emulator.roleCredentials(ROLE).accessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect((await adminCredentials(emulator)).accessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
  });
});

describe('UpdateUser', () => {
  test('a userId of 26 characters passes validation (and is looked up); an unknown user is a 404 with its reason', async () => {
    const admin = await asAdmin(emulator);
    const missing = { name: 'ResourceNotFoundException', reason: 'USER_NOT_FOUND', $metadata: { httpStatusCode: 404 } };
    await expect(admin.updateUser({ userId: 'u'.repeat(26) })).rejects.toMatchObject(missing);
    const astral = '😀'.repeat(26); // 26 code points, 52 UTF-16 units
    emulator.putUser('env1', { userId: astral });
    await expect(admin.updateUser({ userId: astral, apiAccess: 'ENABLED' })).resolves.toEqual({ userId: astral });
  });

  const NOT_AN_OBJECT = refusal(400, 'SerializationException', 'The request body must be a JSON object');
  const UNKNOWN = refusal(400, 'ValidationException', 'Unknown members: emailAddress, status', 'UNKNOWN_MEMBER');
  test.each([
    ['{"emailAddress":"a@b.c","status":"X"}', UNKNOWN],
    ['{not json', refusal(400, 'SerializationException', 'The request body is not valid JSON')],
    ['5', NOT_AN_OBJECT],
    ['"text"', NOT_AN_OBJECT],
    ['[1]', NOT_AN_OBJECT],
    ['null', NOT_AN_OBJECT],
    ['', { status: 200, body: { userId: 'u1' } }],
  ])('the body %p: %j', async (body, answer) => {
    expect(await updateRaw(emulator, await adminCredentials(emulator), body)).toMatchObject(answer);
  });

  test('only the members sent change; lastModifiedTime moves; the request record names the members, not their values', async () => {
    const before = emulator.getUser('env1', 'u1')!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const admin = await asAdmin(emulator);
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

  test('a clientToken replays the same request, refuses different parameters, and is scoped to its environment', async () => {
    const admin = await asAdmin(emulator);
    await admin.updateUser({ userId: 'u1', apiAccess: 'ENABLED', clientToken: 'tok' });
    emulator.putUser('env1', { userId: 'u1', type: 'APP_USER', apiAccess: 'DISABLED' });
    // A replay answers as before and changes nothing.
    await expect(admin.updateUser({ userId: 'u1', apiAccess: 'ENABLED', clientToken: 'tok' })).resolves.toEqual({ userId: 'u1' });
    expect(emulator.getUser('env1', 'u1')?.apiAccess).toBe('DISABLED');
    const conflict = { name: 'ConflictException', reason: 'IDEMPOTENCY_MISMATCH', $metadata: { httpStatusCode: 409 } };
    await expect(admin.updateUser({ userId: 'u1', apiAccess: 'DISABLED', clientToken: 'tok' })).rejects.toMatchObject(conflict);
    await expect(admin.updateUser({ userId: 'admin', apiAccess: 'ENABLED', clientToken: 'tok' })).rejects.toMatchObject(conflict);
    // Another environment does not share the token.
    emulator.putUser('env2', { ...ADMIN });
    emulator.putUser('env2', { userId: 'u1', type: 'APP_USER' });
    const other = client(emulator, await adminCredentials(emulator, 'env2'));
    await expect(other.updateUser({ userId: 'u1', apiAccess: 'DISABLED', clientToken: 'tok' })).resolves.toEqual({ userId: 'u1' });
  });

  test('a clientToken is remembered for 10 minutes, then the token is free again', async () => {
    const admin = await adminCredentials(emulator);
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

describe('GetUser', () => {
  test('answers the user without internal fields; 404 for an unknown user', async () => {
    emulator.putUser('env1', { userId: 'u2', type: 'APP_USER', canManageUsers: true, firstName: 'F' });
    const admin = await adminCredentials(emulator);
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
