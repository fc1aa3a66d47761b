/**
 * FinSpace's credentials model, on an injected clock: temporary credentials are cached per environment and fetched
 * again the refresh margin (5 minutes) before they expire, or at once when FinSpace says they were rejected.
 */
import { FinSpaceDataClient } from '../../lambda/finspace-client';
import type { RetryRunner } from '../../lambda/retry';
import type { FinSpaceEmulator } from '../../testing/finspace-emulator';
import { finSpaceAccessEachTest, ROLE } from '../support/finspace-access';

const f = finSpaceAccessEachTest();

test('credentials are fetched again 5 minutes before they expire, not earlier', async () => {
  const a = f.access({ durationInMinutes: 10 });
  await f.update(a, 'envA');
  f.clock += 5 * 60_000 - 1000; // 4 min 59 s: 5 min 1 s left, outside the margin
  await f.update(a, 'envA', 'DISABLED');
  expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(1);
  f.clock += 2000; // 4 min 59 s left: inside the margin
  await f.update(a, 'envA');
  expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
});

test('by default the credentials asked for last 60 minutes, and are fetched again 5 minutes before they expire', async () => {
  const a = f.access();
  await f.update(a, 'envA');
  // The emulator answers the duration asked for (and refuses more than 60): so the refresh follows what was sent.
  f.clock += 55 * 60_000 - 1000; // 54 min 59 s: 5 min 1 s left
  await f.update(a, 'envA', 'DISABLED');
  expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(1);
  f.clock += 2000;
  await f.update(a, 'envA');
  expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
});

test('the margin and the duration asked for are configurable', async () => {
  const a = f.access({ durationInMinutes: 2, refreshMarginMs: 30_000 });
  await f.update(a, 'envA');
  expect(f.emulator.requests[0]).toMatchObject({ operation: 'GetProgrammaticAccessCredentials', status: 200 });
  f.clock += 89_000;
  await f.update(a, 'envA');
  expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(1);
  f.clock += 2000;
  await f.update(a, 'envA');
  expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
});

describe('an answer without a usable durationInMinutes: the duration asked for is used, and the cache still works', () => {
  /** Real temporary credentials of envA, fetched outside the FinSpaceAccess under test (one request to the emulator). */
  async function issued() {
    const role = new FinSpaceDataClient({
      region: 'us-east-1',
      endpoint: f.emulator.endpoint,
      credentials: f.emulator.roleCredentials(ROLE),
      httpHandler: f.http,
    });
    const { credentials } = await role.getProgrammaticAccessCredentials({ environmentId: 'envA', durationInMinutes: 10 });
    return credentials!;
  }

  // As the answer's JSON spells it (undefined: not in the answer).
  test.each([
    ['missing', undefined],
    ['null', 'null'],
    ['a string', '"10"'],
    ['a word', '"soon"'],
    ['zero', '0'],
    ['negative', '-5'],
    ['an object', '{}'],
    ['beyond any number (1e999 reads as Infinity)', '1e999'],
  ])('durationInMinutes %s', async (_name, durationInMinutes) => {
    const credentials = await issued();
    const duration = durationInMinutes === undefined ? '' : `,"durationInMinutes":${durationInMinutes}`;
    f.emulator.injectFault({
      operation: 'GetProgrammaticAccessCredentials',
      rawBody: `{"credentials":${JSON.stringify(credentials)}${duration}}`,
    });
    const a = f.access({ durationInMinutes: 10 });
    await f.update(a, 'envA');
    expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
    // Within the window (10 minutes asked for, 5 minutes margin): cached, no new credentials.
    f.clock += 5 * 60_000 - 1000;
    await f.update(a, 'envA', 'DISABLED');
    expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
    expect(f.emulator.count('UpdateUser', 200)).toBe(2);
    // Inside the margin before the expiry of the duration asked for: refreshed.
    f.clock += 2000;
    await f.update(a, 'envA');
    expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(3);
  });

  test('a usable durationInMinutes in the answer is the one the refresh time follows', async () => {
    const credentials = await issued();
    f.emulator.injectFault({
      operation: 'GetProgrammaticAccessCredentials',
      rawBody: JSON.stringify({ credentials, durationInMinutes: 6 }),
    });
    const a = f.access({ durationInMinutes: 10 });
    await f.update(a, 'envA');
    f.clock += 60_000 - 1000; // 6 minutes answered, 5 minutes margin: fresh for 1 minute
    await f.update(a, 'envA', 'DISABLED');
    expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
    f.clock += 2000;
    await f.update(a, 'envA');
    expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(3);
  });
});

test('the cache is per environment: each gets its own credentials, acting in it', async () => {
  const a = f.access();
  await f.update(a, 'envA');
  await f.update(a, 'envB');
  await f.update(a, 'envA', 'DISABLED');
  await f.update(a, 'envB', 'DISABLED');
  const credentialCalls = f.emulator.requests.filter((r) => r.operation === 'GetProgrammaticAccessCredentials');
  expect(credentialCalls.map((r) => r.environmentId)).toEqual(['envA', 'envB']);
  expect(f.emulator.requests.filter((r) => r.operation === 'UpdateUser').map((r) => [r.environmentId, r.status])).toEqual([
    ['envA', 200],
    ['envB', 200],
    ['envA', 200],
    ['envB', 200],
  ]);
  expect(f.emulator.getUser('envA', 'u1')?.apiAccess).toBe('DISABLED');
  expect(f.emulator.getUser('envB', 'u1')?.apiAccess).toBe('DISABLED');
});

test('rejected credentials are dropped from the cache: the next call fetches fresh ones once', async () => {
  const a = f.access();
  await f.update(a, 'envA');
  f.emulator.expireIssuedCredentials();
  await f.update(a, 'envA', 'DISABLED');
  await f.update(a, 'envA');
  expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
  expect(f.emulator.count('UpdateUser', 403)).toBe(1);
});

test('an answer without complete credentials fails with what to do', async () => {
  f.emulator.injectFault({ operation: 'GetProgrammaticAccessCredentials', rawBody: '{"credentials":{"accessKeyId":"A"}}' });
  const failure = f.update(f.access(), 'envA');
  await expect(failure).rejects.toThrow(
    'GetProgrammaticAccessCredentials for FinSpace environment "envA" answered without complete credentials; retry the deployment, and report it if it persists.',
  );
  // The credentials call failed, so UpdateUser was never sent: the lifecycle and the audit line read these.
  await expect(failure).rejects.toMatchObject({ code: 'InvalidResponse', operation: 'GetProgrammaticAccessCredentials' });
});

test('credentials missing any one part are incomplete', async () => {
  for (const credentials of [
    { secretAccessKey: 'B', sessionToken: 'C' },
    { accessKeyId: 'A', sessionToken: 'C' },
    { accessKeyId: 'A', secretAccessKey: 'B' },
  ]) {
    f.emulator.injectFault({ operation: 'GetProgrammaticAccessCredentials', rawBody: JSON.stringify({ credentials }) });
    await expect(f.update(f.access(), 'envA')).rejects.toThrow('answered without complete credentials');
  }
});

test('the credentials call and UpdateUser each keep to the timeout the retry loop gives each attempt', async () => {
  const once: RetryRunner = (_operation, attempt) => attempt(200);
  for (const operation of ['GetProgrammaticAccessCredentials', 'UpdateUser'] as const) {
    f.emulator.injectFault({ operation, delayMs: 3000 });
    const started = Date.now();
    await expect(f.update(f.access({ retry: once }), 'envA')).rejects.toThrow(`${operation} did not complete within 200 ms`);
    expect(Date.now() - started).toBeLessThan(2000);
    f.emulator.clearFaults();
  }
});

describe('which UpdateUser attempts may have been applied (onUncertainAttempt)', () => {
  /** One UpdateUser (the credentials fetched first), the fault on its first attempt; how many attempts were uncertain. */
  async function uncertainAttempts(fault: Parameters<FinSpaceEmulator['injectFault']>[0]): Promise<number> {
    let uncertain = 0;
    const a = f.access({ retry: (operation, attempt) => attempt(1000) });
    await a.updateUser('envA', { userId: 'u1', apiAccess: 'DISABLED' }, { deadline: Date.now() + 10_000 }); // credentials cached
    f.emulator.injectFault(fault);
    await a
      .updateUser('envA', { userId: 'u1', apiAccess: 'ENABLED' }, { deadline: Date.now() + 10_000, onUncertainAttempt: () => uncertain++ })
      .catch(() => undefined);
    return uncertain;
  }

  test.each([
    ['a 500', { operation: 'UpdateUser', status: 500 }],
    ['a 503', { operation: 'UpdateUser', status: 503 }],
    ['a 200 whose body is not JSON', { operation: 'UpdateUser', rawBody: '<html>' }],
    ['a lost connection', { operation: 'UpdateUser', reset: true }],
    ['no answer within the attempt timeout', { operation: 'UpdateUser', delayMs: 3000 }],
  ] as const)('%s may have been applied', async (_name, fault) => {
    expect(await uncertainAttempts(fault)).toBe(1);
  });

  test.each([
    ['a ValidationException', { operation: 'UpdateUser', status: 400 }],
    ['an AccessDeniedException', { operation: 'UpdateUser', status: 403 }],
    ['a ResourceNotFoundException', { operation: 'UpdateUser', status: 404 }],
    ['a ConflictException', { operation: 'UpdateUser', status: 409 }],
    ['a ThrottlingException', { operation: 'UpdateUser', status: 429 }],
    ['an ExpiredTokenException', { operation: 'UpdateUser', status: 403, errorType: 'ExpiredTokenException' }],
    ['a success', { operation: 'UpdateUser', delayMs: 0 }],
  ] as const)('%s was not applied, or was answered: not uncertain', async (_name, fault) => {
    expect(await uncertainAttempts(fault)).toBe(0);
  });
});
