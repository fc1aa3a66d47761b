/**
 * The handler serves only its own stack's Custom::FinSpaceUserSettings: a request with another StackId (a custom
 * resource of another stack naming this function as its ServiceToken), another ResourceType, or to a handler that does
 * not know its stack is answered FAILED, with a reason that says what to do, and no FinSpace call.
 */
import { STACK_ID_ENV } from '../../lib/handler-contract';
import { CREATE_FAILED_PREFIX } from '../../lambda/lifecycle';
import { analystProperties, Harness, newHandler, STACK_ID, TARGET_USER_ID, type EventInit } from '../support/harness';
import { asDeployed } from '../support/deployed-environment';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
  asDeployed(h);
});
afterEach(() => h.close());

const OTHER_STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/2b1e0c40-0000-11ef-0000-000000000000';
const onDelete = analystProperties({ onDelete: { apiAccess: 'DISABLED' } });
const REQUESTS: Array<[string, EventInit]> = [
  ['Create', { requestType: 'Create', properties: onDelete }],
  ['Update', { requestType: 'Update', physicalResourceId: TARGET_USER_ID, properties: onDelete, oldProperties: onDelete }],
  ['Delete with onDelete', { requestType: 'Delete', physicalResourceId: TARGET_USER_ID, properties: onDelete }],
  ['Delete after a failed Create', { requestType: 'Delete', physicalResourceId: `${CREATE_FAILED_PREFIX}r0`, properties: onDelete }],
];

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
  expect((await invoke(REQUESTS[0][1], {}, newHandler({ stackId: '' }))).response.Reason).toContain('does not know which stack it serves');
});

test("a forged request's long fields are cut short in the reason and in the audit line", async () => {
  const { response } = await invoke(REQUESTS[0][1], { StackId: `arn:${'x'.repeat(1000)}` });
  expect(response.Reason).toContain(`comes from stack "arn:${'x'.repeat(124)}…"`);
  expect(h.logs).toHaveLength(1);
  expect(Buffer.byteLength(h.logs[0])).toBeLessThanOrEqual(4096);
});
