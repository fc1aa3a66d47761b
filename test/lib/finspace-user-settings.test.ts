/**
 * What the construct synthesizes, asserted on the CloudFormation template.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ApiAccess, FinSpaceUserSettings, FinSpaceUserSettingsProvider, FinSpaceUserType } from '../../lib';

const ENV = 'r4nd0menv1d';
const USER = 'uAbCdEf0123456789';

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'us-east-1' } });
}

type PolicyStatement = { Action: string | string[]; Resource: unknown; Effect: string };

function statements(template: Template): PolicyStatement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const roles = template.findResources('AWS::IAM::Role');
  const inline = Object.values(roles).flatMap((r) =>
    (r.Properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument),
  );
  return [...Object.values(policies).map((p) => p.Properties.PolicyDocument), ...inline].flatMap(
    (doc: { Statement: PolicyStatement[] }) => doc.Statement,
  );
}

describe('FinSpaceUserSettings template', () => {
  test('passes the settings through as the custom resource properties, with the API member names', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Analyst', 'arn:aws:iam::123456789012:role/analyst', { mutable: false });
    new FinSpaceUserSettings(stack, 'Settings', {
      environmentId: ENV,
      userId: USER,
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

  test('an omitted setting is not in the properties', () => {
    const stack = newStack();
    new FinSpaceUserSettings(stack, 'Settings', { environmentId: ENV, userId: USER, apiAccess: ApiAccess.DISABLED });
    const resources = Template.fromStack(stack).findResources('Custom::FinSpaceUserSettings');
    const props = Object.values(resources)[0].Properties;
    expect(Object.keys(props).sort()).toEqual(['ServiceTimeout', 'ServiceToken', 'apiAccess', 'environmentId', 'userId']);
  });

  test('a role imported by ARN, and a role created in the stack (a token)', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    new FinSpaceUserSettings(stack, 'A', {
      environmentId: ENV,
      userId: USER,
      apiAccessPrincipal: iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/path/analyst'),
    });
    new FinSpaceUserSettings(stack, 'B', { environmentId: ENV, userId: 'uOther', apiAccessPrincipal: role });
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
    const settings = new FinSpaceUserSettings(stack, 'Settings', { environmentId: ENV, userId: USER });
    const [logicalId, attribute] = stack.resolve(settings.userId)['Fn::GetAtt'];
    expect(attribute).toBe('userId');
    expect(Object.keys(Template.fromStack(stack).findResources('Custom::FinSpaceUserSettings'))).toEqual([logicalId]);
    expect(settings.environmentId).toBe(ENV);
  });

  test('one handler function however many instances: 50 settings, 1 function, 1 role, 1 log group', () => {
    const stack = newStack();
    for (let i = 0; i < 50; i++) {
      new FinSpaceUserSettings(stack, `User${i}`, { environmentId: ENV, userId: `user${i}`, apiAccess: ApiAccess.ENABLED });
    }
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::FinSpaceUserSettings', 50);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  test('the handler role gets exactly GetProgrammaticAccessCredentials on the named resource, plus writing its own logs', () => {
    const stack = newStack();
    new FinSpaceUserSettings(stack, 'Settings', { environmentId: ENV, userId: USER });
    const template = Template.fromStack(stack);
    const all = statements(template);
    expect(all).toHaveLength(2);
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup'))[0];
    expect(all).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'finspace-api:GetProgrammaticAccessCredentials',
          Resource: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':finspace-api:us-east-1:123456789012:/credentials/programmatic']],
          },
        }),
        expect.objectContaining({
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        }),
      ]),
    );
    expect(JSON.stringify(all)).not.toContain('*');
    const role = Object.values(template.findResources('AWS::IAM::Role'))[0];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
  });

  test('runtime, JSON logs, log retention, memory, timeout and serviceTimeout', () => {
    const stack = newStack();
    new FinSpaceUserSettings(stack, 'Settings', { environmentId: ENV, userId: USER });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      MemorySize: 128,
      Timeout: 300,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('LogGroup') } },
      Environment: { Variables: { FINSPACE_HANDLER_ROLE_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('Role'), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    template.hasResourceProperties('Custom::FinSpaceUserSettings', { ServiceTimeout: '360' });
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    expect(['nodejs22.x', 'nodejs24.x']).toContain(fn.Properties.Runtime);
  });

  test('each event runs once and only while fresh: no asynchronous retries, the shortest maximum event age Lambda allows', () => {
    const stack = newStack();
    new FinSpaceUserSettings(stack, 'Settings', { environmentId: ENV, userId: USER });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('Handler') },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
      DestinationConfig: Match.absent(),
    });
    // The handler knows the ServiceTimeout the construct gives every custom resource, whatever the event says.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FINSPACE_HANDLER_SERVICE_TIMEOUT: '360' }) },
    });
  });

  test('an event Lambda drops without the handler answering goes to the destination given', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Dropped');
    FinSpaceUserSettingsProvider.getOrCreate(stack, { droppedEventDestination: new destinations.SqsDestination(queue) });
    new FinSpaceUserSettings(stack, 'Settings', { environmentId: ENV, userId: USER });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('Dropped'), 'Arn'] } } },
    });
  });

  test('provider settings: an existing role, log retention, timeout', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'MyHandlerRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    FinSpaceUserSettingsProvider.getOrCreate(stack, { role, logRetention: logs.RetentionDays.ONE_WEEK, timeout: Duration.minutes(2) });
    const settings = new FinSpaceUserSettings(stack, 'Settings', { environmentId: ENV, userId: USER });
    expect(settings.provider.role).toBe(role);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 120,
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyHandlerRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResourceProperties('Custom::FinSpaceUserSettings', { ServiceTimeout: '180' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^MyHandlerRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'finspace-api:GetProgrammaticAccessCredentials' })]) },
    });
  });

  test('a provider of its own, passed as `provider`, with a given log group', () => {
    const stack = newStack();
    const logGroup = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_DAY });
    const provider = new FinSpaceUserSettingsProvider(stack, 'Custom', { logGroup });
    new FinSpaceUserSettings(stack, 'Settings', { environmentId: ENV, userId: USER, provider });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('Custom::FinSpaceUserSettings', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CustomHandler'), 'Arn'] },
    });
    expect(stack.node.tryFindChild(FinSpaceUserSettingsProvider.DEFAULT_ID)).toBeUndefined();
  });

  test('only in a VPC does the role get the network-interface permissions', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    FinSpaceUserSettingsProvider.getOrCreate(stack, { vpc });
    new FinSpaceUserSettings(stack, 'Settings', { environmentId: ENV, userId: USER });
    const template = Template.fromStack(stack);
    const all = statements(template);
    const eni = all.find((s) => Array.isArray(s.Action) && s.Action.includes('ec2:CreateNetworkInterface'));
    expect(eni).toBeDefined();
    expect(all).toHaveLength(3);
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
    });
  });

  test('configuring the default provider after it exists is an error that says what to do', () => {
    const stack = newStack();
    new FinSpaceUserSettings(stack, 'Settings', { environmentId: ENV, userId: USER });
    expect(() => FinSpaceUserSettingsProvider.getOrCreate(stack, { timeout: Duration.minutes(1) })).toThrow(
      /already exists.*Call FinSpaceUserSettingsProvider.getOrCreate\(stack, props\) before the first FinSpaceUserSettings/,
    );
    // Empty props (what Python's bindings pass for `get_or_create(self)`) set nothing, so they conflict with nothing.
    const provider = FinSpaceUserSettingsProvider.getOrCreate(stack);
    expect(FinSpaceUserSettingsProvider.getOrCreate(stack, {})).toBe(provider);
    expect(FinSpaceUserSettingsProvider.getOrCreate(stack, { timeout: undefined })).toBe(provider);
  });

  test('a timeout outside 30..900 seconds is rejected with the rule; both ends are allowed', () => {
    const stack = newStack();
    expect(() => new FinSpaceUserSettingsProvider(stack, 'P', { timeout: Duration.seconds(10) })).toThrow(
      /timeout is 10 s; it must be 30 to 900 seconds/,
    );
    expect(() => new FinSpaceUserSettingsProvider(stack, 'P29', { timeout: Duration.seconds(29) })).toThrow(/timeout is 29 s/);
    expect(() => new FinSpaceUserSettingsProvider(stack, 'P901', { timeout: Duration.seconds(901) })).toThrow(/timeout is 901 s/);
    expect(() => new FinSpaceUserSettingsProvider(stack, 'P30', { timeout: Duration.seconds(30) })).not.toThrow();
    expect(() => new FinSpaceUserSettingsProvider(stack, 'P900', { timeout: Duration.seconds(900) })).not.toThrow();
  });

  test('subnets or security groups without a VPC are rejected with what to do', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    const securityGroups = [new ec2.SecurityGroup(stack, 'Sg', { vpc })];
    expect(() => new FinSpaceUserSettingsProvider(stack, 'P', { securityGroups })).toThrow(
      'TestStack/P: vpcSubnets and securityGroups need vpc; pass the VPC, or leave them out.',
    );
    expect(() => new FinSpaceUserSettingsProvider(stack, 'P2', { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(
      /vpcSubnets and securityGroups need vpc/,
    );
  });
});
