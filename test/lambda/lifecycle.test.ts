/**
 * What each request does, against a recording API: the clientToken's inputs, and the physical ids.
 */
import type { CustomResourceEvent } from '../../lambda/cfn-response';
import { clientTokenFor, CREATE_FAILED_PREFIX, physicalIdOnFailure, runLifecycle } from '../../lambda/lifecycle';

const event = (overrides: Partial<CustomResourceEvent> = {}): CustomResourceEvent => ({
  RequestType: 'Create',
  ResponseURL: 'http://127.0.0.1:1/x',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1',
  RequestId: 'req-1',
  LogicalResourceId: 'Analyst',
  ResourceType: 'Custom::FinSpaceUserSettings',
  ResourceProperties: { environmentId: 'env1', userId: 'u1', apiAccess: 'ENABLED' },
  ...overrides,
});

test('clientToken: a SHA-256 of stack, logical id, request id and purpose; any one changed changes it', () => {
  const base = clientTokenFor(event(), 'apply');
  expect(base).toMatch(/^[0-9a-f]{64}$/);
  expect(clientTokenFor(event(), 'apply')).toBe(base);
  expect(clientTokenFor(event({ ServiceToken: 'other', ResourceProperties: {} }), 'apply')).toBe(base);
  const variants = [
    clientTokenFor(event({ StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/2' }), 'apply'),
    clientTokenFor(event({ LogicalResourceId: 'Auditor' }), 'apply'),
    clientTokenFor(event({ RequestId: 'req-2' }), 'apply'),
    clientTokenFor(event(), 'on-delete'),
  ];
  expect(new Set([base, ...variants]).size).toBe(5);
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
  await runLifecycle(
    event({
      RequestType: 'Delete',
      PhysicalResourceId: 'u1',
      ResourceProperties: { environmentId: 'env1', userId: 'u1', onDelete: { apiAccess: 'DISABLED' } },
    }),
    api as never,
  );
  expect(sent.map((s) => s.clientToken)).toEqual([
    clientTokenFor(event(), 'apply'),
    clientTokenFor(event(), 'apply'),
    clientTokenFor(event(), 'on-delete'),
  ]);
  expect(sent[2]).toEqual({ userId: 'u1', apiAccess: 'DISABLED', clientToken: clientTokenFor(event(), 'on-delete') });
});

test('physical id on failure: a marker for a Create, the old id otherwise', () => {
  expect(physicalIdOnFailure(event())).toBe(`${CREATE_FAILED_PREFIX}req-1`);
  expect(physicalIdOnFailure(event({ RequestType: 'Update', PhysicalResourceId: 'u1' }))).toBe('u1');
  expect(physicalIdOnFailure(event({ RequestType: 'Delete', PhysicalResourceId: '' }))).toBe(`${CREATE_FAILED_PREFIX}req-1`);
});

test('a Delete whose onDelete settings are empty sends nothing; one whose properties are broken fails only when onDelete was asked', async () => {
  const calls: unknown[] = [];
  const api = { updateUser: async (...args: unknown[]) => (calls.push(args), { userId: 'u1' }) };
  await expect(
    runLifecycle(
      event({ RequestType: 'Delete', PhysicalResourceId: 'u1', ResourceProperties: { environmentId: 'env1', userId: 'u1', onDelete: {} } }),
      api as never,
    ),
  ).resolves.toEqual({ physicalResourceId: 'u1' });
  await expect(
    runLifecycle(
      event({ RequestType: 'Delete', PhysicalResourceId: 'u1', ResourceProperties: { environmentId: '', userId: 'u1' } }),
      api as never,
    ),
  ).resolves.toEqual({ physicalResourceId: 'u1' });
  await expect(
    runLifecycle(
      event({
        RequestType: 'Delete',
        PhysicalResourceId: 'u1',
        ResourceProperties: { environmentId: '', userId: 'u1', onDelete: { apiAccess: 'DISABLED' } },
      }),
      api as never,
    ),
  ).rejects.toThrow(/environmentId "" has 0 characters/);
  expect(calls).toHaveLength(0);
});

test('a failed Create marker is never a valid user id, so a Delete with one has nothing to undo', () => {
  expect(CREATE_FAILED_PREFIX.length).toBeGreaterThan(26);
  expect(physicalIdOnFailure(event({ PhysicalResourceId: 'u1' }))).toBe(`${CREATE_FAILED_PREFIX}req-1`);
});

test('a Delete without a physical id, or with a failed Create marker, sends nothing even with onDelete', async () => {
  const calls: unknown[] = [];
  const api = { updateUser: async (...args: unknown[]) => (calls.push(args), { userId: 'u1' }) };
  const props = { environmentId: 'env1', userId: 'u1', onDelete: { apiAccess: 'DISABLED' } };
  await expect(runLifecycle(event({ RequestType: 'Delete', ResourceProperties: props }), api as never)).resolves.toEqual({
    physicalResourceId: '',
  });
  const marker = `${CREATE_FAILED_PREFIX}req-0`;
  await expect(
    runLifecycle(event({ RequestType: 'Delete', PhysicalResourceId: marker, ResourceProperties: props }), api as never),
  ).resolves.toEqual({
    physicalResourceId: marker,
  });
  expect(calls).toHaveLength(0);
});

test('an answer whose userId is blank is no physical id: the failure names the user and the environment', async () => {
  for (const userId of ['', '   ', undefined]) {
    const api = { updateUser: async () => ({ userId }) };
    await expect(runLifecycle(event(), api as never)).rejects.toThrow(
      'UpdateUser for user "u1" in FinSpace environment "env1" answered success without a userId, so there is no physical id to report; retry the deployment, and report it if it persists.',
    );
  }
});

test("an unknown RequestType is refused (the handler checks the envelope first; this is the lifecycle's own guard)", async () => {
  await expect(runLifecycle(event({ RequestType: 'Upsert' as never }), {} as never)).rejects.toThrow(
    'Unknown RequestType "Upsert"; CloudFormation sends Create, Update or Delete.',
  );
});
