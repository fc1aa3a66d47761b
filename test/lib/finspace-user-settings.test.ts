/**
 * The construct: the custom resource it synthesizes, its removal policy, the end-of-support warning, and its synth-time
 * validation (every rule of the model rejects a bad concrete value with a message that names the prop, the value unless
 * sensitive, and the rule; tokens are left for the handler to check at deploy time).
 */
import { App, CfnParameter, CfnWaitConditionHandle, Fn, Lazy, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as cdk from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ApiAccess, FinSpaceUserSettings, FinSpaceUserSettingsProvider, FinSpaceUserType, type FinSpaceUserSettingsProps } from '../../lib';
import { ROLE_ARN_ENV, SERVICE_TIMEOUT_ENV } from '../../lib/handler-contract';
import { withRoles } from '../support/role';
import { declareUser, EXAMPLE_ENVIRONMENT_ID as ENV, EXAMPLE_USER_ID as USER, newStack, warnings } from '../support/stacks';

/** Each custom resource's `read`, by the id of the construct that declares it. */
function byConstruct(stack: Stack, read: (resource: ReturnType<Template['findResources']>[string]) => unknown): Record<string, unknown> {
  const resources = Template.fromStack(stack).findResources(FinSpaceUserSettings.RESOURCE_TYPE);
  return Object.fromEntries(Object.entries(resources).map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), read(r)]));
}

describe('the custom resource', () => {
  test('passes the settings through as the custom resource properties, with the API member names', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Analyst', 'arn:aws:iam::123456789012:role/analyst', { mutable: false });
    declareUser(stack, 'Settings', {
      userType: FinSpaceUserType.APP_USER,
      firstName: 'Ada',
      lastName: 'Lovelace',
      apiAccess: ApiAccess.ENABLED,
      apiAccessPrincipal: role,
      onDelete: { apiAccess: ApiAccess.DISABLED },
    });
    Template.fromStack(stack).hasResourceProperties('Custom::FinSpaceUserSettings', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FinSpaceUserSettingsProviderHandler'), 'Arn'] },
      environmentId: ENV,
      userId: USER,
      type: 'APP_USER',
      firstName: 'Ada',
      lastName: 'Lovelace',
      apiAccess: 'ENABLED',
      apiAccessPrincipalArn: 'arn:aws:iam::123456789012:role/analyst',
      onDelete: { apiAccess: 'DISABLED' },
    });
  });

  test('an omitted setting is not in the properties; onDelete: null (possible from JavaScript and some bindings) is no onDelete, also with removalPolicy RETAIN', () => {
    const stack = newStack();
    declareUser(stack, 'Settings', { apiAccess: ApiAccess.DISABLED });
    declareUser(stack, 'A', { userId: 'u1', onDelete: null as never });
    declareUser(stack, 'B', { userId: 'u2', onDelete: null as never, removalPolicy: RemovalPolicy.RETAIN });
    expect(byConstruct(stack, (r) => Object.keys(r.Properties).sort())).toEqual({
      Settings: ['ServiceTimeout', 'ServiceToken', 'apiAccess', 'environmentId', 'userId'],
      A: ['ServiceTimeout', 'ServiceToken', 'environmentId', 'userId'],
      B: ['ServiceTimeout', 'ServiceToken', 'environmentId', 'userId'],
    });
  });

  test('a role imported by ARN, and a role created in the stack (a token)', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    declareUser(stack, 'A', { apiAccessPrincipal: iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/path/analyst') });
    declareUser(stack, 'B', { userId: 'uOther', apiAccessPrincipal: role });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::FinSpaceUserSettings', {
      userId: USER,
      apiAccessPrincipalArn: 'arn:aws:iam::123456789012:role/path/analyst',
    });
    template.hasResourceProperties('Custom::FinSpaceUserSettings', {
      userId: 'uOther',
      apiAccessPrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Role'), 'Arn'] },
    });
  });

  test('userId is an attribute backed by Fn::GetAtt', () => {
    const stack = newStack();
    const settings = declareUser(stack, 'Settings');
    const [logicalId, attribute] = stack.resolve(settings.userId)['Fn::GetAtt'];
    expect(attribute).toBe('userId');
    expect(Object.keys(Template.fromStack(stack).findResources('Custom::FinSpaceUserSettings'))).toEqual([logicalId]);
    expect(settings.environmentId).toBe(ENV);
  });

  test('one handler function however many instances: 50 settings, 1 function, 1 role, 1 log group', () => {
    const stack = newStack();
    for (let i = 0; i < 50; i++) declareUser(stack, `User${i}`, { userId: `user${i}`, apiAccess: ApiAccess.ENABLED });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::FinSpaceUserSettings', 50);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  // Pinned in mutation/pinned-numbers.json (the README's "5 minutes"): keep its title and file.
  test('runtime, JSON logs, log retention, memory, timeout and serviceTimeout', () => {
    const stack = newStack();
    declareUser(stack, 'Settings');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      MemorySize: 128,
      Timeout: 300,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('LogGroup') } },
      Environment: { Variables: { [ROLE_ARN_ENV]: { 'Fn::GetAtt': [Match.stringLikeRegexp('Role'), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    template.hasResourceProperties('Custom::FinSpaceUserSettings', { ServiceTimeout: '360' });
    // The handler knows the ServiceTimeout the construct gives every custom resource, whatever the event says.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [SERVICE_TIMEOUT_ENV]: '360' }) },
    });
  });

  test('a provider of its own, passed as `provider`, with a given log group', () => {
    const stack = newStack();
    const logGroup = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_DAY });
    const provider = new FinSpaceUserSettingsProvider(stack, 'Custom', { logGroup });
    declareUser(stack, 'Settings', { provider });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('Custom::FinSpaceUserSettings', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CustomHandler'), 'Arn'] },
    });
    expect(stack.node.tryFindChild(FinSpaceUserSettingsProvider.DEFAULT_ID)).toBeUndefined();
  });

  test("a provider of another stack is refused at synth: the handler serves only its own stack's requests", () => {
    const app = new App();
    const provider = FinSpaceUserSettingsProvider.getOrCreate(newStack('Other', { app }));
    const stack = newStack('Mine', { app });
    expect(() => declareUser(stack, 'Analyst', { provider })).toThrow(
      "Invalid FinSpaceUserSettings Mine/Analyst: its provider Other/FinSpaceUserSettingsProvider is in another stack, and a handler serves only its own stack's resources " +
        "(it refuses every other stack's request). Use a provider of this stack: leave provider out, or pass one created in it.",
    );
  });
});

describe('removalPolicy', () => {
  test('DESTROY by default; RETAIN keeps the resource, so no Delete reaches the handler', () => {
    const stack = newStack();
    declareUser(stack, 'Kept', { userId: 'u1', removalPolicy: RemovalPolicy.RETAIN });
    declareUser(stack, 'Destroyed', { userId: 'u2', onDelete: { apiAccess: ApiAccess.DISABLED } });
    expect(byConstruct(stack, (r) => [r.DeletionPolicy, r.UpdateReplacePolicy])).toEqual({
      Kept: ['Retain', 'Retain'],
      Destroyed: ['Delete', 'Delete'],
    });
  });

  test.each([
    [
      'RETAIN with onDelete',
      { removalPolicy: RemovalPolicy.RETAIN, onDelete: { apiAccess: ApiAccess.DISABLED } },
      'onDelete cannot apply with removalPolicy RETAIN: CloudFormation sends no Delete for a retained resource. Drop one of the two.',
    ],
    [
      'SNAPSHOT',
      { removalPolicy: RemovalPolicy.SNAPSHOT },
      'removalPolicy snapshot is not supported: a custom resource has no snapshot. Use RemovalPolicy.DESTROY or RemovalPolicy.RETAIN.',
    ],
  ])('%s is rejected with the reason', (_name, props, message) => {
    expect(() => declareUser(newStack(), 'A', props)).toThrow(message);
  });
});

describe('the end-of-support warning', () => {
  const endOfSupport = (stack: Stack) =>
    Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('ended support for Amazon FinSpace'));

  test('appears once per stack that uses the construct, with the dates, whatever the number of instances, acknowledged by its id', () => {
    const app = new App();
    const [a, b, untouched] = ['A', 'B', 'C'].map((id) => newStack(id, { app }));
    new CfnWaitConditionHandle(untouched, 'SomethingElse');
    for (let i = 0; i < 3; i++) declareUser(a, `U${i}`, { userId: `u${i}` });
    declareUser(b, 'U', { userId: 'u' });
    expect(FinSpaceUserSettings.END_OF_SUPPORT_WARNING_ID).toBe('finspace-user-settings:FinSpaceEndOfSupport');
    for (const stack of [a, b]) {
      const found = endOfSupport(stack);
      expect(found).toHaveLength(1);
      expect(found[0].id).toBe(`/${stack.stackName}`);
      const text = String(found[0].entry.data);
      expect(text).toContain('AWS ended support for Amazon FinSpace on 2026-10-07 (no new customers since 2025-10-07)');
      expect(text).toContain('cannot be accessed after that date');
      expect(text).toContain('2024-11-29 (later given as 2025-03-26)');
      expect(text.endsWith(`[ack: ${FinSpaceUserSettings.END_OF_SUPPORT_WARNING_ID}]`)).toBe(true);
      expect(warnings(stack).filter((w) => w.endsWith('[ack: finspace-user-settings:FinSpaceEndOfSupport]'))).toHaveLength(1);
    }
    expect(endOfSupport(untouched)).toHaveLength(0);
  });

  test('Annotations.acknowledgeWarning silences it', () => {
    const stack = newStack();
    declareUser(stack, 'U', { userId: 'u' });
    cdk.Annotations.of(stack).acknowledgeWarning(
      FinSpaceUserSettings.END_OF_SUPPORT_WARNING_ID,
      'We run a FinSpace environment until its retirement.',
    );
    expect(endOfSupport(stack)).toHaveLength(0);
  });
});

type LooseProps = Partial<Record<keyof FinSpaceUserSettingsProps, unknown>>;

/** Declares the example's user with `props` on top (a principal given as an ARN, or anything else, becomes a role carrying it). */
function synth(props: LooseProps, scope?: (stack: Stack) => Partial<FinSpaceUserSettingsProps>) {
  const stack = newStack();
  const extra = scope ? scope(stack) : {};
  return () => declareUser(stack, 'Settings', withRoles({ ...props, ...extra }) as Partial<FinSpaceUserSettingsProps>);
}

describe('synth-time validation rejects a bad value, naming the prop and the rule', () => {
  const cases: Array<[string, LooseProps, RegExp]> = [
    ['empty environmentId', { environmentId: '' }, /environmentId "" has 0 characters; FinSpace requires 1 to 26 characters/],
    [
      'environmentId of 27 characters',
      { environmentId: 'e'.repeat(27) },
      /environmentId "e{27}" has 27 characters; FinSpace requires 1 to 26 characters\. Use the FinSpace environment id/,
    ],
    [
      'empty userId',
      { userId: '' },
      /userId "" has 0 characters; FinSpace requires 1 to 26 characters with at least one non-whitespace character/,
    ],
    ['userId of 27 characters', { userId: 'u'.repeat(27) }, /userId "u{27}" has 27 characters/],
    [
      'blank userId',
      { userId: ' \t ' },
      /userId " \\t " is blank \(3 whitespace characters\); FinSpace requires 1 to 26 characters with at least one non-whitespace character/,
    ],
    ['userId of 27 emoji (27 code points)', { userId: '😀'.repeat(27) }, /userId .* has 27 characters/],
    [
      'userType not in the enum',
      { userType: 'ADMIN' },
      /userType "ADMIN" is not an allowed value; FinSpace requires one of SUPER_USER, APP_USER\. Use FinSpaceUserType/,
    ],
    [
      'apiAccess not in the enum',
      { apiAccess: 'enabled' },
      /apiAccess "enabled" is not an allowed value; FinSpace requires one of ENABLED, DISABLED/,
    ],
    [
      'IAM user ARN as principal',
      { apiAccessPrincipal: 'arn:aws:iam::123456789012:user/alice' },
      /apiAccessPrincipal "arn:aws:iam::123456789012:user\/alice" does not match the pattern; FinSpace requires an IAM role ARN .*IAM users and STS assumed-role ARNs are not accepted/,
    ],
    [
      'assumed-role ARN as principal',
      { apiAccessPrincipal: 'arn:aws:sts::123456789012:assumed-role/analyst/session' },
      /apiAccessPrincipal .* does not match the pattern/,
    ],
    [
      'wrong partition',
      { apiAccessPrincipal: 'arn:azure:iam::123456789012:role/analyst' },
      /apiAccessPrincipal .* does not match the pattern/,
    ],
    [
      '11-digit account',
      { apiAccessPrincipal: 'arn:aws:iam::12345678901:role/analyst' },
      /apiAccessPrincipal .* does not match the pattern/,
    ],
    [
      'principal ARN shorter than 20',
      { apiAccessPrincipal: 'arn:aws:iam::1:role' },
      /apiAccessPrincipal .* has 19 characters; FinSpace requires an IAM role ARN of 20 to 2048 characters/,
    ],
    [
      'principal ARN longer than 2048',
      { apiAccessPrincipal: `arn:aws:iam::123456789012:role/${'a'.repeat(2048)}` },
      /apiAccessPrincipal .* has 2079 characters/,
    ],
    ['a number where a string belongs', { userId: 42 }, /userId must be a string, but got a number; FinSpace requires 1 to 26 characters/],
    [
      'an array where a string belongs',
      { userId: ['u1'] },
      /userId must be a string, but got an array; FinSpace requires 1 to 26 characters/,
    ],
    // A token, but not a string token (possible from JavaScript): settings are strings.
    ['a token that is not a string', { userId: Lazy.any({ produce: () => 'u1' }) }, /userId must be a string, but got an? object/],
    ['null environmentId', { environmentId: null }, /environmentId must be a string, but got null/],
    ['missing environmentId (possible from JavaScript)', { environmentId: undefined }, /environmentId is required\./],
    ['missing userId', { userId: undefined }, /userId is required/],
    ['bad onDelete setting', { onDelete: { apiAccess: 'OFF' } }, /onDelete\.apiAccess "OFF" is not an allowed value/],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    expect(synth(props)).toThrow(message);
  });

  test('the message starts with the construct path', () => {
    expect(synth({ userId: '' })).toThrow(/^Invalid FinSpaceUserSettings Stack\/Settings: /);
  });

  test('every problem is reported at once, one sentence after another', () => {
    expect(synth({ userId: '', apiAccess: 'YES', userType: 'X' })).toThrow(/userId .*userType .*apiAccess /s);
    expect(synth({ userId: '', userType: 'X' })).toThrow('(GetUser/ListUsers return it). userType "X" is not an allowed value');
  });

  test('a long value is shown by its first 64 code points, then an ellipsis', () => {
    // 65 code points, 129 UTF-16 units: cut by code point, and only past 64.
    const long = `${'𝒳'.repeat(64)}Z`;
    expect(synth({ environmentId: long })).toThrow(`environmentId "${'𝒳'.repeat(64)}…" has 65 characters`);
    expect(synth({ environmentId: 'e'.repeat(64) })).toThrow(`environmentId "${'e'.repeat(64)}" has 64 characters`);
  });

  test.each([
    [
      'firstName',
      'A'.repeat(51),
      /firstName \(value hidden: the model marks it sensitive\) has 51 characters; FinSpace requires 1 to 50 characters with at least one non-whitespace character/,
    ],
    ['firstName', '', /firstName \(value hidden: the model marks it sensitive\) has 0 characters/],
    ['lastName', '    ', /lastName \(value hidden: the model marks it sensitive\) is blank \(4 whitespace characters\)/],
    ['lastName', 'Secretname'.repeat(6), /lastName \(value hidden: the model marks it sensitive\) has 60 characters/],
  ])('%s %j is rejected without echoing the sensitive value', (prop, value, message) => {
    let error: Error | undefined;
    try {
      synth({ [prop]: value })();
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    if (value.trim()) expect(error?.message).not.toContain(value.slice(0, 10));
  });

  test.each([
    ['arn:aws:iam::123456789012:role/ok', 'a string'],
    [null, 'null'],
    [42, '42'],
  ])('%j as principal (possible from JavaScript) is refused, naming what it got and what to pass instead', (principal, shown) => {
    const props = { apiAccessPrincipal: principal } as unknown as Partial<FinSpaceUserSettingsProps>;
    expect(() => declareUser(newStack(), 'Settings', props)).toThrow(
      `apiAccessPrincipal must be an iam.IRole, but got ${shown}. For a role you have by ARN, pass iam.Role.fromRoleArn(this, 'Id', arn).`,
    );
  });

  test('an imported role is checked by its ARN', () => {
    expect(
      synth({}, (stack) => ({ apiAccessPrincipal: iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::123456789012:role/ok') })),
    ).not.toThrow();
    expect(
      synth({}, (stack) => ({ apiAccessPrincipal: iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::123456789012:role/has space') })),
    ).toThrow(/apiAccessPrincipal "arn:aws:iam::123456789012:role\/has space" does not match the pattern/);
  });
});

describe('synth-time validation accepts every valid value and every token', () => {
  test.each([
    ['26-character userId', { userId: 'u'.repeat(26) }],
    ['26 emoji userId (52 UTF-16 units, 26 code points)', { userId: '😀'.repeat(26) }],
    ['userId with inner spaces', { userId: ' a b ' }],
    ['50-character names', { firstName: 'F'.repeat(50), lastName: 'L'.repeat(50) }],
    ['enums', { userType: FinSpaceUserType.SUPER_USER, apiAccess: ApiAccess.DISABLED }],
    ['role ARN with a path', { apiAccessPrincipal: 'arn:aws:iam::123456789012:role/service-role/team/analyst' }],
    ['GovCloud role ARN', { apiAccessPrincipal: 'arn:aws-us-gov:iam::123456789012:role/analyst' }],
    ['China role ARN', { apiAccessPrincipal: 'arn:aws-cn:iam::123456789012:role/analyst' }],
    ['role ARN with every allowed character', { apiAccessPrincipal: 'arn:aws:iam::123456789012:role/a_Z0+=,.@-/x' }],
  ])('%s', (_name, props) => {
    expect(synth(props)).not.toThrow();
  });

  test('tokens pass at synth time (the handler checks the resolved values)', () => {
    expect(
      synth({}, (stack) => ({
        environmentId: new CfnParameter(stack, 'Env').valueAsString,
        userId: Fn.importValue('SomeUserId'),
        firstName: new CfnParameter(stack, 'First').valueAsString,
        apiAccessPrincipal: new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }),
      })),
    ).not.toThrow();
  });
});
