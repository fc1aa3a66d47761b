/**
 * Who signed a request and what they may do: each SigV4 fault and each refusal of a caller, with what FinSpace says.
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import type { FinSpaceEmulator, RoleCredentials } from '../../testing/finspace-emulator';
import {
  ADMIN,
  adminCredentials,
  client,
  getCredentials,
  refusal,
  ROLE,
  startSeeded,
  unsigned,
  updateRaw,
} from '../support/seeded-emulator';
import { getUser, signedRequest } from '../support/signed-request';

let emulator: FinSpaceEmulator;
beforeEach(async () => (emulator = await startSeeded()));
afterEach(() => emulator.close());

const invalidSignature = (message: string) => refusal(403, 'InvalidSignatureException', message);
const denied = (message: string) => refusal(403, 'AccessDeniedException', message);
const UNSIGNED = refusal(403, 'MissingAuthenticationTokenException', 'Missing or malformed SigV4 Authorization header');
const INVALID_TOKEN = refusal(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
const MISMATCH = invalidSignature('The request signature we calculated does not match the signature you provided.');
const EXPIRED_SIGNATURE = invalidSignature('Signature expired: the request time is not within 5 minutes of the server time');
/** Headers of a request with a made-up signature: an Authorization header of `key` with `signed` headers, a date. */
const made = (key: string, signed: string, date = '20261129T000000Z') => ({
  authorization: `AWS4-HMAC-SHA256 Credential=${key}/20261129/us-east-1/finspace-api/aws4_request, SignedHeaders=${signed}, Signature=${'a'.repeat(64)}`,
  'x-amz-date': date,
});

describe('SigV4', () => {
  test.each<[string, (roleKey: string) => Record<string, string>, ReturnType<typeof refusal>]>([
    ['no Authorization header', () => ({}), UNSIGNED],
    // With a key that is not known: the signed headers are checked first.
    ['host not signed', () => made('AKIDEXAMPLE', 'x-amz-date'), invalidSignature("'host' must be a signed header")],
    ['x-amz-date not signed', () => made('AKIDEXAMPLE', 'host'), invalidSignature("'x-amz-date' must be a signed header")],
    ['a request time that is not a date', (key) => made(key, 'host;x-amz-date', 'garbage'), EXPIRED_SIGNATURE],
  ])('%s is refused', async (_name, headers, answer) => {
    const key = emulator.roleCredentials(ROLE).accessKeyId;
    expect(await unsigned(emulator, '/credentials/programmatic?environmentId=env1', headers(key))).toEqual(answer);
  });

  test.each([
    [{ service: 'execute-api' }, "Credential should be scoped to correct service: 'finspace-api', not 'execute-api'"],
    [{ region: 'eu-west-1' }, "Credential should be scoped to a valid region, not 'eu-west-1'"],
  ])('a signature scoped to %j is refused', async (scope, message) => {
    expect(await getCredentials(emulator, emulator.roleCredentials(ROLE), scope)).toMatchObject(invalidSignature(message));
  });

  test.each([
    [-6, EXPIRED_SIGNATURE],
    [6, EXPIRED_SIGNATURE],
    [-4, { status: 200 }],
    [4, { status: 200 }],
  ])('a signature %p minutes off the server time: %j', async (minutes, answer) => {
    const signingDate = new Date(Date.now() + minutes * 60_000);
    expect(await getCredentials(emulator, emulator.roleCredentials(ROLE), { signingDate })).toMatchObject(answer);
  });

  test.each<[string, (role: RoleCredentials) => AwsCredentialIdentity, ReturnType<typeof refusal>]>([
    ['an unknown key with a session token', (role) => ({ ...role, accessKeyId: 'ASIANOTISSUED0000000' }), INVALID_TOKEN],
    ['an unknown key without one', () => ({ accessKeyId: 'ASIANOTISSUED0000000', secretAccessKey: 's' }), INVALID_TOKEN],
    ['another session token', (role) => ({ ...role, sessionToken: 'other' }), INVALID_TOKEN],
    ['no session token', (role) => ({ ...role, sessionToken: undefined }), INVALID_TOKEN],
    ['a wrong secret', (role) => ({ ...role, secretAccessKey: 'wrong' }), MISMATCH],
  ])('%s is refused', async (_name, credentials, answer) => {
    expect(await getCredentials(emulator, credentials(emulator.roleCredentials(ROLE)))).toMatchObject(answer);
  });

  test('the right session token outside the signature is refused', async () => {
    const role = emulator.roleCredentials(ROLE);
    const extraHeaders = { 'x-amz-security-token': role.sessionToken };
    expect(await getCredentials(emulator, { ...role, sessionToken: undefined }, { extraHeaders })).toMatchObject(
      invalidSignature("'x-amz-security-token' must be a signed header"),
    );
  });

  test('a body changed after signing is refused, and changes nothing', async () => {
    const tampered = await signedRequest(emulator.endpoint, await adminCredentials(emulator), {
      method: 'PUT',
      path: '/user/u1',
      body: JSON.stringify({ apiAccess: 'DISABLED' }),
      tamperedBody: JSON.stringify({ apiAccess: 'ENABLED' }),
    });
    expect(tampered).toMatchObject(MISMATCH);
    expect(emulator.getUser('env1', 'u1')?.apiAccess).toBe('DISABLED');
  });

  test('temporary credentials expire, and then act no more', async () => {
    const admin = await adminCredentials(emulator);
    emulator.expireIssuedCredentials();
    expect(await updateRaw(emulator, admin, '{}')).toMatchObject(
      refusal(403, 'ExpiredTokenException', 'The security token included in the request is expired'),
    );
  });
});

describe('who may call what', () => {
  test('role credentials only get temporary credentials, and those get no more', async () => {
    const role = emulator.roleCredentials(ROLE);
    const userOperation = denied('FinSpace user operations need the temporary credentials of GetProgrammaticAccessCredentials');
    expect(await updateRaw(emulator, role, '{}')).toMatchObject(userOperation);
    expect(await getUser(emulator.endpoint, role, 'u1')).toMatchObject(userOperation);
    expect(await getCredentials(emulator, await adminCredentials(emulator))).toMatchObject(
      denied('GetProgrammaticAccessCredentials must be called with IAM credentials'),
    );
  });

  test.each([[{ apiAccess: 'DISABLED' as const }], [{ status: 'DISABLED' as const }]])(
    'temporary credentials of a user since given %j act no more',
    async (change) => {
      const admin = await adminCredentials(emulator);
      emulator.putUser('env1', { ...ADMIN, ...change });
      const lost = denied('The user these credentials act as no longer has API access');
      expect(await updateRaw(emulator, admin, '{}')).toMatchObject(lost);
      expect(await getUser(emulator.endpoint, admin, 'u1')).toMatchObject(lost);
    },
  );

  test('updating users takes a superuser, or a user with ManageUsersAndGroups', async () => {
    emulator.putUser('env1', { ...ADMIN, type: 'APP_USER' });
    const admin = await adminCredentials(emulator);
    expect(await updateRaw(emulator, admin, '{}')).toMatchObject(denied('The caller does not have permission ManageUsersAndGroups'));
    emulator.putUser('env1', { ...ADMIN, type: 'APP_USER', canManageUsers: true });
    await expect(client(emulator, admin).updateUser({ userId: 'u1', apiAccess: 'ENABLED' })).resolves.toEqual({ userId: 'u1' });
  });
});
