/**
 * Bad input at deploy time, against the handler (in-process): properties that break the rules once resolved, events
 * with missing, extra or mistyped fields, an unknown RequestType, another stack's or another resource type's request,
 * and bad answers from the service. Each ends FAILED with a clear reason, without calling UpdateUser when the input
 * itself was invalid, and nothing throws out of the handler unanswered. Events with no ResponseURL, or one that is not
 * CloudFormation's, are dropped without sending anything anywhere. The counts must match the README's Guarantees table.
 */
import * as net from 'node:net';
import { GUARANTEES } from './guarantees';
import { analystProperties, ENVIRONMENT_ID, Harness, newHandler, TARGET_USER_ID, type Handler } from '../support/harness';
import { asDeployed } from '../support/deployed-environment';

let h: Harness;
let handler: Handler;
beforeAll(async () => {
  h = await Harness.start();
  asDeployed(h);
  handler = newHandler();
});
afterAll(() => h.close());

const OTHER_STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/1';

type Mutation = (event: Record<string, unknown>) => Record<string, unknown>;
const withProps =
  (overrides: Record<string, unknown>): Mutation =>
  (e) => ({ ...e, ResourceProperties: { ...(e.ResourceProperties as object), ...overrides } });
const without =
  (...keys: string[]): Mutation =>
  (e) =>
    Object.fromEntries(Object.entries(e).filter(([k]) => !keys.includes(k)));

/** [name, how the event is broken, what the reason must say] — all invalid input: UpdateUser must not be called. */
const INVALID: Array<[string, Mutation, RegExp]> = [
  ['userId of 27 characters', withProps({ userId: 'u'.repeat(27) }), /userId "u{27}" has 27 characters/],
  ['blank userId', withProps({ userId: '   ' }), /userId " {3}" is blank/],
  ['empty environmentId', withProps({ environmentId: '' }), /environmentId "" has 0 characters/],
  ['environmentId of 27 characters', withProps({ environmentId: 'e'.repeat(27) }), /environmentId .* has 27 characters/],
  [
    'firstName of 51 characters',
    withProps({ firstName: 'F'.repeat(51) }),
    /firstName \(value hidden: the model marks it sensitive\) has 51 characters/,
  ],
  ['blank lastName', withProps({ lastName: '\t' }), /lastName \(value hidden: the model marks it sensitive\) is blank/],
  ['unknown type', withProps({ type: 'ROOT' }), /type "ROOT" is not an allowed value; FinSpace requires one of SUPER_USER, APP_USER/],
  ['unknown apiAccess', withProps({ apiAccess: 'true' }), /apiAccess "true" is not an allowed value/],
  [
    'IAM user as principal',
    withProps({ apiAccessPrincipalArn: 'arn:aws:iam::123456789012:user/bob' }),
    /apiAccessPrincipalArn .* does not match the pattern/,
  ],
  ['a number for userId', withProps({ userId: 12 }), /userId must be a string, but got a number/],
  ['bad onDelete setting', withProps({ onDelete: { apiAccess: 'NO' } }), /onDelete\.apiAccess "NO" is not an allowed value/],
  ['onDelete not an object', withProps({ onDelete: 'DISABLED' }), /onDelete must be an object/],
  ['unknown onDelete key', withProps({ onDelete: { email: 'x' } }), /Unknown onDelete properties "email"/],
  ['extra property', withProps({ emailAddress: 'a@b.c' }), /Unknown properties "emailAddress"/],
  ['missing userId', (e) => ({ ...e, ResourceProperties: { environmentId: ENVIRONMENT_ID } }), /userId is required/],
  ['missing environmentId', (e) => ({ ...e, ResourceProperties: { userId: TARGET_USER_ID } }), /environmentId is required/],
  ['missing ResourceProperties', without('ResourceProperties'), /lacks ResourceProperties/],
  ['ResourceProperties not an object', (e) => ({ ...e, ResourceProperties: 'x' }), /lacks ResourceProperties/],
  ['missing StackId', without('StackId'), /lacks StackId/],
  ['missing RequestId and LogicalResourceId', without('RequestId', 'LogicalResourceId'), /lacks RequestId, LogicalResourceId/],
  ['missing ResourceType', without('ResourceType'), /lacks ResourceType/],
  ['unknown RequestType', (e) => ({ ...e, RequestType: 'Replace' }), /Unknown RequestType "Replace"/],
  ['RequestType in lower case', (e) => ({ ...e, RequestType: 'create' }), /Unknown RequestType "create"/],
  [
    'Update without PhysicalResourceId',
    (e) => ({ ...e, RequestType: 'Update', OldResourceProperties: {} }),
    /must carry PhysicalResourceId/,
  ],
  [
    'Update without OldResourceProperties',
    (e) => ({ ...e, RequestType: 'Update', PhysicalResourceId: TARGET_USER_ID }),
    /must carry OldResourceProperties/,
  ],
  ['a field that is an object with its own toString', (e) => ({ ...e, RequestId: { toString: 1 } }), /lacks RequestId/],
  [
    'StackId of another stack',
    (e) => ({ ...e, StackId: OTHER_STACK }),
    /serves only the custom resources of stack "arn:.*\/Example\/.*", but the request comes from stack ".*\/Other\/1".*Give that stack its own FinSpaceUserSettingsProvider/,
  ],
  [
    'a Delete with onDelete from another stack',
    (e) => ({
      ...e,
      StackId: OTHER_STACK,
      RequestType: 'Delete',
      PhysicalResourceId: TARGET_USER_ID,
      ResourceProperties: { ...(e.ResourceProperties as object), onDelete: { apiAccess: 'DISABLED' } },
    }),
    /another stack names this handler's function as its ServiceToken/,
  ],
  [
    'ResourceType of another custom resource',
    (e) => ({ ...e, ResourceType: 'AWS::CloudFormation::CustomResource' }),
    /serves only resources of type Custom::FinSpaceUserSettings, but the request is for "AWS::CloudFormation::CustomResource"/,
  ],
];

const tried = { invalidInputs: 0, badServiceAnswers: 0, unanswerableEvents: 0 };

test.each(INVALID)('%s: FAILED with a clear reason, no UpdateUser', async (_name, mutate, reason) => {
  tried.invalidInputs++;
  const before = h.emulator.count('UpdateUser');
  const { key, event } = h.event({ requestType: 'Create', properties: analystProperties() });
  await expect(
    handler(mutate(event as unknown as Record<string, unknown>), { getRemainingTimeInMillis: () => 10_000 }),
  ).resolves.toBeUndefined();
  const response = h.receiver.response(key);
  expect(response?.Status).toBe('FAILED');
  expect(response?.Reason).toMatch(reason);
  expect(h.emulator.count('UpdateUser')).toBe(before);
});

test.each<[string, string, RegExp]>([
  ['malformed JSON', '{"userId": "u', /answered HTTP 200 with a body that is not a JSON object/],
  ['a JSON array', '[]', /not a JSON object/],
  ['200 with no userId', '{}', /answered success without a userId/],
  ['200 with an empty userId', '{"userId": ""}', /answered success without a userId/],
])('the service answers %s: FAILED with a clear reason', async (_name, rawBody, reason) => {
  tried.badServiceAnswers++;
  h.emulator.injectFault({ operation: 'UpdateUser', rawBody });
  const { key, event } = h.event({ requestType: 'Create', properties: analystProperties() });
  await expect(handler(event, { getRemainingTimeInMillis: () => 10_000 })).resolves.toBeUndefined();
  expect(h.receiver.response(key)).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(reason) });
});

test("events that cannot be answered (no ResponseURL, one not CloudFormation's, not an object, through a version or alias) are logged and dropped, nothing sent, never thrown", async () => {
  const { event } = h.event({ requestType: 'Create', properties: analystProperties() });
  const forged = [
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'https://evil.example.com/answer',
    'https://x.amazonaws.com.evil.com/answer',
    'http://bucket.s3.amazonaws.com/answer',
    'file:///etc/passwd',
    { toString: 1 },
    // Under the AWS domain, but not CloudFormation's response bucket: an attacker's bucket, an API, a port.
    'https://attacker-bucket.s3.amazonaws.com/answer',
    'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/answer',
    'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com:8443/answer',
  ].map((ResponseURL) => ({ ...event, ResponseURL }));
  const context = { getRemainingTimeInMillis: () => 10_000 };
  const throughQualifier = ['$LATEST', 'live'].map((qualifier) => ({
    ...context,
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:handler:${qualifier}`,
  }));
  const connect = jest.spyOn(net.Socket.prototype, 'connect');
  const calls = h.emulator.requests.length;
  try {
    for (const junk of [undefined, null, 42, 'Create', [], { RequestType: 'Create' }, ...forged]) {
      tried.unanswerableEvents++;
      await expect(handler(junk, context)).resolves.toBeUndefined();
    }
    // A well-formed event of the stack, with CloudFormation's ResponseURL, invoked through a version or alias.
    for (const qualified of throughQualifier) {
      tried.unanswerableEvents++;
      await expect(handler(event, qualified)).resolves.toBeUndefined();
    }
    expect(connect).not.toHaveBeenCalled();
    expect(h.emulator.requests).toHaveLength(calls);
  } finally {
    connect.mockRestore();
  }
  expect(h.receiver.puts.filter((p) => p.body.includes(event.RequestId))).toHaveLength(0);
});

test("the counts are the README's: invalid inputs that never reached UpdateUser, bad service answers, unanswerable events", () => {
  expect(tried).toEqual(GUARANTEES.deploy);
});
