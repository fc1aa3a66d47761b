/**
 * The emulator's class: where it listens, its state per instance and what tests set in it, and how it closes. What it
 * answers is tested per module (emulator-*.test.ts), through the project's client or raw SigV4 requests.
 */
import { FinSpaceEmulator } from '../../testing/finspace-emulator';
import { adminCredentials, asAdmin, ROLE, startSeeded } from '../support/seeded-emulator';
import { getUser } from '../support/signed-request';

let emulator: FinSpaceEmulator;
beforeEach(async () => (emulator = await startSeeded()));
afterEach(() => emulator.close());

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

  test('a port in use fails start() with the listen error', async () => {
    await expect(FinSpaceEmulator.start({ port: emulator.address.port })).rejects.toThrow(/EADDRINUSE/);
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

  test('an alias reaches its user and UpdateUser answers the canonical id; aliases add up; only an existing user has one', async () => {
    emulator.aliasUser('env1', 'A1', 'u1');
    emulator.aliasUser('env1', 'A2', 'admin');
    const admin = await asAdmin(emulator);
    await expect(admin.updateUser({ userId: 'A1', apiAccess: 'ENABLED' })).resolves.toEqual({ userId: 'u1' });
    expect(emulator.getUser('env1', 'u1')?.apiAccess).toBe('ENABLED');
    await expect(admin.updateUser({ userId: 'A2', apiAccess: 'ENABLED' })).resolves.toEqual({ userId: 'admin' });
    expect(() => emulator.aliasUser('env1', 'x', 'nobody')).toThrow(/no user nobody/);
  });

  test('clearFaults drops every fault queued', async () => {
    const admin = await adminCredentials(emulator);
    emulator.injectFault({ status: 500, times: 5 });
    emulator.clearFaults();
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
  });
});

describe('close()', () => {
  test('ends open connections, so it does not wait for keep-alive', async () => {
    const admin = await asAdmin(emulator);
    await admin.updateUser({ userId: 'u1' });
    const started = Date.now();
    await emulator.close();
    expect(Date.now() - started).toBeLessThan(1000);
    emulator = await FinSpaceEmulator.start();
  });

  test('does not wait for a request still being answered', async () => {
    const admin = await adminCredentials(emulator);
    emulator.injectFault({ operation: 'GetUser', delayMs: 5000 });
    const pending = getUser(emulator.endpoint, admin, 'u1').catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await emulator.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toHaveProperty('message', 'fetch failed'); // the connection was ended, not answered
    emulator = await FinSpaceEmulator.start();
  });
});
