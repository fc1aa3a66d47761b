/** What a user is told when a FinSpace call fails for good: what failed, where, why, and what to do. */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as net from 'node:net';
import { failedCallResult } from '../../lambda/audit';
import { isRejectedCredentials, type FinSpaceCallError } from '../../lambda/call-failure';
import { REJECTED_CREDENTIAL_ERROR_NAMES } from '../../lambda/error-names';
import { FinSpaceAccess } from '../../lambda/finspace-access';
import { FinSpaceDataServiceError } from '../../lambda/finspace-client';
import { certainlyNotApplied } from '../../lambda/lifecycle';
import { DEFAULT_RETRY_POLICY, retryUntilDeadline, type RetryRunner } from '../../lambda/retry';
import type { FinSpaceEmulator } from '../../testing/finspace-emulator';
import { finSpaceAccessEachTest, ROLE } from '../support/finspace-access';

const f = finSpaceAccessEachTest();

describe('what a failure tells the user to do', () => {
  const failed = async (fault: Parameters<FinSpaceEmulator['injectFault']>[0]) => {
    f.emulator.injectFault(fault);
    try {
      await f.update(f.access(), 'envA');
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
    f.emulator.injectFault({ operation: 'UpdateUser', status: 400 });
    const error = await (async () => {
      try {
        await f.access().updateUser('envA', { userId: 'u1', firstName: '' }, { deadline: Date.now() + 5000 });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a failure');
    })();
    expect(error.message).toContain('ValidationException: injected ValidationException.');
    f.emulator.clearFaults();
    const real = await f
      .access()
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
    expect(f.emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
  });

  test('without a role ARN configured, messages say "the handler\'s role"', async () => {
    const anonymous = f.access({ roleArn: undefined });
    f.emulator.injectFault({ operation: 'GetProgrammaticAccessCredentials', status: 403, message: 'no' });
    await expect(anonymous.updateUser('envA', { userId: 'u1' }, { deadline: Date.now() + 5000 })).rejects.toThrow(
      'FinSpace environment "envA" does not accept the handler\'s role as an API access principal.',
    );
  });
});

describe('isRejectedCredentials', () => {
  test('a 403 with a credentials error name or message, nothing else', async () => {
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

describe('the error name a failure tells', () => {
  const once: RetryRunner = (_operation, attempt) => attempt(2000);
  const failed = async (fault: Parameters<FinSpaceEmulator['injectFault']>[0]) => {
    const a = f.access({ retry: once });
    await f.update(a, 'envA'); // credentials cached
    f.emulator.injectFault(fault);
    try {
      await f.update(a, 'envA', 'DISABLED');
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
  await expect(f.update(f.access({ retry: refused }), 'envA')).rejects.toThrow(
    /^GetProgrammaticAccessCredentials failed for FinSpace environment "envA": ConflictException: busy\. Another change/,
  );
});

test('a closed port: EndpointUnreachable, for the credentials call, with what to check', async () => {
  // A port that was just free: nothing listens on it.
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const http = new NodeHttpHandler();
  const policy = { ...DEFAULT_RETRY_POLICY, unreachableWindowMs: 200, transientBaseDelayMs: 10, maxDelayMs: 20 };
  const access = new FinSpaceAccess({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    roleCredentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    httpHandler: http,
    retry: (operation, attempt, options) => retryUntilDeadline(operation, attempt, { ...options, policy }),
  });
  try {
    const failure = await access
      .updateUser('envA', { userId: 'u1', apiAccess: 'ENABLED' }, { deadline: Date.now() + 5000 })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'EndpointUnreachable', operation: 'GetProgrammaticAccessCredentials' });
    expect((failure as Error).message).toContain(
      `The FinSpace Data API endpoint http://127.0.0.1:${port} (region us-east-1) cannot be reached`,
    );
    expect([failedCallResult(failure), certainlyNotApplied(failure)]).toEqual([
      'not applied: GetProgrammaticAccessCredentials failed',
      true,
    ]);
    expect(failedCallResult({ ...(failure as object), operation: 'UpdateUser' })).toBe('EndpointUnreachable');
  } finally {
    http.destroy();
  }
});
