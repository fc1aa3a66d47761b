/**
 * The handler, in-process from source: through CloudFormation's lifecycle against the FinSpace emulator over real HTTP,
 * and its last-resort guarantees (bugs, hanging work, qualified invocations, the audit line after the answer).
 */
import {
  ADMIN_USER_ID,
  ANALYST_ROLE_ARN,
  analystProperties,
  createEvent,
  ENVIRONMENT_ID,
  type EventInit,
  type Handler,
  HANDLER_ROLE_ARN,
  Harness,
  lambdaContext,
  newHandler,
  OTHER_USER_ID,
  receiverEachTest,
  TARGET_USER_ID,
  TEST_REMAINING_MS,
} from '../support/harness';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { FinSpaceAccess } from '../../lambda/finspace-access';
import { DEFAULT_RETRY_POLICY, type RetryRunner, retryUntilDeadline } from '../../lambda/retry';
import { createHandler, GUARD_REASON, type HandlerOptions, invokedQualified, type LambdaContext } from '../../lambda/handler';
import { AUDIT_RESERVE_MS } from '../../lambda/deadlines';
import { QUALIFIED_INVOCATION } from '../../lambda/request';
import { asDeployed, receiverOrigin } from '../support/deployed-environment';
import * as http from 'node:http';
import { withServer } from '../support/lambda-cases';
import { ANSWER_RETRY_POLICY } from '../../lambda/cfn-response';

describe('through the lifecycle, against the emulator', () => {
  let h: Harness;
  let handler: Handler;

  beforeEach(async () => {
    h = await Harness.start();
    asDeployed(h);
    handler = newHandler();
  });
  afterEach(async () => {
    await h.close();
  });

  const CREATE_FAILED = 'finspace-user-settings:create-failed:';
  const sendCreate = (properties: Record<string, unknown>, remainingMs?: number) =>
    h.invoke(handler, { requestType: 'Create', properties }, remainingMs);
  const sendUpdate = (physicalResourceId: string, properties: Record<string, unknown>, oldProperties: Record<string, unknown>) =>
    h.invoke(handler, { requestType: 'Update', physicalResourceId, properties, oldProperties });
  const sendDelete = (physicalResourceId: string, properties: Record<string, unknown>) =>
    h.invoke(handler, { requestType: 'Delete', physicalResourceId, properties });

  describe('Create and Update', () => {
    test('Create applies exactly the given settings and reports the returned userId', async () => {
      const { response } = await sendCreate(analystProperties());
      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TARGET_USER_ID, Data: { userId: TARGET_USER_ID } });
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)).toMatchObject({
        type: 'APP_USER',
        firstName: 'Ada',
        lastName: 'Lovelace',
        apiAccess: 'ENABLED',
        apiAccessPrincipalArn: ANALYST_ROLE_ARN,
      });
      const put = h.receiver.puts.at(-1)!;
      expect(put.contentType).toBe('');
      expect(put.contentLength).toBe(Buffer.byteLength(put.body));
      expect(put.contentLength).toBeLessThan(1024);
    });

    test('an omitted setting is not sent, so FinSpace keeps its value', async () => {
      const { response } = await sendCreate({
        environmentId: ENVIRONMENT_ID,
        userId: TARGET_USER_ID,
        apiAccess: 'ENABLED',
        apiAccessPrincipalArn: ANALYST_ROLE_ARN,
      });
      expect(response.Status).toBe('SUCCESS');
      const update = h.emulator.requests.find((r) => r.operation === 'UpdateUser')!;
      expect([...update.members!].sort()).toEqual(['apiAccess', 'apiAccessPrincipalArn', 'clientToken']);
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)).toMatchObject({
        firstName: 'Oldfirst',
        lastName: 'Oldlast',
        type: 'APP_USER',
      });
    });

    test('Update applies the new settings and keeps the physical id', async () => {
      await sendCreate(analystProperties());
      const { response } = await sendUpdate(
        TARGET_USER_ID,
        analystProperties({ type: 'SUPER_USER', lastName: 'Byron' }),
        analystProperties(),
      );
      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TARGET_USER_ID });
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)).toMatchObject({ type: 'SUPER_USER', lastName: 'Byron' });
    });

    test('a userId with characters that need encoding reaches the right user', async () => {
      const odd = 'u a/b+c%d';
      h.emulator.putUser(ENVIRONMENT_ID, { userId: odd, type: 'APP_USER' });
      const { response } = await sendCreate({ environmentId: ENVIRONMENT_ID, userId: odd, apiAccess: 'ENABLED' });
      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: odd });
      expect(h.emulator.getUser(ENVIRONMENT_ID, odd)?.apiAccess).toBe('ENABLED');
    });

    test('the physical id is the userId UpdateUser returned, not the one requested', async () => {
      h.emulator.aliasUser(ENVIRONMENT_ID, 'ANALYST-ALIAS', TARGET_USER_ID);
      const { response } = await sendCreate(analystProperties({ userId: 'ANALYST-ALIAS' }));
      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TARGET_USER_ID, Data: { userId: TARGET_USER_ID } });
    });

    test('clientToken is stable when Lambda redelivers the same event and differs for another request', async () => {
      const { key, event } = h.event({ requestType: 'Create', properties: analystProperties(), requestId: 'req-1' });
      await h.invokeEvent(handler, key, event);
      await h.invokeEvent(handler, key, event);
      const other = h.event({ requestType: 'Create', properties: analystProperties(), requestId: 'req-2' });
      await h.invokeEvent(handler, other.key, other.event);
      const tokens = h.emulator.requests.filter((r) => r.operation === 'UpdateUser').map((r) => r.clientToken!);
      expect(tokens).toHaveLength(3);
      expect(tokens[0]).toBe(tokens[1]);
      expect(tokens[2]).not.toBe(tokens[0]);
      for (const token of tokens) expect(token.length).toBeGreaterThanOrEqual(1);
      for (const token of tokens) expect(token.length).toBeLessThanOrEqual(128);
    });
  });

  describe('Delete', () => {
    test('without onDelete settings it succeeds and calls nothing', async () => {
      const before = h.emulator.requests.length;
      const { response } = await sendDelete(TARGET_USER_ID, analystProperties());
      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TARGET_USER_ID });
      expect(h.emulator.requests.length).toBe(before);
    });

    test('with onDelete settings it applies them', async () => {
      await sendCreate(analystProperties({ onDelete: { apiAccess: 'DISABLED' } }));
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('ENABLED');
      const { response } = await sendDelete(TARGET_USER_ID, analystProperties({ onDelete: { apiAccess: 'DISABLED' } }));
      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TARGET_USER_ID });
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('DISABLED');
      const last = h.emulator.requests.filter((r) => r.operation === 'UpdateUser').at(-1)!;
      expect([...last.members!].sort()).toEqual(['apiAccess', 'clientToken']);
    });

    test('with onDelete settings, a user that no longer exists counts as done', async () => {
      const { response } = await sendDelete(
        'uGone0000000000000001',
        analystProperties({ userId: 'uGone0000000000000001', onDelete: { apiAccess: 'DISABLED' } }),
      );
      expect(response.Status).toBe('SUCCESS');
      expect(h.emulator.count('UpdateUser', 404)).toBe(1);
    });

    test('with onDelete settings, any other failure fails the Delete with its reason', async () => {
      h.emulator.injectFault({ operation: 'UpdateUser', status: 403, message: 'User is not allowed' });
      const { response } = await sendDelete(TARGET_USER_ID, analystProperties({ onDelete: { apiAccess: 'DISABLED' } }));
      expect(response.Status).toBe('FAILED');
      expect(response.PhysicalResourceId).toBe(TARGET_USER_ID);
      expect(response.Reason).toContain('AccessDeniedException: User is not allowed');
    });

    test('after a failed Create it succeeds without an API call', async () => {
      const create = await sendCreate(analystProperties({ userId: 'uNoSuchUser0000000001' }));
      expect(create.response.Status).toBe('FAILED');
      expect(create.response.PhysicalResourceId.startsWith(CREATE_FAILED)).toBe(true);
      const before = h.emulator.requests.length;
      const { response } = await sendDelete(
        create.response.PhysicalResourceId,
        analystProperties({ userId: 'uNoSuchUser0000000001', onDelete: { apiAccess: 'DISABLED' } }),
      );
      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: create.response.PhysicalResourceId });
      expect(h.emulator.requests.length).toBe(before);
    });

    test('with onDelete settings, a physical id that cannot be a user id (one CloudFormation made up for a Create that never answered) applies them to the user the properties name', async () => {
      const madeUp = 'FinSpaceUserSettingsExample-Analyst5C91540F-1A2B3C4D5E6F';
      const { response } = await sendDelete(madeUp, analystProperties({ onDelete: { apiAccess: 'DISABLED' } }));
      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: madeUp });
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('DISABLED');
      expect(JSON.parse(h.logs.at(-1)!).sent.onDelete).toMatchObject({ userId: TARGET_USER_ID, result: 'accepted' });
    });

    test('without onDelete settings, a made-up physical id sends nothing', async () => {
      const { response } = await sendDelete('FinSpaceUserSettingsExample-Analyst5C91540F-1A2B3C4D5E6F', analystProperties());
      expect(response.Status).toBe('SUCCESS');
      expect(h.emulator.requests).toHaveLength(0);
    });
  });

  describe('a Create that fails: the physical id it answers, and the rollback Delete after it', () => {
    const withOnDelete = analystProperties({ onDelete: { apiAccess: 'DISABLED' } });

    /**
     * The Create fails as `fault` makes it; then CloudFormation's rollback Delete comes with the id it answered. The user
     * starts with API access ENABLED, as if the Create's settings had taken effect: only onDelete turns it off.
     */
    async function createThenRollback(fault: () => void, remainingMs?: number) {
      h.emulator.putUser(ENVIRONMENT_ID, { userId: TARGET_USER_ID, type: 'APP_USER', apiAccess: 'ENABLED' });
      fault();
      const create = await sendCreate(withOnDelete, remainingMs);
      expect(create.response.Status).toBe('FAILED');
      h.emulator.clearFaults();
      const updates = h.emulator.count('UpdateUser');
      const rollback = await sendDelete(create.response.PhysicalResourceId, withOnDelete);
      expect(rollback.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: create.response.PhysicalResourceId });
      return { physicalId: create.response.PhysicalResourceId, rollbackCalls: h.emulator.count('UpdateUser') - updates };
    }

    test.each<[string, () => void]>([
      [
        'UpdateUser answered 200 without a userId (it was applied)',
        () => h.emulator.injectFault({ operation: 'UpdateUser', rawBody: '{}' }),
      ],
      [
        'UpdateUser answered 200 with a body that is not JSON',
        () => h.emulator.injectFault({ operation: 'UpdateUser', rawBody: '<html>' }),
      ],
      ['UpdateUser answered 500 until the deadline', () => h.emulator.injectFault({ operation: 'UpdateUser', status: 500, times: 10_000 })],
      [
        'a 500 (which may have been applied), then a ConflictException',
        () => {
          h.emulator.injectFault({ operation: 'UpdateUser', status: 500 });
          h.emulator.injectFault({ operation: 'UpdateUser', status: 409, message: 'in progress' });
        },
      ],
      ['UpdateUser timed out until the deadline', () => h.emulator.injectFault({ operation: 'UpdateUser', delayMs: 20_000, times: 10 })],
    ])('%s: the FAILED Create answers the userId, so the rollback applies onDelete to the user', async (_name, fault) => {
      const { physicalId, rollbackCalls } = await createThenRollback(fault, 1500);
      expect(physicalId).toBe(TARGET_USER_ID);
      expect(rollbackCalls).toBe(1);
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('DISABLED');
    });

    test('the timeout guard answered while UpdateUser was in flight: the userId, so the rollback applies onDelete', async () => {
      h.emulator.putUser(ENVIRONMENT_ID, { userId: TARGET_USER_ID, type: 'APP_USER', apiAccess: 'ENABLED' });
      const inFlight = { updateUser: () => new Promise(() => undefined) } as unknown as FinSpaceAccess;
      const create = await h.invoke(newHandler({ access: inFlight }), { requestType: 'Create', properties: withOnDelete }, 1500);
      expect(create.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: TARGET_USER_ID });
      expect(create.response.Reason).toContain(GUARD_REASON);
      expect(JSON.parse(h.logs[0]).sent.apply.result).toBe('unfinished when the handler answered');
      const rollback = await sendDelete(TARGET_USER_ID, withOnDelete);
      expect(rollback.response.Status).toBe('SUCCESS');
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('DISABLED');
    });

    test.each<[string, () => void]>([
      ['ValidationException', () => h.emulator.injectFault({ operation: 'UpdateUser', status: 400, message: 'bad' })],
      ['AccessDeniedException', () => h.emulator.injectFault({ operation: 'UpdateUser', status: 403, message: 'no' })],
      ['ResourceNotFoundException', () => h.emulator.injectFault({ operation: 'UpdateUser', status: 404, message: 'gone' })],
      ['ConflictException', () => h.emulator.injectFault({ operation: 'UpdateUser', status: 409, message: 'busy' })],
      ['throttling (429) until the deadline', () => h.emulator.injectFault({ operation: 'UpdateUser', status: 429, times: 10_000 })],
      [
        'GetProgrammaticAccessCredentials failed (UpdateUser never sent)',
        () => h.emulator.injectFault({ operation: 'GetProgrammaticAccessCredentials', status: 403, message: 'no' }),
      ],
    ])('%s: FinSpace certainly applied nothing, so a marker, and the rollback sends nothing', async (_name, fault) => {
      const { physicalId, rollbackCalls } = await createThenRollback(fault, 1500);
      expect(physicalId).toMatch(new RegExp(`^${CREATE_FAILED}`));
      expect(rollbackCalls).toBe(0);
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('ENABLED');
    });
  });

  describe('replacement and rollback', () => {
    test('a new userId updates the new user and returns its id; the Delete of the old id follows onDelete', async () => {
      const old = analystProperties({ onDelete: { apiAccess: 'DISABLED' } });
      await sendCreate(old);
      const next = analystProperties({ userId: OTHER_USER_ID, onDelete: { apiAccess: 'DISABLED' } });
      const update = await sendUpdate(TARGET_USER_ID, next, old);
      expect(update.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: OTHER_USER_ID, Data: { userId: OTHER_USER_ID } });
      expect(h.emulator.getUser(ENVIRONMENT_ID, OTHER_USER_ID)).toMatchObject({ apiAccess: 'ENABLED', firstName: 'Ada' });

      // CloudFormation's cleanup: Delete for the old physical id, with the old properties.
      const del = await sendDelete(TARGET_USER_ID, old);
      expect(del.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TARGET_USER_ID });
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('DISABLED');
      expect(h.emulator.getUser(ENVIRONMENT_ID, OTHER_USER_ID)?.apiAccess).toBe('ENABLED');
    });

    test('a failed Update is rolled back by an Update with the old properties, which restores the old settings', async () => {
      const old = analystProperties();
      await sendCreate(old);
      const next = analystProperties({ type: 'SUPER_USER', firstName: 'Augusta' });
      h.emulator.injectFault({ operation: 'UpdateUser', status: 409, message: 'Concurrent modification', times: 1 });
      const failed = await sendUpdate(TARGET_USER_ID, next, old);
      expect(failed.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: TARGET_USER_ID });

      // Simulate an Update that got through before another resource failed, then the rollback.
      await sendUpdate(TARGET_USER_ID, next, old);
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)).toMatchObject({ type: 'SUPER_USER', firstName: 'Augusta' });
      const rollback = await sendUpdate(TARGET_USER_ID, old, next);
      expect(rollback.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TARGET_USER_ID });
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)).toMatchObject({ type: 'APP_USER', firstName: 'Ada' });
    });
  });

  describe('retries', () => {
    test('throttling (429) of either call, and a 500, are retried until success', async () => {
      h.emulator.injectFault({ operation: 'GetProgrammaticAccessCredentials', status: 429, times: 2 });
      h.emulator.injectFault({ operation: 'UpdateUser', status: 429, times: 3 });
      h.emulator.injectFault({ operation: 'UpdateUser', status: 500, times: 1 });
      const { response } = await sendCreate(analystProperties());
      expect(response.Status).toBe('SUCCESS');
      expect(h.emulator.count('GetProgrammaticAccessCredentials', 429)).toBe(2);
      expect(h.emulator.count('UpdateUser', 429)).toBe(3);
      expect(h.emulator.count('UpdateUser', 500)).toBe(1);
      expect(h.emulator.count('UpdateUser', 200)).toBe(1);
    });

    test('throttling past the deadline fails with the count of throttled attempts, before the Lambda would end', async () => {
      h.emulator.injectFault({ operation: 'UpdateUser', status: 429, times: 10_000 });
      const remainingMs = 1500;
      const { response, elapsedMs } = await sendCreate(analystProperties(), remainingMs);
      expect(response.Status).toBe('FAILED');
      expect(response.PhysicalResourceId.startsWith(CREATE_FAILED)).toBe(true);
      const throttled = h.emulator.count('UpdateUser', 429);
      expect(throttled).toBeGreaterThan(1);
      const calls = h.emulator.requests.length;
      expect(response.Reason).toMatch(
        new RegExp(
          `UpdateUser gave up at the deadline: ${calls} FinSpace calls over \\d+\\.\\d s, ${throttled} of them throttled \\(429\\)`,
        ),
      );
      expect(elapsedMs).toBeLessThan(remainingMs);
    });

    test('a stalled response is abandoned at the attempt timeout and the answer still beats the deadline', async () => {
      h.emulator.injectFault({ operation: 'UpdateUser', delayMs: 20_000, times: 10 });
      const remainingMs = 1500;
      const { response, elapsedMs } = await sendCreate(analystProperties(), remainingMs);
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toMatch(/TimeoutError|did not finish/);
      expect(elapsedMs).toBeLessThan(remainingMs);
    });

    test.each([
      [400, 'ValidationException', 'firstName is invalid'],
      [403, 'AccessDeniedException', 'not allowed'],
      [404, 'ResourceNotFoundException', 'User not found'],
      [409, 'ConflictException', 'User conflicts'],
    ])('HTTP %i (%s) fails at once with the service message (its model words)', async (status, name, message) => {
      h.emulator.injectFault({ operation: 'UpdateUser', status, message });
      const { response } = await sendCreate(analystProperties());
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toContain(`${name}: ${message}`);
      expect(h.emulator.count('UpdateUser')).toBe(1);
    });

    test('a 403 on UpdateUser names the role, the environment and the registration step', async () => {
      h.emulator.putUser(ENVIRONMENT_ID, {
        userId: ADMIN_USER_ID,
        type: 'APP_USER',
        apiAccess: 'ENABLED',
        apiAccessPrincipalArn: HANDLER_ROLE_ARN,
      });
      const { response } = await sendCreate(analystProperties());
      expect(response.Status).toBe('FAILED');
      for (const part of [HANDLER_ROLE_ARN, ENVIRONMENT_ID, 'ManageUsersAndGroups', 'API access principal'])
        expect(response.Reason).toContain(part);
    });

    test('a role not registered in FinSpace fails GetProgrammaticAccessCredentials with the registration step', async () => {
      h.emulator.putUser(ENVIRONMENT_ID, { userId: ADMIN_USER_ID, type: 'SUPER_USER', apiAccess: 'DISABLED' });
      const { response } = await sendCreate(analystProperties());
      expect(response.Status).toBe('FAILED');
      for (const part of ['GetProgrammaticAccessCredentials failed', HANDLER_ROLE_ARN, `"${ENVIRONMENT_ID}"`, 'Register the role'])
        expect(response.Reason).toContain(part);
      expect(h.emulator.count('UpdateUser')).toBe(0);
      expect(JSON.parse(h.logs.at(-1)!).sent.apply.result).toBe('not applied: GetProgrammaticAccessCredentials failed');
    });
  });

  describe('credentials', () => {
    test('temporary credentials are reused across invocations of a warm container', async () => {
      await sendCreate(analystProperties());
      await sendCreate(analystProperties({ userId: OTHER_USER_ID }));
      expect(h.emulator.count('GetProgrammaticAccessCredentials')).toBe(1);
      expect(h.emulator.count('UpdateUser', 200)).toBe(2);
    });

    test('credentials that FinSpace says expired are fetched afresh once and the call retried', async () => {
      await sendCreate(analystProperties());
      h.emulator.expireIssuedCredentials();
      const { response } = await sendCreate(analystProperties({ userId: OTHER_USER_ID }));
      expect(response.Status).toBe('SUCCESS');
      expect(h.emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
      expect(h.emulator.requests.filter((r) => r.errorType === 'ExpiredTokenException')).toHaveLength(1);
    });

    test('credentials rejected twice fail the event instead of looping', async () => {
      h.emulator.injectFault({
        operation: 'UpdateUser',
        status: 403,
        errorType: 'ExpiredTokenException',
        message: 'The security token included in the request is expired',
        times: 5,
      });
      const { response } = await sendCreate(analystProperties());
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toContain('ExpiredTokenException');
      expect(h.emulator.count('UpdateUser')).toBe(2);
      expect(h.emulator.count('GetProgrammaticAccessCredentials')).toBe(2);
    });
  });

  describe('bad input at deploy time', () => {
    test('properties that break the rules fail the event before any API call, without echoing names', async () => {
      const { response } = await sendCreate(
        analystProperties({
          userId: 'u'.repeat(27),
          firstName: 'Sensitive-First-Name-That-Is-Way-Too-Long-For-FinSpace-1234',
          apiAccess: 'MAYBE',
        }),
      );
      expect(response.Status).toBe('FAILED');
      for (const part of [
        'userId',
        'has 27 characters',
        'firstName (value hidden',
        'has 59 characters',
        'apiAccess "MAYBE" is not an allowed value',
      ])
        expect(response.Reason).toContain(part);
      expect(response.Reason).not.toContain('Sensitive-First-Name');
      expect(h.emulator.requests).toHaveLength(0);
      // Nothing was sent, so the Create answers a marker, not the user.
      expect(response.PhysicalResourceId).toMatch(new RegExp(`^${CREATE_FAILED}`));
    });

    test('a missing userId, an unknown property and an unknown RequestType each fail with a reason', async () => {
      const missing = await sendCreate({ environmentId: ENVIRONMENT_ID, colour: 'blue' });
      expect(missing.response.Status).toBe('FAILED');
      expect(missing.response.Reason).toContain('userId is required');
      expect(missing.response.Reason).toContain('Unknown properties "colour"');

      const { key, event } = h.event({ requestType: 'Create', properties: analystProperties() });
      const { response } = await h.invokeEvent(handler, key, { ...event, RequestType: 'Upsert' });
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toContain('Unknown RequestType "Upsert"');
      expect(h.emulator.requests).toHaveLength(0);
    });

    test('a 200 with no userId and a malformed JSON answer each fail with a reason', async () => {
      h.emulator.injectFault({ operation: 'UpdateUser', rawBody: '{}' });
      const empty = await sendCreate(analystProperties());
      expect(empty.response.Status).toBe('FAILED');
      expect(empty.response.Reason).toContain('without a userId');

      h.emulator.injectFault({ operation: 'UpdateUser', rawBody: '<html>oops' });
      const malformed = await sendCreate(analystProperties());
      expect(malformed.response.Status).toBe('FAILED');
      expect(malformed.response.Reason).toContain('not a JSON object');
    });
  });

  describe('answering CloudFormation', () => {
    test('nothing secret is logged or answered: credentials, ResponseURL, first and last names', async () => {
      const results = [await sendCreate(analystProperties()), await sendCreate(analystProperties({ firstName: '   ' }))];
      h.emulator.injectFault({ operation: 'UpdateUser', status: 400, message: 'bad' });
      results.push(await sendCreate(analystProperties()));
      const everything = [...h.logs, ...h.receiver.puts.map((p) => p.body)].join('\n');
      expect(h.logs.length).toBeGreaterThan(0);
      for (const secret of [
        process.env.AWS_SECRET_ACCESS_KEY!,
        process.env.AWS_SESSION_TOKEN!,
        'Ada',
        'Lovelace',
        ...results.map((r) => r.event.ResponseURL),
      ]) {
        expect(everything).not.toContain(secret);
      }
      expect(everything).not.toContain('X-Amz-Signature');
    });
  });

  describe('an Update that changes environmentId (same physical id, so CloudFormation sends no Delete there)', () => {
    const NEXT_ENV = 'envtest0002';
    const old = analystProperties({ onDelete: { apiAccess: 'DISABLED' } });
    const moved = analystProperties({ environmentId: NEXT_ENV, onDelete: { apiAccess: 'DISABLED' } });
    const updates = () => h.emulator.requests.filter((r) => r.operation === 'UpdateUser');

    beforeEach(async () => {
      h.emulator.putUser(NEXT_ENV, {
        userId: ADMIN_USER_ID,
        type: 'SUPER_USER',
        apiAccess: 'ENABLED',
        apiAccessPrincipalArn: HANDLER_ROLE_ARN,
      });
      h.emulator.putUser(NEXT_ENV, { userId: TARGET_USER_ID, type: 'APP_USER', apiAccess: 'DISABLED' });
      await sendCreate(old);
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('ENABLED');
      h.logs.length = 0;
    });

    test('applies the new settings in the new environment, then the old onDelete to the user in the old one', async () => {
      const { response } = await sendUpdate(TARGET_USER_ID, moved, old);
      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TARGET_USER_ID });
      expect(h.emulator.getUser(NEXT_ENV, TARGET_USER_ID)?.apiAccess).toBe('ENABLED');
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('DISABLED');
      expect(
        updates()
          .slice(-2)
          .map((r) => [r.environmentId, r.userId, [...r.members!].sort()]),
      ).toEqual([
        [NEXT_ENV, TARGET_USER_ID, ['apiAccess', 'apiAccessPrincipalArn', 'clientToken', 'firstName', 'lastName', 'type']],
        [ENVIRONMENT_ID, TARGET_USER_ID, ['apiAccess', 'clientToken']],
      ]);
      expect(JSON.parse(h.logs[0]).sent).toEqual({
        apply: expect.objectContaining({ environmentId: NEXT_ENV, userId: TARGET_USER_ID, result: 'accepted' }),
        previousEnvironment: { environmentId: ENVIRONMENT_ID, userId: TARGET_USER_ID, apiAccess: 'DISABLED', result: 'accepted' },
      });
    });

    test('each call has its own idempotency token, the same when Lambda redelivers the event', async () => {
      const { key, event } = h.event({ requestType: 'Update', physicalResourceId: TARGET_USER_ID, properties: moved, oldProperties: old });
      await h.invokeEvent(handler, key, event);
      await h.invokeEvent(handler, key, event);
      const tokens = updates()
        .slice(-4)
        .map((r) => r.clientToken);
      expect(tokens[0]).not.toBe(tokens[1]);
      expect(tokens.slice(2)).toEqual(tokens.slice(0, 2));
    });

    test('without onDelete in the old properties nothing is sent to the old environment: the user there keeps its settings', async () => {
      const { response } = await sendUpdate(TARGET_USER_ID, analystProperties({ environmentId: NEXT_ENV }), analystProperties());
      expect(response.Status).toBe('SUCCESS');
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('ENABLED');
      expect(updates().at(-1)!.environmentId).toBe(NEXT_ENV);
      expect(Object.keys(JSON.parse(h.logs[0]).sent)).toEqual(['apply']);
    });

    test('a user gone from the old environment counts as done', async () => {
      h.emulator.injectFault({ operation: 'UpdateUser', times: 1, delayMs: 0 });
      h.emulator.injectFault({ operation: 'UpdateUser', status: 404, message: 'User not found' });
      const { response } = await sendUpdate(TARGET_USER_ID, moved, old);
      expect(response.Status).toBe('SUCCESS');
      expect(JSON.parse(h.logs[0]).sent.previousEnvironment.result).toBe('ResourceNotFoundException');
    });

    test('a revocation that fails fails the Update, saying what happened and what to do; the rollback puts both back', async () => {
      h.emulator.injectFault({ operation: 'UpdateUser', times: 1, delayMs: 0 });
      h.emulator.injectFault({ operation: 'UpdateUser', status: 409, message: 'Concurrent modification' });
      const { response } = await sendUpdate(TARGET_USER_ID, moved, old);
      expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: TARGET_USER_ID });
      expect(response.Reason).toContain(
        `environmentId changed from "${ENVIRONMENT_ID}" to "${NEXT_ENV}": the new settings were applied in "${NEXT_ENV}", but the old properties' onDelete settings could not be applied to user "${TARGET_USER_ID}" in "${ENVIRONMENT_ID}", which the resource leaves: UpdateUser failed for user "${TARGET_USER_ID}" in FinSpace environment "${ENVIRONMENT_ID}"`,
      );
      // The service's own words show only as far as they are words of the FinSpace model.
      expect(response.Reason).toContain('ConflictException: [?].');
      expect(response.Reason).toContain('Fix the cause and deploy again');
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('ENABLED');
      expect(h.emulator.getUser(NEXT_ENV, TARGET_USER_ID)?.apiAccess).toBe('ENABLED');

      // CloudFormation's rollback: an Update back, old and new swapped. The user in the new environment, which got the
      // settings, gets the new properties' onDelete; the old environment gets its settings again.
      const rollback = await sendUpdate(TARGET_USER_ID, old, moved);
      expect(rollback.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TARGET_USER_ID });
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('ENABLED');
      expect(h.emulator.getUser(NEXT_ENV, TARGET_USER_ID)?.apiAccess).toBe('DISABLED');
    });

    test('a new userId as well is a replacement: the Update leaves the old environment to the Delete CloudFormation sends', async () => {
      h.emulator.putUser(NEXT_ENV, { userId: OTHER_USER_ID, type: 'APP_USER', apiAccess: 'DISABLED' });
      const { response } = await sendUpdate(TARGET_USER_ID, { ...moved, userId: OTHER_USER_ID }, old);
      expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: OTHER_USER_ID });
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('ENABLED');
      const cleanup = await sendDelete(TARGET_USER_ID, old);
      expect(cleanup.response.Status).toBe('SUCCESS');
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('DISABLED');
    });

    test('old properties that break the rules were never applied anywhere, so nothing is sent for them', async () => {
      const { response } = await sendUpdate(TARGET_USER_ID, moved, { ...old, apiAccess: 'MAYBE' });
      expect(response.Status).toBe('SUCCESS');
      expect(Object.keys(JSON.parse(h.logs[0]).sent)).toEqual(['apply']);
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('ENABLED');
    });
  });

  describe('an endpoint that is gone', () => {
    test("one that does not resolve fails after the unreachable window, naming the endpoint, the region and FinSpace's status", async () => {
      // The real 10 s window is shown on the bundle by the fault matrix; here a 1 s one keeps the test fast.
      const endpoint = 'https://finspace-api.us-east-1.does-not-exist.invalid';
      const retry: RetryRunner = (operation, attempt, options) =>
        retryUntilDeadline(operation, attempt, { ...options, policy: { ...DEFAULT_RETRY_POLICY, unreachableWindowMs: 1000 } });
      const access = new FinSpaceAccess({ region: 'us-east-1', endpoint, roleCredentials: fromEnv(), roleArn: HANDLER_ROLE_ARN, retry });
      const { response, elapsedMs } = await h.invoke(
        newHandler({ access }),
        { requestType: 'Create', properties: analystProperties() },
        300_000,
      );
      expect(elapsedMs).toBeLessThan(5000);
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toContain(
        'GetProgrammaticAccessCredentials failed for FinSpace environment "envtest0001": GetProgrammaticAccessCredentials could not reach the endpoint for 1 s (ENOTFOUND',
      );
      expect(response.Reason).toContain(
        `The FinSpace Data API endpoint ${endpoint} (region us-east-1) cannot be reached or does not serve FinSpace.`,
      );
      expect(response.Reason).toContain('AWS ended support for Amazon FinSpace on 2026-10-07');
      expect(response.Reason).toContain('removalPolicy RETAIN');
      expect(response.Reason).toContain(
        'check the region, the endpoint override (AWS_ENDPOINT_URL_FINSPACE_DATA) and, in a VPC, the route to the endpoint.',
      );
    });

    test('one that does not know the operation (404, not ResourceNotFoundException) fails at once', async () => {
      process.env.AWS_ENDPOINT_URL_FINSPACE_DATA = `${h.emulator.endpoint}/elsewhere`;
      const { response, elapsedMs } = await h.invoke(newHandler(), { requestType: 'Create', properties: analystProperties() });
      expect(elapsedMs).toBeLessThan(2000);
      expect(response.Reason).toContain(
        'GetProgrammaticAccessCredentials failed for FinSpace environment "' +
          analystProperties().environmentId +
          '": HTTP 404 UnknownOperationException: ',
      );
      expect(response.Reason).toContain(
        `The FinSpace Data API endpoint ${h.emulator.endpoint} (region us-east-1) cannot be reached or does not serve FinSpace`,
      );
      expect(h.emulator.requests).toHaveLength(1);
    });
  });

  describe('the deadline', () => {
    test('the work gets the remaining time less the reserve; the guard answers after it, before the end', async () => {
      const deadlines: number[] = [];
      const access = {
        updateUser: (_env: string, _input: unknown, context: { deadline: number }) => {
          deadlines.push(context.deadline);
          return new Promise(() => undefined);
        },
      } as unknown as FinSpaceAccess;
      const started = Date.now();
      const { response, elapsedMs } = await h.invoke(
        newHandler({ access }),
        { requestType: 'Create', properties: analystProperties() },
        2000,
      );
      expect(deadlines[0] - started).toBeGreaterThanOrEqual(2000 - 400 - 50);
      expect(deadlines[0] - started).toBeLessThanOrEqual(2000 - 400 + 50);
      expect(response.Reason).toContain(GUARD_REASON);
      // The audit line says the UpdateUser had not ended when the handler answered.
      expect(JSON.parse(h.logs.at(-1)!).sent.apply.result).toBe('unfinished when the handler answered');
      // The guard fires between the work's deadline and the answer's: here 1.6 s + min(1 s, (1.9 - 1.6) / 2).
      expect(elapsedMs).toBeGreaterThanOrEqual(1700);
      expect(elapsedMs).toBeLessThan(1900);
    });
  });

  describe('what the handler logs and answers', () => {
    const logged = () => h.logs.map((line) => JSON.parse(line) as Record<string, unknown>);

    test('exactly one audit line per request, with what was sent and the counts; INFO for a success, ERROR for a failure', async () => {
      h.emulator.injectFault({ operation: 'UpdateUser', status: 429, times: 2 });
      const { event } = await h.invoke(handler, {
        requestType: 'Create',
        properties: analystProperties(),
        requestId: 'req-logs',
        logicalResourceId: 'Analyst',
      });
      const lines = logged();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toEqual({
        level: 'INFO',
        message: 'request answered',
        audit: 'FinSpaceUserSettings',
        stackId: event.StackId,
        logicalResourceId: 'Analyst',
        requestId: 'req-logs',
        requestType: 'Create',
        resourceType: 'Custom::FinSpaceUserSettings',
        environmentId: ENVIRONMENT_ID,
        userId: TARGET_USER_ID,
        physicalResourceId: TARGET_USER_ID,
        sent: {
          apply: {
            environmentId: ENVIRONMENT_ID,
            userId: TARGET_USER_ID,
            type: 'APP_USER',
            firstName: 'set',
            lastName: 'set',
            apiAccess: 'ENABLED',
            apiAccessPrincipalArn: ANALYST_ROLE_ARN,
            result: 'accepted',
          },
        },
        outcome: 'SUCCESS',
        delivered: true,
        attempts: 4,
        throttled: 2,
        transient: 0,
        elapsedMs: expect.any(Number),
      });
      // The time since the request arrived: the throttled retries' few milliseconds, not a timestamp.
      expect(lines[0].elapsedMs).toBeGreaterThanOrEqual(0);
      expect(lines[0].elapsedMs).toBeLessThan(TEST_REMAINING_MS);
      h.logs.length = 0;
      const { response } = await sendDelete(TARGET_USER_ID, analystProperties({ onDelete: { userType: 'X' } }));
      expect(response.Reason).toContain('(log stream 2026/11/28/[$LATEST]0123456789abcdef)');
      expect(logged()).toEqual([
        expect.objectContaining({
          level: 'ERROR',
          requestType: 'Delete',
          outcome: 'FAILED',
          delivered: true,
          physicalResourceId: TARGET_USER_ID,
          sent: 'nothing',
          reason: response.Reason,
        }),
      ]);
      // ERROR lines go to console.error (Lambda's JSON log level), INFO lines to console.info.
      expect(jest.mocked(console.error).mock.calls.flat().join('\n')).toContain('"outcome":"FAILED"');
      expect(jest.mocked(console.info).mock.calls.flat().join('\n')).toContain('"outcome":"SUCCESS"');
    });

    test('the audit line of a Delete shows the onDelete settings sent, and a user that is gone', async () => {
      const { response } = await sendDelete(
        'uGone0000000000000001',
        analystProperties({ userId: 'uGone0000000000000001', onDelete: { apiAccess: 'DISABLED', lastName: 'Gone' } }),
      );
      expect(response.Status).toBe('SUCCESS');
      expect(logged()).toEqual([
        expect.objectContaining({
          requestType: 'Delete',
          outcome: 'SUCCESS',
          sent: {
            onDelete: {
              environmentId: ENVIRONMENT_ID,
              userId: 'uGone0000000000000001',
              apiAccess: 'DISABLED',
              lastName: 'set',
              result: 'ResourceNotFoundException',
            },
          },
        }),
      ]);
    });

    test('a short name is hidden like any other: no outside text is withheld whole any more', async () => {
      h.emulator.injectFault({ operation: 'UpdateUser', status: 400, message: 'Jo Q is not valid' });
      const { response } = await sendCreate(analystProperties({ firstName: 'Jo', lastName: 'Q' }));
      expect(response.Reason).toMatch(
        /^UpdateUser failed for user "uAbCdEf0123456789" in FinSpace environment "envtest0001" \(request id [0-9a-f-]{36}\): ValidationException: \[\?\] is not valid\. FinSpace rejected a setting; correct the value it names\. \(log stream 2026\/11\/28\/\[\$LATEST\]0123456789abcdef\)$/,
      );
      expect(logged()[0].reason).toBe(response.Reason);
    });

    test('every answer echoes the StackId, RequestId and LogicalResourceId CloudFormation sent', async () => {
      for (const properties of [analystProperties(), analystProperties({ apiAccess: 'MAYBE' })]) {
        const { key, event } = h.event({ requestType: 'Create', properties });
        const { response } = await h.invokeEvent(handler, key, event);
        expect(response).toMatchObject({ StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId });
      }
    });

    test('a null onDelete is refused with its rule, not a crash', async () => {
      const { response } = await sendCreate(analystProperties({ onDelete: null }));
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toContain('onDelete');
      expect(response.Reason).not.toMatch(/TypeError|Cannot read/);
      expect(h.emulator.requests).toHaveLength(0);
    });

    test('a request without a ResponseURL is dropped with its audit line (ERROR, IGNORED), and nothing is sent', async () => {
      const { event } = h.event({ requestType: 'Create', properties: analystProperties() });
      await handler({ ...event, ResponseURL: 42 }, lambdaContext());
      await handler({ ...event, ResponseURL: '' }, lambdaContext());
      expect(logged()).toHaveLength(2);
      for (const line of logged()) {
        expect(line).toMatchObject({
          level: 'ERROR',
          message: 'request ignored, not answered',
          outcome: 'IGNORED',
          delivered: false,
          requestType: 'Create',
          requestId: event.RequestId,
          sent: 'nothing',
          reason: 'The request has no ResponseURL, so it cannot be answered; it is not a CloudFormation custom-resource request.',
        });
      }
      expect(h.receiver.puts).toHaveLength(0);
      expect(h.emulator.requests).toHaveLength(0);
    });

    test('an Update or Delete without what it must carry is answered FAILED, naming it', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ RequestType: 'Delete' }, 'A Delete request must carry PhysicalResourceId.'],
        [
          { RequestType: 'Update', PhysicalResourceId: TARGET_USER_ID, OldResourceProperties: 'x' },
          'An Update request must carry OldResourceProperties.',
        ],
        [
          { RequestType: 'Update', PhysicalResourceId: TARGET_USER_ID, OldResourceProperties: null },
          'An Update request must carry OldResourceProperties.',
        ],
        [{ ResourceProperties: null }, 'The request lacks ResourceProperties.'],
        [{ StackId: '' }, 'The request lacks StackId; it is not a CloudFormation custom-resource request.'],
      ];
      for (const [override, reason] of cases) {
        const { key, event } = h.event({ requestType: 'Create', properties: analystProperties() });
        const { response } = await h.invokeEvent(handler, key, { ...event, PhysicalResourceId: undefined, ...override });
        expect(response.Reason).toBe(`${reason} (log stream 2026/11/28/[$LATEST]0123456789abcdef)`);
      }
      expect(h.emulator.requests).toHaveLength(0);
    });
  });

  describe('only its unqualified function', () => {
    const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:FinSpaceUserSettingsHandler';

    /** The harness's handler, with the whole of Lambda's context the handler reads. */
    const newLambdaHandler = () => newHandler() as (event: unknown, context: LambdaContext) => Promise<void>;

    const withOnDelete = analystProperties({ onDelete: { apiAccess: 'DISABLED' } });
    const REQUESTS: Array<[string, EventInit]> = [
      ['Create', { requestType: 'Create', properties: withOnDelete }],
      ['Update', { requestType: 'Update', physicalResourceId: TARGET_USER_ID, properties: withOnDelete, oldProperties: withOnDelete }],
      ['Delete with onDelete', { requestType: 'Delete', physicalResourceId: TARGET_USER_ID, properties: withOnDelete }],
    ];

    test('an ARN with a qualifier (more than 7 parts) is a version or alias; the function ARN, or none, is not', () => {
      for (const qualifier of ['$LATEST', '1', '42', 'live', 'prod-blue'])
        expect(invokedQualified({ ...lambdaContext(), invokedFunctionArn: `${FUNCTION_ARN}:${qualifier}` })).toBe(true);
      expect(invokedQualified({ ...lambdaContext(), invokedFunctionArn: FUNCTION_ARN })).toBe(false);
      expect(invokedQualified({ ...lambdaContext(), invokedFunctionArn: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:f' })).toBe(
        false,
      );
      expect(invokedQualified(lambdaContext())).toBe(false);
      expect(invokedQualified(undefined as never)).toBe(false);
    });

    describe.each(['$LATEST', '7', 'live'])('invoked through %s', (qualifier) => {
      test.each(REQUESTS)('a %s is ignored: no FinSpace call, no answer, one IGNORED audit line saying why', async (_name, init) => {
        h.emulator.putUser(ENVIRONMENT_ID, { userId: TARGET_USER_ID, type: 'APP_USER', apiAccess: 'ENABLED' });
        const { key, event } = h.event(init);
        await expect(
          newLambdaHandler()(event, { ...lambdaContext(), invokedFunctionArn: `${FUNCTION_ARN}:${qualifier}` }),
        ).resolves.toBeUndefined();
        expect(h.emulator.requests).toHaveLength(0);
        expect(h.receiver.response(key)).toBeUndefined();
        expect(h.receiver.puts).toHaveLength(0);
        expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('ENABLED');
        expect(h.logs).toHaveLength(1);
        expect(JSON.parse(h.logs[0])).toMatchObject({
          level: 'ERROR',
          message: 'request ignored, not answered',
          outcome: 'IGNORED',
          delivered: false,
          requestType: init.requestType,
          requestId: event.RequestId,
          sent: 'nothing',
          reason: QUALIFIED_INVOCATION,
        });
      });
    });

    test('the reason says the handler serves only its unqualified function, as CloudFormation invokes it', () => {
      expect(QUALIFIED_INVOCATION).toBe(
        'The function was invoked through a version or alias (a qualified ARN), whose resource policy is not the one that ' +
          'says who may invoke the handler: it serves only its unqualified function, as CloudFormation invokes it (the ' +
          'ServiceToken). Nothing was sent to FinSpace, and nothing was answered.',
      );
    });

    test.each([
      ['the function ARN, as CloudFormation invokes it', FUNCTION_ARN],
      ['no invokedFunctionArn (a local run)', undefined],
    ])('invoked with %s, the request is served', async (_name, invokedFunctionArn) => {
      const { key, event } = h.event(REQUESTS[2][1]);
      await newLambdaHandler()(event, { ...lambdaContext(), ...(invokedFunctionArn ? { invokedFunctionArn } : {}) });
      expect(h.receiver.response(key)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TARGET_USER_ID });
      expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('DISABLED');
    });
  });

  describe('the audit line, after the answer', () => {
    const lines = () => h.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const auditLines = () => lines().filter((line) => line.audit === 'FinSpaceUserSettings');

    test('a rejected answer PUT is retried until CloudFormation accepts it; the audit line comes after the retries, delivered', async () => {
      h.receiver.failNext(2);
      const { response } = await h.invoke(newHandler(), { requestType: 'Create', properties: analystProperties() });
      expect(response.Status).toBe('SUCCESS');
      expect(lines().map((line) => [line.level, line.message])).toEqual([
        ['WARN', 'answer to CloudFormation not accepted'],
        ['WARN', 'answer to CloudFormation not accepted'],
        ['INFO', 'request answered'],
      ]);
      expect(auditLines()).toEqual([expect.objectContaining({ outcome: 'SUCCESS', delivered: true, physicalResourceId: TARGET_USER_ID })]);
    });

    test('an answer CloudFormation never accepted: the one audit line says so, at ERROR even for a SUCCESS', async () => {
      h.receiver.failNext(1000);
      const { key, event } = h.event({ requestType: 'Create', properties: analystProperties() });
      await newHandler()(event, lambdaContext());
      expect(h.receiver.response(key)).toBeUndefined();
      expect(lines().at(-1)).toEqual(
        expect.objectContaining({
          level: 'ERROR',
          message: 'request answered, but CloudFormation did not accept the answer',
          outcome: 'SUCCESS',
          delivered: false,
        }),
      );
      expect(auditLines()).toHaveLength(1);
      // The answer was given up on before the line was written.
      const gaveUp = lines().findIndex((line) => line.message === 'could not deliver the answer to CloudFormation');
      expect(gaveUp).toBeGreaterThanOrEqual(0);
      expect(gaveUp).toBeLessThan(lines().length - 1);
    });

    test("an answer PUT still going at the Lambda's end: the audit line is written just before it, not delivered", async () => {
      // A ResponseURL host that takes the PUT and never answers, with the real answer policy (a first attempt of 1 s at least).
      const stalled: http.ServerResponse[] = [];
      await withServer(
        (_req, res) => void stalled.push(res),
        async (origin) => {
          const handler = newHandler({ answerRetryPolicy: ANSWER_RETRY_POLICY, responseUrls: { standIn: origin } });
          const { event } = h.event({ requestType: 'Create', properties: analystProperties() });
          const remainingMs = 600;
          const started = Date.now();
          await handler({ ...event, ResponseURL: `${origin}/answer?X-Amz-Signature=1` }, lambdaContext(remainingMs));
          const elapsed = Date.now() - started;
          // At the end less AUDIT_RESERVE_MS (a busy test machine's timers may fire a little late), not after the PUT's
          // attempt (1 s at least), as it would if the line waited for the PUT.
          expect(elapsed).toBeGreaterThanOrEqual(remainingMs - AUDIT_RESERVE_MS - 30);
          expect(elapsed).toBeLessThan(remainingMs + 350);
          expect(stalled).toHaveLength(1);
          expect(auditLines()).toEqual([expect.objectContaining({ outcome: 'SUCCESS', delivered: false, level: 'ERROR' })]);
        },
      );
      // The abandoned PUT ends (its connection closed) and gives up; it writes no second audit line.
      for (let i = 0; i < 100 && !lines().some((line) => line.message === 'could not deliver the answer to CloudFormation'); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(auditLines()).toHaveLength(1);
    });
  });
});

describe('when the FinSpace calls misbehave, or its own code fails', () => {
  const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1';
  const STREAM = '2026/12/02/[$LATEST]0123456789abcdef';
  /** A handler bound to STACK that answers the receiver, as the construct and the local runner set one up. */
  const bound = (options: HandlerOptions = {}) =>
    createHandler({ stackId: STACK, responseUrls: { standIn: receiverOrigin(currentReceiver()) }, ...options });

  const { receiver: currentReceiver, consoleSpies } = receiverEachTest();
  const event = (key: string) => createEvent(currentReceiver(), key, STACK);

  test('work that hangs is answered FAILED by the timeout guard before the Lambda would end', async () => {
    const hanging = { updateUser: () => new Promise(() => undefined) } as unknown as FinSpaceAccess;
    const handler = bound({ access: hanging });
    const remainingMs = 1500;
    const started = Date.now();
    await handler(event('hang'), lambdaContext(remainingMs));
    expect(Date.now() - started).toBeLessThan(remainingMs);
    const response = currentReceiver().response('hang');
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toContain('did not finish before the handler had to answer');
    // The UpdateUser was in flight, so it may take effect: the user is the physical id, for the rollback's onDelete.
    expect(response?.PhysicalResourceId).toBe(analystProperties().userId);
  });

  test('a crash inside the work is answered FAILED with its message', async () => {
    const crashing = {
      updateUser: () => {
        throw new TypeError('Cannot read properties of undefined');
      },
    } as unknown as FinSpaceAccess;
    await bound({ access: crashing })(event('crash'), lambdaContext(10_000));
    expect(currentReceiver().response('crash')).toMatchObject({
      Status: 'FAILED',
      // A crash's message is outside text: its model words show, the rest does not.
      Reason: expect.stringContaining('Cannot read [?] of [?]'),
    });
  });

  test('an event that is not a CloudFormation request is answered FAILED when it has a ResponseURL, and ignored otherwise', async () => {
    const handler = bound();
    await handler({ ResponseURL: currentReceiver().url('junk'), RequestType: 'Create' }, lambdaContext(5000));
    expect(currentReceiver().response('junk')?.Reason).toMatch(/lacks StackId, RequestId, LogicalResourceId, ResourceType/);
    // What it lacks is answered empty: CloudFormation matches the answer to nothing, and the request times out there.
    expect(currentReceiver().response('junk')).toMatchObject({ StackId: '', RequestId: '', LogicalResourceId: '' });
    await expect(handler('not an event', lambdaContext(5000))).resolves.toBeUndefined();
    await expect(handler(null, lambdaContext(5000))).resolves.toBeUndefined();
  });

  const crashing = {
    updateUser: () => {
      throw new Error('FinSpace said no');
    },
  } as unknown as FinSpaceAccess;

  const auditLines = () =>
    consoleSpies()
      .flatMap((spy) => spy.mock.calls.map((call) => JSON.parse(String(call[0])) as Record<string, unknown>))
      .filter((record) => record.audit !== undefined);

  const handler = () => bound({ access: crashing });

  /** A Lambda context whose logStreamName throws `error` the first `times` times it is read. */
  function contextThrowing(error: unknown, times: number) {
    let reads = 0;
    const context = lambdaContext(10_000);
    return Object.defineProperty(context, 'logStreamName', {
      get: () => {
        if (++reads <= times) throw error;
        return STREAM;
      },
    });
  }

  test('a bug while building the answer: answered FAILED as unexpected, with the error and what to do, and one audit line', async () => {
    await handler()(event('once'), contextThrowing(new Error('the getter broke'), 1));
    expect(currentReceiver().response('once')).toMatchObject({
      Status: 'FAILED',
      Reason: `The handler failed unexpectedly: the [?]. Retry the deployment; report it if it persists. (log stream ${STREAM})`,
      // Its UpdateUser was sent and its outcome is not known: the user, for the rollback's onDelete.
      PhysicalResourceId: analystProperties().userId,
      StackId: STACK,
      RequestId: 'req-1',
      LogicalResourceId: 'Analyst',
    });
    expect(auditLines()).toHaveLength(1);
    // The same bug while refusing a request (no lifecycle started): answered too, with the failed Create's marker.
    const refused = { ...event('refused'), StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/2' };
    await handler()(refused, contextThrowing(new Error('the getter broke'), 1));
    expect(currentReceiver().response('refused')).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/^The handler failed unexpectedly/),
      PhysicalResourceId: expect.stringMatching(/^finspace-user-settings:create-failed:/),
    });
  });

  test.each([
    ['an error named in letters', Object.assign(new Error('x'), { name: 'TypeError' }), 'TypeError'],
    ['a name with other characters', Object.assign(new Error('x'), { name: 'Type-Error' }), 'unknown error'],
    ['a name that starts with a digit', Object.assign(new Error('x'), { name: '9Lives' }), 'unknown error'],
    ['a name longer than 64 letters', Object.assign(new Error('x'), { name: 'E'.repeat(65) }), 'unknown error'],
    ['a thrown string', 'boom', 'string'],
  ])('a bug even in answering (%s): no answer, still one audit line naming only the kind of error', async (_case, error, shown) => {
    await expect(handler()(event('always'), contextThrowing(error, Infinity))).resolves.toBeUndefined();
    expect(currentReceiver().response('always')).toBeUndefined();
    const audit = auditLines();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      outcome: 'FAILED',
      delivered: false,
      reason: `The handler failed unexpectedly (${shown}); report it.`,
    });
  });

  test('a bug before the request is even read: the handler still resolves, with no audit line to write', async () => {
    const context = Object.defineProperty(lambdaContext(10_000), 'getRemainingTimeInMillis', {
      get: () => {
        throw new Error('no clock');
      },
    });
    await expect(handler()(event('early'), context)).resolves.toBeUndefined();
    expect(auditLines()).toEqual([]);
  });

  test.each([
    ['no Lambda context at all', undefined],
    ['a context without a clock or a log stream', {}],
  ])('run outside Lambda (%s): answered within a 3-second budget, with no log stream named', async (_case, context) => {
    const started = Date.now();
    await handler()(event('local'), context as never);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(currentReceiver().response('local')).toMatchObject({ Status: 'FAILED', Reason: 'FinSpace [?]' });
  });
});
