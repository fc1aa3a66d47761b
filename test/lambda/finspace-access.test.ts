/**
 * FinSpace's credentials model, on an injected clock: temporary credentials are cached per environment and fetched
 * again the refresh margin (5 minutes) before they expire, or at once when FinSpace says they were rejected.
 */
import { REJECTED_CREDENTIAL_ERROR_NAMES } from '../../lambda/error-names';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { FinSpaceAccess, type FinSpaceCallError } from '../../lambda/finspace-access';
import { FinSpaceDataClient, FinSpaceDataServiceError } from '../../lambda/finspace-client';
import type { RetryRunner } from '../../lambda/retry';
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

function access(options: { durationInMinutes?: number; refreshMarginMs?: number; retry?: RetryRunner } = {}) {
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

test('by default the credentials asked for last 60 minutes, and are fetched again 5 minutes before they expire', async () => {
  const a = access();
  await update(a, 'envA');
  // The emulator answers the duration asked for (and refuses more than 60): so the refresh follows what was sent.
  clock += 55 * 60_000 - 1000; // 54 min 59 s: 5 min 1 s left
  await update(a, 'envA', 'DISABLED');
  expect(emulator.count('GetProgrammaticAccessCredentials')).toBe(1);
  clock += 2000;
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

describe('an answer without a usable durationInMinutes: the duration asked for is used, and the cache still works', () => {
  /** Real temporary credentials of envA, fetched outside the FinSpaceAccess under test (one request to the emulator). */
  async function issued() {
    const role = new FinSpaceDataClient({
      region: 'us-east-1',
      endpoint: emulator.endpoint,
      credentials: emulator.roleCredentials(ROLE),
      httpHandler: http,
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
    emulator.injectFault({
      operation: 'GetProgrammaticAccessCredentials',
      rawBody: `{"credentials":${JSON.stringify(credentials)}${duration}}`,
    });
    const a = access({ durationInMinutes: 10 });
    await update(a, 'envA');
    expect(emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
    // Within the window (10 minutes asked for, 5 minutes margin): cached, no new credentials.
    clock += 5 * 60_000 - 1000;
    await update(a, 'envA', 'DISABLED');
    expect(emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
    expect(emulator.count('UpdateUser', 200)).toBe(2);
    // Inside the margin before the expiry of the duration asked for: refreshed.
    clock += 2000;
    await update(a, 'envA');
    expect(emulator.count('GetProgrammaticAccessCredentials')).toBe(3);
  });

  test('a usable durationInMinutes in the answer is the one the refresh time follows', async () => {
    const credentials = await issued();
    emulator.injectFault({ operation: 'GetProgrammaticAccessCredentials', rawBody: JSON.stringify({ credentials, durationInMinutes: 6 }) });
    const a = access({ durationInMinutes: 10 });
    await update(a, 'envA');
    clock += 60_000 - 1000; // 6 minutes answered, 5 minutes margin: fresh for 1 minute
    await update(a, 'envA', 'DISABLED');
    expect(emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
    clock += 2000;
    await update(a, 'envA');
    expect(emulator.count('GetProgrammaticAccessCredentials')).toBe(3);
  });
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
  const failure = update(access(), 'envA');
  await expect(failure).rejects.toThrow(
    'GetProgrammaticAccessCredentials for FinSpace environment "envA" answered without complete credentials; retry the deployment, and report it if it persists.',
  );
  // The credentials call failed, so UpdateUser was never sent: the lifecycle and the audit line read these.
  await expect(failure).rejects.toMatchObject({ code: 'InvalidResponse', operation: 'GetProgrammaticAccessCredentials' });
});

describe('what a failure tells the user to do', () => {
  const failed = async (fault: Parameters<FinSpaceEmulator['injectFault']>[0]) => {
    emulator.injectFault(fault);
    try {
      await update(access(), 'envA');
    } catch (error) {
      return error as Error & { code: string };
    }
    throw new Error('expected a failure');
  };

  test.each([
    [
      'ResourceNotFoundException',
      404,
      'The user must already exist: FinSpaceUserSettings changes settings, it does not create users. Check userId and environmentId.',
    ],
    ['ValidationException', 400, 'FinSpace rejected a setting; correct the value it names.'],
    ['ConflictException', 409, 'Another change to this user is in progress or conflicts; retry the deployment.'],
    ['InternalServerException', 418, 'Retry the deployment; report it if it persists.'],
  ])('%s: the operation, the user, the service message and reason, the request id, and the advice', async (name, status, advice) => {
    const error = await failed({ operation: 'UpdateUser', status, errorType: name, message: 'service says no', times: 1000 });
    expect(error.name).toBe('FinSpaceCallError');
    expect(error.code).toBe(name);
    expect(error.message).toMatch(
      new RegExp(
        `^UpdateUser failed for user "u1" in FinSpace environment "envA" \\(request id [0-9a-f-]{36}\\): ${name}: service says no\\. `,
      ),
    );
    expect(error.message.endsWith(advice)).toBe(true);
  });

  test('a reason from the service is quoted', async () => {
    emulator.injectFault({ operation: 'UpdateUser', status: 400 });
    const error = await (async () => {
      try {
        await access().updateUser('envA', { userId: 'u1', firstName: '' }, { deadline: Date.now() + 5000 });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a failure');
    })();
    expect(error.message).toContain('ValidationException: injected ValidationException.');
    emulator.clearFaults();
    const real = await access()
      .updateUser('envA', { userId: 'u1', firstName: '' }, { deadline: Date.now() + 5000 })
      .catch((e: Error) => e);
    expect((real as Error).message).toContain('ValidationException: firstName must have length between 1 and 50 (reason: INVALID_LENGTH)');
  });

  test('AccessDenied on the credentials names the role and the registration; on UpdateUser, the missing permission', async () => {
    const denied = await failed({ operation: 'GetProgrammaticAccessCredentials', status: 403, message: 'no' });
    expect(denied.message).toBe(
      `GetProgrammaticAccessCredentials failed for FinSpace environment "envA" (request id ${denied.message.match(/request id ([0-9a-f-]{36})/)![1]}): AccessDeniedException: no. ` +
        `FinSpace environment "envA" does not accept the handler's role ${ROLE} as an API access principal. Register the role in the FinSpace environment as the API access principal (apiAccessPrincipalArn, with apiAccess ENABLED) of a FinSpace user who may manage users: a superuser, or a member of a permission group with the ManageUsersAndGroups permission.`,
    );
    const forbidden = await failed({ operation: 'UpdateUser', status: 403, message: 'no' });
    expect(forbidden.message).toContain(
      `The FinSpace user that the handler's role ${ROLE} acts as in environment "envA" may not manage users. Register the role`,
    );
  });

  test("credentials rejected twice: check that the role's API access is still enabled", async () => {
    const error = await failed({
      operation: 'UpdateUser',
      status: 403,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      times: 2,
    });
    expect(error.message).toContain(
      `FinSpace rejected fresh temporary credentials for the handler's role ${ROLE}; check that its API access is still ENABLED.`,
    );
    expect(emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
  });

  test('without a role ARN configured, messages say "the handler\'s role"', async () => {
    const role = emulator.roleCredentials(ROLE);
    const anonymous = new FinSpaceAccess({
      region: 'us-east-1',
      endpoint: emulator.endpoint,
      roleCredentials: async () => role,
      httpHandler: http,
    });
    emulator.injectFault({ operation: 'GetProgrammaticAccessCredentials', status: 403, message: 'no' });
    await expect(anonymous.updateUser('envA', { userId: 'u1' }, { deadline: Date.now() + 5000 })).rejects.toThrow(
      'FinSpace environment "envA" does not accept the handler\'s role as an API access principal.',
    );
  });
});

describe('isRejectedCredentials', () => {
  test('a 403 with a credentials error name or message, nothing else', async () => {
    const { isRejectedCredentials } = await import('../../lambda/finspace-access');
    const { FinSpaceDataServiceError } = await import('../../lambda/finspace-client');
    const e = (name: string, message: string, status = 403) => new FinSpaceDataServiceError(name, message, { status });
    // The list itself is pinned by test/lambda/outside-text.test.ts.
    for (const name of REJECTED_CREDENTIAL_ERROR_NAMES) expect([name, isRejectedCredentials(e(name, 'x'))]).toEqual([name, true]);
    expect(isRejectedCredentials(e('AccessDeniedException', 'The security token expired'))).toBe(true);
    expect(isRejectedCredentials(e('AccessDeniedException', 'Signature mismatch'))).toBe(true);
    expect(isRejectedCredentials(e('AccessDeniedException', 'not permitted'))).toBe(false);
    expect(isRejectedCredentials(e('ExpiredTokenException', 'x', 400))).toBe(false);
    expect(isRejectedCredentials(new Error('ExpiredTokenException'))).toBe(false);
  });
});

test('credentials missing any one part are incomplete', async () => {
  for (const credentials of [
    { secretAccessKey: 'B', sessionToken: 'C' },
    { accessKeyId: 'A', sessionToken: 'C' },
    { accessKeyId: 'A', secretAccessKey: 'B' },
  ]) {
    emulator.injectFault({ operation: 'GetProgrammaticAccessCredentials', rawBody: JSON.stringify({ credentials }) });
    await expect(update(access(), 'envA')).rejects.toThrow('answered without complete credentials');
  }
});

test('the credentials call and UpdateUser each keep to the timeout the retry loop gives each attempt', async () => {
  const once: RetryRunner = (_operation, attempt) => attempt(200);
  for (const operation of ['GetProgrammaticAccessCredentials', 'UpdateUser'] as const) {
    emulator.injectFault({ operation, delayMs: 3000 });
    const started = Date.now();
    await expect(update(access({ retry: once }), 'envA')).rejects.toThrow(`${operation} did not complete within 200 ms`);
    expect(Date.now() - started).toBeLessThan(2000);
    emulator.clearFaults();
  }
});

describe('the error name a failure tells', () => {
  const once: RetryRunner = (_operation, attempt) => attempt(2000);
  const failed = async (fault: Parameters<FinSpaceEmulator['injectFault']>[0]) => {
    const a = access({ retry: once });
    await update(a, 'envA'); // credentials cached
    emulator.injectFault(fault);
    try {
      await update(a, 'envA', 'DISABLED');
    } catch (error) {
      return error as FinSpaceCallError;
    }
    throw new Error('expected a failure');
  };
  const where = 'UpdateUser failed for user "u1" in FinSpace environment "envA"';

  test('an unknown name is told as the service sent it, as outside text (it may echo input), with the generic advice', async () => {
    const error = await failed({ operation: 'UpdateUser', status: 400, rawBody: '{"message":"odd"}', errorType: 'SomethingNewException' });
    expect([error.code, error.message]).toEqual([
      'SomethingNewException',
      `${where}: SomethingNewException: odd. Retry the deployment; report it if it persists.`,
    ]);
    expect(error.parts).toContainEqual({ outside: 'SomethingNewException' });
  });

  test.each([
    ['an empty x-amzn-ErrorType and a numeric code', 400, '', '{"message":"odd","code":400}', 'Http400Error'],
    ['an x-amzn-ErrorType that is only a suffix', 409, ':http://internal/', '{"message":"odd"}', 'Http409Error'],
    ['a namespace without a name', 400, 'aws.finspace#', '{"message":"odd"}', 'Http400Error'],
  ])("%s: the status-derived name (the library's own word), never an empty one", async (_name, status, errorType, rawBody, expected) => {
    const error = await failed({ operation: 'UpdateUser', status, rawBody, errorType });
    expect([error.code, error.message]).toEqual([expected, `${where}: ${expected}: odd. Retry the deployment; report it if it persists.`]);
    expect(error.parts).toContain(expected);
  });
});

test('a service error without a request id is told without one', async () => {
  const refused: RetryRunner = async () => {
    throw new FinSpaceDataServiceError('ConflictException', 'busy', { status: 409 });
  };
  await expect(update(access({ retry: refused }), 'envA')).rejects.toThrow(
    /^GetProgrammaticAccessCredentials failed for FinSpace environment "envA": ConflictException: busy\. Another change/,
  );
});

describe('which UpdateUser attempts may have been applied (onUncertainAttempt)', () => {
  /** One UpdateUser (the credentials fetched first), the fault on its first attempt; how many attempts were uncertain. */
  async function uncertainAttempts(fault: Parameters<FinSpaceEmulator['injectFault']>[0]): Promise<number> {
    let uncertain = 0;
    const a = access({ retry: (operation, attempt) => attempt(1000) });
    await a.updateUser('envA', { userId: 'u1', apiAccess: 'DISABLED' }, { deadline: Date.now() + 10_000 }); // credentials cached
    emulator.injectFault(fault);
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
