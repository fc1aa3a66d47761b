/**
 * The request, read once: what is quoted of it, the names it sets, and whom the handler serves (only its own stack's
 * Custom::FinSpaceUserSettings; anything else is answered FAILED, saying what to do, with no FinSpace call).
 */
import { RESOURCE_TYPE, STACK_ID_ENV } from '../../lib/handler-contract';
import { CREATE_FAILED_PREFIX } from '../../lambda/lifecycle';
import { InvalidPropertiesError } from '../../lambda/properties';
import { bindingProblem, readRequest, shortened, type RequestChecks } from '../../lambda/request';
import { responseUrlRules } from '../../lambda/response-url';
import { analystProperties, Harness, newHandler, STACK_ID, TARGET_USER_ID, type EventInit } from '../support/harness';
import { asDeployed } from '../support/deployed-environment';

const CHECKS: RequestChecks = {
  invokedQualified: false,
  responseUrls: responseUrlRules({ standIn: 'http://127.0.0.1:1' }),
  stackId: 'arn:aws:cloudformation:us-east-1:1:stack/S/1',
  now: Date.now(),
};
const ENVELOPE = {
  RequestType: 'Update',
  ResponseURL: 'http://127.0.0.1:1/answer',
  StackId: CHECKS.stackId,
  RequestId: 'r1',
  LogicalResourceId: 'Analyst',
  ResourceType: RESOURCE_TYPE,
  PhysicalResourceId: 'u1',
};

test('a value is quoted whole up to 128 code points, cut after them with a mark', () => {
  expect(shortened('a'.repeat(128))).toBe('a'.repeat(128));
  expect(shortened('a'.repeat(129))).toBe(`${'a'.repeat(128)}…`);
  expect(shortened('\u{1F600}'.repeat(600))).toBe(`${'\u{1F600}'.repeat(128)}…`);
});

test('a handler that does not know its stack says so, what sets it, and that nothing was changed', () => {
  expect(bindingProblem({ ResourceType: RESOURCE_TYPE, StackId: 'arn:aws:cloudformation:us-east-1:1:stack/S/1' }, undefined)).toBe(
    `This handler does not know which stack it serves: its environment variable ${STACK_ID_ENV} is not set, and it answers only ` +
      "the requests of its own stack. Deploy it with the FinSpaceUserSettingsProvider construct, which sets it to the stack's id " +
      '(Ref AWS::StackId). Nothing was changed in FinSpace.',
  );
});

test('new and old properties are parsed once, into the request the lifecycle gets; the envelope keeps only strings', () => {
  const read = readRequest(
    {
      ...ENVELOPE,
      ServiceToken: { toString: () => 'x' },
      ResourceProperties: { environmentId: 'env2', userId: 'u1', apiAccess: 'ENABLED' },
      OldResourceProperties: { environmentId: 'env1', userId: 'u1', type: 'ROOT' },
    },
    CHECKS,
  );
  expect(read.request).toEqual({
    requestType: 'Update',
    stackId: CHECKS.stackId,
    requestId: 'r1',
    logicalResourceId: 'Analyst',
    physicalResourceId: 'u1',
    properties: { environmentId: 'env2', userId: 'u1', settings: { apiAccess: 'ENABLED' }, onDelete: undefined },
    oldProperties: expect.any(InvalidPropertiesError),
  });
  expect([read.environmentId, read.userId]).toEqual(['env2', 'u1']);
  const odd = readRequest({ ...ENVELOPE, RequestId: 7, ResourceProperties: { environmentId: 42, userId: ['u1'] } }, CHECKS);
  expect([odd.envelope.RequestId, odd.environmentId, odd.userId, odd.request]).toEqual([undefined, undefined, undefined, undefined]);
  expect(odd.refused).toBe('The request lacks RequestId; it is not a CloudFormation custom-resource request.');
  expect(readRequest('not an event', CHECKS)).toMatchObject({ envelope: {}, ignored: expect.stringMatching(/has no ResponseURL/) });
});

test('the names of the request: first and last, new and old, and onDelete, by word, in NFKC and lower case', () => {
  const { nameWords } = readRequest(
    {
      ResourceProperties: { firstName: 'Mary Ann', lastName: 'ＯＢＲＩＥＮ', onDelete: { firstName: 'Grant' } },
      OldResourceProperties: { lastName: "O'Hara", firstName: 7, onDelete: 'x' },
    },
    CHECKS,
  );
  expect([...nameWords].sort()).toEqual(['ann', 'grant', 'hara', 'mary', 'o', 'obrien']);
  expect(readRequest({ ResourceProperties: 'x' }, CHECKS).nameWords.size).toBe(0);
});

const OTHER_STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/2b1e0c40-0000-11ef-0000-000000000000';
const onDelete = analystProperties({ onDelete: { apiAccess: 'DISABLED' } });
const REQUESTS: Array<[string, EventInit]> = [
  ['Create', { requestType: 'Create', properties: onDelete }],
  ['Update', { requestType: 'Update', physicalResourceId: TARGET_USER_ID, properties: onDelete, oldProperties: onDelete }],
  ['Delete with onDelete', { requestType: 'Delete', physicalResourceId: TARGET_USER_ID, properties: onDelete }],
  ['Delete after a failed Create', { requestType: 'Delete', physicalResourceId: `${CREATE_FAILED_PREFIX}r0`, properties: onDelete }],
];

describe("only its own stack's resources", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    asDeployed(h);
  });
  afterEach(() => h.close());

  async function invoke(init: EventInit, override: Record<string, unknown>, handler = newHandler()) {
    const { key, event } = h.event(init);
    return h.invokeEvent(handler, key, { ...event, ...override });
  }

  test.each(REQUESTS)('a %s from another stack is answered FAILED, saying what to do, with no FinSpace call', async (_name, init) => {
    const { response } = await invoke(init, { StackId: OTHER_STACK });
    expect(response).toMatchObject({ Status: 'FAILED', StackId: OTHER_STACK });
    expect(response.Reason).toContain(
      `This handler serves only the custom resources of stack "${STACK_ID}", but the request comes from stack "${OTHER_STACK}": ` +
        "a custom resource of another stack names this handler's function as its ServiceToken. Give that stack its own FinSpaceUserSettingsProvider",
    );
    expect(response.Reason).toContain('Nothing was changed in FinSpace');
    expect(response.Reason).toContain('continue-update-rollback --resources-to-skip');
    expect(response.PhysicalResourceId).toEqual(
      init.requestType === 'Create' ? expect.stringMatching(/^finspace-user-settings:create-failed:/) : init.physicalResourceId,
    );
    expect(h.emulator.requests).toHaveLength(0);
    expect(JSON.parse(h.logs[0])).toMatchObject({ stackId: OTHER_STACK, outcome: 'FAILED', sent: 'nothing' });
  });

  test('the StackId must be the same string: another case, a prefix or a suffix of it is another stack', async () => {
    for (const StackId of [STACK_ID.toUpperCase(), STACK_ID.slice(0, -1), `${STACK_ID}/`, `${STACK_ID} `]) {
      expect((await invoke(REQUESTS[0][1], { StackId })).response.Status).toBe('FAILED');
    }
    expect(h.emulator.requests).toHaveLength(0);
    expect((await invoke(REQUESTS[0][1], {})).response.Status).toBe('SUCCESS');
  });

  test.each(['AWS::CloudFormation::CustomResource', 'Custom::Other', 'Custom::finspaceusersettings'])(
    'a request for ResourceType %s is answered FAILED with no FinSpace call',
    async (ResourceType) => {
      const { response } = await invoke(REQUESTS[0][1], { ResourceType });
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toContain(
        `This handler serves only resources of type Custom::FinSpaceUserSettings, but the request is for "${ResourceType}". Use the FinSpaceUserSettings construct`,
      );
      expect(h.emulator.requests).toHaveLength(0);
    },
  );

  test('a handler whose environment does not name its stack refuses every request, naming the variable and what sets it', async () => {
    delete process.env[STACK_ID_ENV];
    for (const [, init] of REQUESTS) {
      const { response } = await invoke(init, {});
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toContain(
        `This handler does not know which stack it serves: its environment variable ${STACK_ID_ENV} is not set, and it answers only the requests of its own stack. Deploy it with the FinSpaceUserSettingsProvider construct`,
      );
    }
    expect(h.emulator.requests).toHaveLength(0);
  });

  test("createHandler's stackId option names the stack instead of the environment (an empty one names none)", async () => {
    process.env[STACK_ID_ENV] = OTHER_STACK;
    expect((await invoke(REQUESTS[0][1], {}, newHandler({ stackId: STACK_ID }))).response.Status).toBe('SUCCESS');
    expect((await invoke(REQUESTS[0][1], {}, newHandler())).response.Reason).toContain('comes from stack');
    expect((await invoke(REQUESTS[0][1], {}, newHandler({ stackId: '' }))).response.Reason).toContain(
      'does not know which stack it serves',
    );
  });

  test("a forged request's long fields are cut short in the reason and in the audit line", async () => {
    const { response } = await invoke(REQUESTS[0][1], { StackId: `arn:${'x'.repeat(1000)}` });
    expect(response.Reason).toContain(`comes from stack "arn:${'x'.repeat(124)}…"`);
    expect(h.logs).toHaveLength(1);
    expect(Buffer.byteLength(h.logs[0])).toBeLessThanOrEqual(4096);
  });
});
