/**
 * FinSpace's credentials model, on an injected clock: temporary credentials are cached per environment and fetched
 * again the refresh margin (5 minutes) before they expire, or at once when FinSpace says they were rejected.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { FinSpaceAccess } from '../../lambda/finspace-access';
import { FinSpaceEmulator } from '../../testing/finspace-emulator';

const ROLE = 'arn:aws:iam::123456789012:role/handler';
let emulator: FinSpaceEmulator;
let http: NodeHttpHandler;
let clock: number;

beforeEach(async () => {
  const users = (admin: boolean) => [
    ...(admin ? [{ userId: 'admin', type: 'SUPER_USER' as const, apiAccess: 'ENABLED' as const, apiAccessPrincipalArn: ROLE }] : []),
    { userId: 'u1', type: 'APP_USER' as const },
  ];
  emulator = await FinSpaceEmulator.start({ environments: { envA: users(true), envB: users(true) } });
  http = new NodeHttpHandler();
  clock = Date.now();
});
afterEach(async () => {
  http.destroy();
  await emulator.close();
});

function access(options: { durationInMinutes?: number; refreshMarginMs?: number } = {}) {
  const role = emulator.roleCredentials(ROLE);
  return new FinSpaceAccess({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    roleCredentials: async () => role,
    roleArn: ROLE,
    httpHandler: http,
    now: () => clock,
    ...options,
  });
}

const update = (a: FinSpaceAccess, env: string, apiAccess = 'ENABLED') =>
  a.updateUser(env, { userId: 'u1', apiAccess }, { deadline: Date.now() + 10_000 });

test('credentials are fetched again 5 minutes before they expire, not earlier', async () => {
  const a = access({ durationInMinutes: 10 });
  await update(a, 'envA');
  clock += 5 * 60_000 - 1000; // 4 min 59 s: 5 min 1 s left, outside the margin
  await update(a, 'envA', 'DISABLED');
  expect(emulator.count('GetProgrammaticAccessCredentials')).toBe(1);
  clock += 2000; // 4 min 59 s left: inside the margin
  await update(a, 'envA');
  expect(emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
});

test('the margin and the duration asked for are configurable', async () => {
  const a = access({ durationInMinutes: 2, refreshMarginMs: 30_000 });
  await update(a, 'envA');
  expect(emulator.requests[0]).toMatchObject({ operation: 'GetProgrammaticAccessCredentials', status: 200 });
  clock += 89_000;
  await update(a, 'envA');
  expect(emulator.count('GetProgrammaticAccessCredentials')).toBe(1);
  clock += 2000;
  await update(a, 'envA');
  expect(emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
});

test('the cache is per environment: each gets its own credentials, acting in it', async () => {
  const a = access();
  await update(a, 'envA');
  await update(a, 'envB');
  await update(a, 'envA', 'DISABLED');
  await update(a, 'envB', 'DISABLED');
  const credentialCalls = emulator.requests.filter((r) => r.operation === 'GetProgrammaticAccessCredentials');
  expect(credentialCalls.map((r) => r.environmentId)).toEqual(['envA', 'envB']);
  expect(emulator.requests.filter((r) => r.operation === 'UpdateUser').map((r) => [r.environmentId, r.status])).toEqual([
    ['envA', 200],
    ['envB', 200],
    ['envA', 200],
    ['envB', 200],
  ]);
  expect(emulator.getUser('envA', 'u1')?.apiAccess).toBe('DISABLED');
  expect(emulator.getUser('envB', 'u1')?.apiAccess).toBe('DISABLED');
});

test('rejected credentials are dropped from the cache: the next call fetches fresh ones once', async () => {
  const a = access();
  await update(a, 'envA');
  emulator.expireIssuedCredentials();
  await update(a, 'envA', 'DISABLED');
  await update(a, 'envA');
  expect(emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
  expect(emulator.count('UpdateUser', 403)).toBe(1);
});

test('an answer without complete credentials fails with what to do', async () => {
  emulator.injectFault({ operation: 'GetProgrammaticAccessCredentials', rawBody: '{"credentials":{"accessKeyId":"A"}}' });
  await expect(update(access(), 'envA')).rejects.toThrow(
    'GetProgrammaticAccessCredentials for FinSpace environment "envA" answered without complete credentials; retry the deployment, and report it if it persists.',
  );
});
