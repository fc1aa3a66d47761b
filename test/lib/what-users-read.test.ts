/**
 * What a user reads of a synthesized provider, word for word: the statement ids their policies and cdk-nag reports
 * show, the descriptions the console shows, the warnings (by the id that acknowledges them, with what to do) and the
 * errors (with what to do). Each is a promise: a Sid an SCP or a report refers to, an id in an acknowledgement.
 */
import { App, CfnParameter, Lazy, LegacyStackSynthesizer, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { FinSpaceUserSettings, FinSpaceUserSettingsProvider } from '../../lib';
import { checkField, ROLE_ARN_PATTERN } from '../../lib/finspace-rules';

const ACCOUNT = '123456789012';
const newStack = (id = 'Stack') => new Stack(new App(), id, { env: { account: ACCOUNT, region: 'us-east-1' } });
const warnings = (stack: Stack) =>
  Annotations.fromStack(stack)
    .findWarning('*', Match.anyValue())
    .map((w) => String(w.entry.data));

test('the statement ids: the credentials grant, the VPC network interfaces, and the three SCP statements', () => {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
  const provider = FinSpaceUserSettingsProvider.getOrCreate(stack, { vpc });
  const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0];
  expect(policy.Properties.PolicyDocument.Statement.map((s: { Sid?: string }) => s.Sid)).toEqual([
    'GetFinSpaceProgrammaticAccessCredentials',
    'LambdaVpcNetworkInterfaces',
    undefined, // the log group's grant, CDK's own
  ]);
  expect(provider.serviceControlPolicyStatements().map((s) => s.sid)).toEqual([
    'FinSpaceUserSettingsHandlerOnlyForItsDeployer',
    'FinSpaceUserSettingsHandlerRoleOnlyForItsDeployer',
    'FinSpaceUserSettingsHandlerTagOnlyForItsDeployer',
  ]);
});

test('the descriptions the console shows: the function and its role say what they do', () => {
  const stack = newStack();
  FinSpaceUserSettingsProvider.getOrCreate(stack);
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::Lambda::Function', {
    Description: 'Applies FinSpace user settings (FinSpace Data UpdateUser) for Custom::FinSpaceUserSettings',
  });
  template.hasResourceProperties('AWS::IAM::Role', {
    Description: 'Applies FinSpace user settings; register it in FinSpace as the API access principal of a user who may manage users',
  });
});

test('invokeProtection off: a warning that says what to do, acknowledged by its id', () => {
  const stack = newStack();
  FinSpaceUserSettingsProvider.getOrCreate(stack, { invokeProtection: false });
  expect(warnings(stack)).toContain(
    "invokeProtection is off: any principal your IAM policies allow lambda:InvokeFunction on the handler can make it change FinSpace users' settings. " +
      'Guard the function yourself (see the README, Threat model), or remove invokeProtection: false. ' +
      '[ack: finspace-user-settings:InvokeProtectionOff]',
  );
});

test('a handler role passed in needs no tag: no warning when the statements are asked for (they match it by its ARN)', () => {
  const stack = newStack();
  const role = iam.Role.fromRoleArn(stack, 'HandlerRole', `arn:aws:iam::${ACCOUNT}:role/finspace-handler`);
  FinSpaceUserSettingsProvider.getOrCreate(stack, { role }).serviceControlPolicyStatements();
  expect(warnings(stack).filter((w) => /\btag\b|HandlerRole/.test(w))).toEqual([]);
});

test('the end-of-support warning: once per stack, acknowledged by its id', () => {
  const stack = newStack();
  new FinSpaceUserSettings(stack, 'A', { environmentId: 'env1', userId: 'u1' });
  new FinSpaceUserSettings(stack, 'B', { environmentId: 'env1', userId: 'u2' });
  const endOfSupport = warnings(stack).filter((w) => w.endsWith('[ack: finspace-user-settings:FinSpaceEndOfSupport]'));
  expect(endOfSupport).toHaveLength(1);
  expect(FinSpaceUserSettings.END_OF_SUPPORT_WARNING_ID).toBe('finspace-user-settings:FinSpaceEndOfSupport');
});

test('statements asked for with no deploying role: the whole error, with what to pass', () => {
  const stack = new Stack(new App(), 'Open', { synthesizer: new LegacyStackSynthesizer() });
  const provider = FinSpaceUserSettingsProvider.getOrCreate(stack, { invokeProtection: false });
  expect(() => provider.serviceControlPolicyStatements()).toThrow(
    new Error(
      'Open/FinSpaceUserSettingsProvider: the provider has no deploying role to leave the handler to (invokeProtection is off and no ' +
        'cloudFormationExecutionRole is given), so service control policy statements would lock everyone out. ' +
        'Pass cloudFormationExecutionRole: the role CloudFormation deploys the stack with.',
    ),
  );
});

describe('responseUrlStandIn: an origin (scheme://host[:port], http or https), or a token', () => {
  const provider = (responseUrlStandIn: string) => () =>
    FinSpaceUserSettingsProvider.getOrCreate(newStack(), { responseUrlStandIn, invokeProtection: false });
  test.each(['http://localhost:4566', 'https://stand-in.example', 'http://127.0.0.1:8080'])('%s is accepted', (origin) => {
    expect(provider(origin)).not.toThrow();
  });
  test.each(['http://localhost:4566/', 'ftp://localhost', 'localhost:4566', 'not a url', 'http://localhost:4566/path'])(
    '%s is refused, saying what an origin is',
    (value) => {
      expect(provider(value)).toThrow(
        new Error(
          `Stack/FinSpaceUserSettingsProvider: responseUrlStandIn ${JSON.stringify(value)} is not an origin; it must be scheme://host[:port] ` +
            '(http or https, no path or trailing slash), such as http://localhost:4566 for LocalStack.',
        ),
      );
    },
  );
  test('a token is left to deploy time', () => {
    const stack = newStack();
    const standIn = new CfnParameter(stack, 'StandIn').valueAsString;
    expect(() => FinSpaceUserSettingsProvider.getOrCreate(stack, { responseUrlStandIn: standIn, invokeProtection: false })).not.toThrow();
  });
});

test('getOrCreate again with null props (a binding may pass it) returns the provider that exists', () => {
  const stack = newStack();
  const first = FinSpaceUserSettingsProvider.getOrCreate(stack);
  expect(FinSpaceUserSettingsProvider.getOrCreate(stack, null as never)).toBe(first);
});

test("the function's environment: the variables the handler reads, by name", () => {
  const stack = newStack();
  FinSpaceUserSettingsProvider.getOrCreate(stack, { responseUrlStandIn: 'http://localhost:4566' });
  const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
  expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual([
    'FINSPACE_HANDLER_RESPONSE_URL_STAND_IN',
    'FINSPACE_HANDLER_ROLE_ARN',
    'FINSPACE_HANDLER_SERVICE_TIMEOUT',
    'FINSPACE_HANDLER_STACK_ID',
    'FINSPACE_HANDLER_URL_SUFFIX',
  ]);
});

test('a FinSpaceUserSettings without environmentId (possible from JavaScript) is refused: it is required', () => {
  const stack = newStack();
  expect(() => new FinSpaceUserSettings(stack, 'NoEnvironment', { userId: 'u1' } as never)).toThrow(/environmentId is required\./);
});

test("the role ARN rule is the FinSpace model's pattern, verbatim", () => {
  expect(ROLE_ARN_PATTERN.source).toBe('^arn:aws[a-z\\-]*:iam::\\d{12}:role\\/?[a-zA-Z_0-9+=,.@\\-_/]+$');
});

test.each([
  [
    'firstName',
    'firstName (value hidden: the model marks it sensitive) is blank (1 whitespace characters); FinSpace requires 1 to 50 characters with at least one non-whitespace character. Give a non-blank name of at most 50 characters, or omit the setting to leave the name unchanged.',
  ],
  [
    'lastName',
    'lastName (value hidden: the model marks it sensitive) is blank (1 whitespace characters); FinSpace requires 1 to 50 characters with at least one non-whitespace character. Give a non-blank name of at most 50 characters, or omit the setting to leave the name unchanged.',
  ],
] as const)('a blank %s: the rule and what to do, word for word', (field, message) => {
  expect(checkField(field, ' ')).toBe(message);
});

test('an apiAccess that is not one of the enum: the rule and what to do, word for word', () => {
  expect(checkField('apiAccess', 'YES')).toBe(
    'apiAccess "YES" is not an allowed value; FinSpace requires one of ENABLED, DISABLED. Use ApiAccess.ENABLED or ApiAccess.DISABLED.',
  );
});

test('onDelete: null (possible from JavaScript and some bindings) is no onDelete, also with removalPolicy RETAIN', () => {
  const stack = newStack();
  new FinSpaceUserSettings(stack, 'A', { environmentId: 'env1', userId: 'u1', onDelete: null as never });
  new FinSpaceUserSettings(stack, 'B', {
    environmentId: 'env1',
    userId: 'u2',
    onDelete: null as never,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const resources = Object.values(Template.fromStack(stack).findResources('Custom::FinSpaceUserSettings'));
  expect(resources.map((r) => Object.keys(r.Properties).sort())).toEqual([
    ['ServiceTimeout', 'ServiceToken', 'environmentId', 'userId'],
    ['ServiceTimeout', 'ServiceToken', 'environmentId', 'userId'],
  ]);
});

test('a setting that is a token but not a string (possible from JavaScript) is refused: settings are strings', () => {
  const stack = newStack();
  const lazy = Lazy.any({ produce: () => 'u1' }) as unknown as string;
  expect(() => new FinSpaceUserSettings(stack, 'Lazy', { environmentId: 'env1', userId: lazy })).toThrow(
    /userId must be a string, but got an? object/,
  );
});

test('invokeProtection off with a deploying role named: still no resource policy', () => {
  const stack = newStack();
  const cloudFormationExecutionRole = iam.Role.fromRoleArn(stack, 'Deployer', `arn:aws:iam::${ACCOUNT}:role/deploy`);
  FinSpaceUserSettingsProvider.getOrCreate(stack, { invokeProtection: false, cloudFormationExecutionRole });
  expect(Template.fromStack(stack).findResources('AWS::Lambda::ResourcePolicy')).toEqual({});
});

test("the resource policy's Deny names the function itself", () => {
  const stack = newStack();
  const provider = FinSpaceUserSettingsProvider.getOrCreate(stack);
  const policy = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::ResourcePolicy'))[0];
  const fnArn = stack.resolve(provider.function.functionArn);
  expect(policy.Properties.ResourceArn).toEqual(fnArn);
  expect(policy.Properties.PolicyDocument.Statement.map((s: { Resource: unknown }) => s.Resource)).toEqual([fnArn]);
});
