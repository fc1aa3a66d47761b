/** What each request does, against a recording API: the clientToken's inputs, and the physical ids. */
import {
  certainlyNotApplied,
  clientTokenFor,
  CREATE_FAILED_PREFIX,
  physicalIdOnFailure,
  REFUSING_ERRORS,
  startLifecycle,
  type UserSettingsApi,
} from '../../lambda/lifecycle';
import { parseProperties } from '../../lambda/properties';
import type { CustomResourceRequest, RequestType } from '../../lambda/request';

interface Fields {
  RequestType?: RequestType;
  StackId?: string;
  RequestId?: string;
  LogicalResourceId?: string;
  PhysicalResourceId?: string;
  ResourceProperties?: Record<string, unknown>;
  OldResourceProperties?: Record<string, unknown>;
}

/** A request as the handler reads it, from the event's fields. */
const event = (fields: Fields = {}): CustomResourceRequest => ({
  requestType: fields.RequestType ?? 'Create',
  stackId: fields.StackId ?? 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1',
  requestId: fields.RequestId ?? 'req-1',
  logicalResourceId: fields.LogicalResourceId ?? 'Analyst',
  physicalResourceId: 'PhysicalResourceId' in fields ? fields.PhysicalResourceId : undefined,
  properties: parseProperties(fields.ResourceProperties ?? { environmentId: 'env1', userId: 'u1', apiAccess: 'ENABLED' }),
  oldProperties: fields.OldResourceProperties && parseProperties(fields.OldResourceProperties),
});

const runLifecycle = (request: CustomResourceRequest, api: UserSettingsApi) => startLifecycle(request, api).outcome;

type Call = [string, Record<string, unknown>, string];
/** An API that records each call (environment, input, purpose) and fails those `fail` returns an error for. */
const recording = (fail?: (call: Call) => Error | undefined) => {
  const calls: Call[] = [];
  const api = {
    updateUser: async (environmentId: string, input: Record<string, unknown>, purpose: string) => {
      const call: Call = [environmentId, input, purpose];
      calls.push(call);
      const error = fail?.(call);
      if (error) throw error;
      return { userId: String(input.userId) };
    },
  };
  return { calls, api: api as never };
};
const DELETE_PROPS = { environmentId: 'env1', userId: 'u1', onDelete: { apiAccess: 'DISABLED' } };
const remove = (physicalResourceId: string | undefined, properties: Record<string, unknown> = DELETE_PROPS) =>
  event({ RequestType: 'Delete', PhysicalResourceId: physicalResourceId, ResourceProperties: properties });

test('clientToken: a SHA-256 of stack, logical id, request id and purpose; any one changed changes it', () => {
  const base = clientTokenFor(event(), 'apply');
  expect(base).toMatch(/^[0-9a-f]{64}$/);
  expect(clientTokenFor(event(), 'apply')).toBe(base);
  expect(clientTokenFor(event({ ResourceProperties: {} }), 'apply')).toBe(base);
  const variants = [
    clientTokenFor(event({ StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/2' }), 'apply'),
    clientTokenFor(event({ LogicalResourceId: 'Auditor' }), 'apply'),
    clientTokenFor(event({ RequestId: 'req-2' }), 'apply'),
    clientTokenFor(event(), 'on-delete'),
    clientTokenFor(event(), 'previous-environment'),
  ];
  expect(new Set([base, ...variants]).size).toBe(6);
  // Fields are separated: moving a character from one field to the next changes the token.
  expect(clientTokenFor(event({ StackId: 'ab', LogicalResourceId: 'c' }), 'apply')).not.toBe(
    clientTokenFor(event({ StackId: 'a', LogicalResourceId: 'bc' }), 'apply'),
  );
});

test('the token sent is the apply token on Create and Update, the on-delete token on Delete', async () => {
  const sent: Array<Record<string, unknown>> = [];
  const api = { updateUser: async (_env: string, input: Record<string, unknown>) => (sent.push(input), { userId: String(input.userId) }) };
  await runLifecycle(event(), api as never);
  await runLifecycle(event({ RequestType: 'Update', PhysicalResourceId: 'u1', OldResourceProperties: {} }), api as never);
  await runLifecycle(remove('u1'), api as never);
  expect(sent.map((s) => s.clientToken)).toEqual([
    clientTokenFor(event(), 'apply'),
    clientTokenFor(event(), 'apply'),
    clientTokenFor(event(), 'on-delete'),
  ]);
  expect(sent[2]).toEqual({ userId: 'u1', apiAccess: 'DISABLED', clientToken: clientTokenFor(event(), 'on-delete') });
});

test('physical id on failure: a Create that may have changed the user reports it, one that certainly did not a marker; others keep theirs', () => {
  expect(physicalIdOnFailure(event())).toBe(`${CREATE_FAILED_PREFIX}req-1`);
  expect(physicalIdOnFailure(event(), 'u1')).toBe('u1');
  // Only a valid user id is ever reported (the handler passes the one it sent UpdateUser, checked before).
  expect(physicalIdOnFailure(event(), 'u'.repeat(27))).toBe(`${CREATE_FAILED_PREFIX}req-1`);
  expect(physicalIdOnFailure(event({ RequestType: 'Update', PhysicalResourceId: 'u1' }))).toBe('u1');
  expect(physicalIdOnFailure(event({ RequestType: 'Update', PhysicalResourceId: 'u1' }), 'u2')).toBe('u1');
  expect(physicalIdOnFailure(event({ RequestType: 'Delete', PhysicalResourceId: '' }))).toBe(`${CREATE_FAILED_PREFIX}req-1`);
  expect(physicalIdOnFailure({ requestType: 'Create' })).toBe(CREATE_FAILED_PREFIX);
});

test('an UpdateUser certainly changed nothing only when it was never sent or FinSpace refused it', () => {
  expect([...REFUSING_ERRORS].sort()).toEqual([
    'AccessDeniedException',
    'ConflictException',
    'ResourceNotFoundException',
    'ValidationException',
  ]);
  const failed = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);
  for (const code of REFUSING_ERRORS) expect(certainlyNotApplied(failed({ code, operation: 'UpdateUser' }))).toBe(true);
  expect(certainlyNotApplied(failed({ code: 'AccessDeniedException', operation: 'GetProgrammaticAccessCredentials' }))).toBe(true);
  // Credentials that could not be had at all: a deadline, an endpoint that is gone, an incomplete answer.
  expect(certainlyNotApplied(failed({ operation: 'GetProgrammaticAccessCredentials' }))).toBe(true);
  // Throttled until the deadline: the last answer a 4xx (the caller knows whether every earlier one was refused too).
  const throttled = failed({
    name: 'RetryBudgetExhaustedError',
    operation: 'UpdateUser',
    lastError: { $metadata: { httpStatusCode: 429 } },
  });
  expect(certainlyNotApplied(throttled)).toBe(true);
  const limited = failed({ name: 'RetryBudgetExhaustedError', operation: 'UpdateUser', lastError: { $metadata: { httpStatusCode: 400 } } });
  expect(certainlyNotApplied(limited)).toBe(true);
  const timedOut = failed({ name: 'RetryBudgetExhaustedError', operation: 'UpdateUser', lastError: new Error('TimeoutError') });
  expect(certainlyNotApplied(timedOut)).toBe(false);
  const afterA500 = failed({
    name: 'RetryBudgetExhaustedError',
    operation: 'UpdateUser',
    lastError: { $metadata: { httpStatusCode: 500 } },
  });
  expect(certainlyNotApplied(afterA500)).toBe(false);
  for (const maybe of [
    { code: 'InternalServerException', operation: 'UpdateUser' },
    { code: 'ThrottlingException', operation: 'UpdateUser' },
    { code: 'DeserializationError', operation: 'UpdateUser' },
    { code: 'EndpointUnreachable', operation: 'UpdateUser' },
    { code: 'UnknownOperationException', operation: 'UpdateUser' },
    { code: 'ExpiredTokenException', operation: 'UpdateUser' },
    { operation: 'UpdateUser' },
    { name: 'TimeoutError' },
    { code: 'validationexception' },
    {},
  ]) {
    expect([maybe, certainlyNotApplied(failed(maybe))]).toEqual([maybe, false]);
  }
  expect(certainlyNotApplied(undefined)).toBe(false);
  expect(certainlyNotApplied(null)).toBe(false);
  expect(certainlyNotApplied('ValidationException')).toBe(false);
  // Only the retry loop's own give-up, after a 4xx that is a number.
  const lastStatus = (status: unknown, name = 'RetryBudgetExhaustedError') =>
    certainlyNotApplied(failed({ name, operation: 'UpdateUser', lastError: { $metadata: { httpStatusCode: status } } }));
  expect([lastStatus(429, 'FinSpaceCallError'), lastStatus(302), lastStatus('429'), lastStatus(499), lastStatus(400)]).toEqual([
    false,
    false,
    false,
    true,
    true,
  ]);
});

test('a Delete whose onDelete settings are empty sends nothing; one whose properties are broken fails only when onDelete was asked', async () => {
  const { calls, api } = recording();
  await expect(runLifecycle(remove('u1', { ...DELETE_PROPS, onDelete: {} }), api)).resolves.toEqual({ physicalResourceId: 'u1' });
  await expect(runLifecycle(remove('u1', { environmentId: '', userId: 'u1' }), api)).resolves.toEqual({ physicalResourceId: 'u1' });
  await expect(runLifecycle(remove('u1', { ...DELETE_PROPS, environmentId: '' }), api)).rejects.toThrow(
    /environmentId "" has 0 characters/,
  );
  expect(calls).toHaveLength(0);
});

test('a failed Create marker is never a valid user id, so it cannot be mistaken for a user', () => {
  expect(CREATE_FAILED_PREFIX.length).toBeGreaterThan(26);
  expect(physicalIdOnFailure(event({ PhysicalResourceId: 'u1' }))).toBe(`${CREATE_FAILED_PREFIX}req-1`);
});

describe('a Delete after a Create that failed or never answered', () => {
  test("with a failed Create's marker (it certainly changed nothing) sends nothing, even with onDelete", async () => {
    const { calls, api } = recording();
    const marker = `${CREATE_FAILED_PREFIX}req-0`;
    await expect(runLifecycle(remove(marker), api)).resolves.toEqual({ physicalResourceId: marker });
    await expect(runLifecycle(remove(CREATE_FAILED_PREFIX), api)).resolves.toEqual({ physicalResourceId: CREATE_FAILED_PREFIX });
    expect(calls).toHaveLength(0);
  });

  test('with the user id a failed Create answered, applies onDelete to it, as any Delete', async () => {
    const { calls, api } = recording();
    const e = remove('u1');
    await expect(runLifecycle(e, api)).resolves.toEqual({ physicalResourceId: 'u1' });
    expect(calls).toEqual([['env1', { userId: 'u1', apiAccess: 'DISABLED', clientToken: clientTokenFor(e, 'on-delete') }, 'on-delete']]);
  });

  test.each([
    ['an id CloudFormation made up', 'FinSpaceUserSettingsExample-Analyst5C91540F-1A2B3C4D5E6F'],
    // A generated id with the shape of a user id (a short stack name): still not certainly this resource's user.
    ['a made-up id that looks like a user id', 'ExAnalyst5C91540F1A2B3C4D'],
    ['another user id', 'uSomeoneElse0000000001'],
    ['no id at all', undefined],
    ['an empty id', ''],
    ['a blank id', '   '],
  ])('with %s (a Create that never answered), applies onDelete to the user the properties name', async (_name, physicalId) => {
    const { calls, api } = recording();
    const e = remove(physicalId);
    await expect(runLifecycle(e, api)).resolves.toEqual({ physicalResourceId: physicalId ?? '' });
    expect(calls).toEqual([['env1', { userId: 'u1', apiAccess: 'DISABLED', clientToken: clientTokenFor(e, 'on-delete') }, 'on-delete']]);
  });

  test('with a made-up id: a user that is gone counts as done, any other failure fails the Delete', async () => {
    const madeUp = 'FinSpaceUserSettingsExample-Analyst5C91540F-1A2B3C4D5E6F';
    const gone = recording(() => Object.assign(new Error('no user'), { code: 'ResourceNotFoundException' }));
    await expect(runLifecycle(remove(madeUp), gone.api)).resolves.toEqual({ physicalResourceId: madeUp });
    const denied = recording(() => Object.assign(new Error('denied'), { code: 'AccessDeniedException' }));
    await expect(runLifecycle(remove(madeUp), denied.api)).rejects.toThrow('denied');
    expect([gone.calls.length, denied.calls.length]).toEqual([1, 1]);
  });

  test('with a made-up id, nothing is sent without onDelete, or when the properties break the rules (that Create sent nothing)', async () => {
    const madeUp = 'FinSpaceUserSettingsExample-Analyst5C91540F-1A2B3C4D5E6F';
    const { calls, api } = recording();
    await runLifecycle(remove(madeUp, { environmentId: 'env1', userId: 'u1' }), api);
    await runLifecycle(remove(madeUp, { ...DELETE_PROPS, onDelete: {} }), api);
    await runLifecycle(remove(madeUp, { ...DELETE_PROPS, environmentId: '' }), api);
    await runLifecycle(remove(madeUp, { ...DELETE_PROPS, onDelete: { apiAccess: 'NO' } }), api);
    expect(calls).toHaveLength(0);
  });
});

test('an answer whose userId is blank is no physical id: the failure names the user and the environment', async () => {
  for (const userId of ['', '   ', undefined]) {
    const api = { updateUser: async () => ({ userId }) };
    await expect(runLifecycle(event(), api as never)).rejects.toThrow(
      'UpdateUser for user "u1" in FinSpace environment "env1" answered success without a userId, so there is no physical id to report; retry the deployment, and report it if it persists.',
    );
  }
});

describe('what a failed Create answers, decided as its call goes', () => {
  const held = () => {
    const calls: Array<{ fail(error: unknown): void; uncertain?: () => void }> = [];
    const api: UserSettingsApi = {
      updateUser: (_environmentId, _input, _purpose, onUncertainAttempt) =>
        new Promise((_resolve, reject) => calls.push({ fail: reject, uncertain: onUncertainAttempt })),
    };
    return { calls, api };
  };
  const refused = Object.assign(new Error('no'), { code: 'ValidationException' });

  test('the user from the moment its settings are sent; the marker once FinSpace refused them', async () => {
    const { calls, api } = held();
    const lifecycle = startLifecycle(event(), api);
    expect(lifecycle.physicalIdOnFailure()).toBe('u1');
    calls[0].fail(refused);
    await expect(lifecycle.outcome).rejects.toBe(refused);
    expect(lifecycle.physicalIdOnFailure()).toBe(`${CREATE_FAILED_PREFIX}req-1`);
  });

  test('the user, when an attempt before the refusal may have been applied, or the error does not say', async () => {
    for (const [uncertain, error] of [
      [true, refused],
      [false, new Error('socket hang up')],
    ] as const) {
      const { calls, api } = held();
      const lifecycle = startLifecycle(event(), api);
      if (uncertain) calls[0].uncertain?.();
      calls[0].fail(error);
      await expect(lifecycle.outcome).rejects.toBe(error);
      expect(lifecycle.physicalIdOnFailure()).toBe('u1');
    }
  });

  test('an Update or a Delete keeps its id, whatever its calls did', async () => {
    const { calls, api } = held();
    const update = startLifecycle(event({ RequestType: 'Update', PhysicalResourceId: 'u0', OldResourceProperties: {} }), api);
    calls[0].fail(new Error('socket hang up'));
    await expect(update.outcome).rejects.toThrow();
    expect(update.physicalIdOnFailure()).toBe('u0');
  });
});

describe('an Update that changes environmentId', () => {
  const props = (environmentId: string, onDelete?: Record<string, string>) => ({
    environmentId,
    userId: 'u1',
    apiAccess: 'ENABLED',
    ...(onDelete ? { onDelete } : {}),
  });
  const update = (next: Record<string, unknown>, previous: Record<string, unknown>, physicalId = 'u1') =>
    event({ RequestType: 'Update', PhysicalResourceId: physicalId, ResourceProperties: next, OldResourceProperties: previous });

  test('applies the new settings, then the old onDelete in the old environment to the physical id, each with its own token', async () => {
    const { calls, api } = recording();
    const e = update(props('env2', { apiAccess: 'DISABLED' }), props('env1', { apiAccess: 'DISABLED', type: 'APP_USER' }));
    await expect(runLifecycle(e, api)).resolves.toEqual({ physicalResourceId: 'u1', data: { userId: 'u1' } });
    expect(calls).toEqual([
      ['env2', { userId: 'u1', apiAccess: 'ENABLED', clientToken: clientTokenFor(e, 'apply') }, 'apply'],
      [
        'env1',
        { userId: 'u1', apiAccess: 'DISABLED', type: 'APP_USER', clientToken: clientTokenFor(e, 'previous-environment') },
        'previous-environment',
      ],
    ]);
  });

  test('nothing is sent to the old environment when it did not change, had no onDelete (or an empty one), or the id is a replacement', async () => {
    for (const [next, previous, returned] of [
      [props('env1', { apiAccess: 'DISABLED' }), props('env1', { apiAccess: 'DISABLED' }), undefined],
      [props('env2'), props('env1'), undefined],
      [props('env2'), props('env1', {}), undefined],
      [props('env2'), props('env1', { apiAccess: 'DISABLED' }), 'u2'],
    ] as const) {
      const { calls, api } = recording();
      const e = update(returned ? { ...next, userId: returned } : next, previous);
      await runLifecycle(e, api);
      expect(calls.map((c) => c[2])).toEqual(['apply']);
    }
  });

  test('only an Update leaves an environment: a Create sends nothing there, even one made by hand with an old environment and the id', async () => {
    const { calls, api } = recording();
    const e = event({
      RequestType: 'Create',
      PhysicalResourceId: 'u1',
      ResourceProperties: props('env2'),
      OldResourceProperties: props('env1', { apiAccess: 'DISABLED' }),
    });
    await runLifecycle(e, api);
    expect(calls.map((c) => [c[0], c[2]])).toEqual([['env2', 'apply']]);
  });

  test('a user gone from the old environment is done; any other failure fails the Update with what happened and what to do', async () => {
    const gone = recording((call) =>
      call[2] === 'previous-environment' ? Object.assign(new Error('no user'), { code: 'ResourceNotFoundException' }) : undefined,
    );
    const e = update(props('env2'), props('env1', { apiAccess: 'DISABLED' }));
    await expect(runLifecycle(e, gone.api)).resolves.toMatchObject({ physicalResourceId: 'u1' });
    const denied = recording((call) =>
      call[2] === 'previous-environment' ? Object.assign(new Error('denied.'), { code: 'AccessDeniedException' }) : undefined,
    );
    const failure = await runLifecycle(e, denied.api).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(
      `environmentId changed from "env1" to "env2": the new settings were applied in "env2", but the old properties' onDelete settings could not be applied to user "u1" in "env1", which the resource leaves: denied. The user in "env1" keeps the settings this resource gave it until that succeeds. Fix the cause and deploy again; CloudFormation's rollback of this update re-applies the old settings in "env1" and, if the new properties have onDelete, applies those to the user in "env2". To leave the user in "env1" as it is instead, first deploy without onDelete, then change environmentId.`,
    );
    expect((failure as Error).cause).toMatchObject({ code: 'AccessDeniedException' });
  });

  test('old properties that break the rules send nothing to the old environment: they were refused before any call', async () => {
    const { calls, api } = recording();
    await runLifecycle(update(props('env2'), { ...props('env1', { apiAccess: 'DISABLED' }), type: 'ROOT' }), api);
    expect(calls.map((c) => c[2])).toEqual(['apply']);
  });
});
