/**
 * The handler serves only its unqualified function, as CloudFormation invokes it (the ServiceToken is the function's
 * ARN). A version or an alias has a resource policy of its own, not the function's Deny, so anyone its policy admits
 * could otherwise make the handler act: an invocation through one (Lambda's context names it in invokedFunctionArn, with
 * a qualifier after the function's name) is ignored, with no FinSpace call and no answer. Without invokedFunctionArn
 * (a local run), the handler serves the request.
 */
import { QUALIFIED_INVOCATION, invokedQualified, type LambdaContext } from '../../lambda/handler';
import { analystProperties, ENVIRONMENT_ID, Harness, lambdaContext, newHandler, TARGET_USER_ID, type EventInit } from '../support/harness';
import { asDeployed } from '../support/deployed-environment';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:FinSpaceUserSettingsHandler';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
  asDeployed(h);
});
afterEach(() => h.close());

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
  expect(invokedQualified({ ...lambdaContext(), invokedFunctionArn: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:f' })).toBe(false);
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
