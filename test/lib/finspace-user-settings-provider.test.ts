/**
 * The provider: the handler function it builds (runtime, logs, environment, asynchronous invocation), the settings it
 * takes, its log group, and the stack's default provider.
 */
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FinSpaceUserSettingsProvider } from '../../lib';
import { RESPONSE_URL_STAND_IN_ENV, ROLE_ARN_ENV, SERVICE_TIMEOUT_ENV, STACK_ID_ENV, URL_SUFFIX_ENV } from '../../lib/handler-contract';
import { declareUser, newStack } from '../support/stacks';

/** The template of a stack with the default provider, made with `props`, and the example's user. */
function synthesize(props?: (stack: ReturnType<typeof newStack>) => Parameters<typeof FinSpaceUserSettingsProvider.getOrCreate>[1]) {
  const stack = newStack();
  const provider = FinSpaceUserSettingsProvider.getOrCreate(stack, props?.(stack));
  const settings = declareUser(stack);
  return { stack, provider, settings, template: Template.fromStack(stack) };
}

test('the function says what it does, and logs JSON at INFO, so that every audit line is kept', () => {
  const { template } = synthesize();
  template.hasResourceProperties('AWS::Lambda::Function', {
    Description: 'Applies FinSpace user settings (FinSpace Data UpdateUser) for Custom::FinSpaceUserSettings',
    LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO' },
  });
});

test("the function's environment: the variables the handler reads, by name; the stand-in only when one is given", () => {
  const variables = (template: Template) =>
    Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
  const withStandIn = variables(synthesize(() => ({ responseUrlStandIn: 'http://localhost:4566' })).template);
  expect(Object.keys(withStandIn).sort()).toEqual(
    [RESPONSE_URL_STAND_IN_ENV, ROLE_ARN_ENV, SERVICE_TIMEOUT_ENV, STACK_ID_ENV, URL_SUFFIX_ENV].sort(),
  );
  expect(withStandIn[RESPONSE_URL_STAND_IN_ENV]).toBe('http://localhost:4566');
  expect(Object.keys(variables(synthesize().template))).not.toContain(RESPONSE_URL_STAND_IN_ENV);
  // The names are the construct's contract with the handler bundle it ships, and the README names the stand-in's.
  expect([ROLE_ARN_ENV, STACK_ID_ENV, URL_SUFFIX_ENV, RESPONSE_URL_STAND_IN_ENV, SERVICE_TIMEOUT_ENV]).toEqual([
    'FINSPACE_HANDLER_ROLE_ARN',
    'FINSPACE_HANDLER_STACK_ID',
    'FINSPACE_HANDLER_URL_SUFFIX',
    'FINSPACE_HANDLER_RESPONSE_URL_STAND_IN',
    'FINSPACE_HANDLER_SERVICE_TIMEOUT',
  ]);
});

test('each event runs once and only while fresh: no asynchronous retries, the shortest maximum event age Lambda allows', () => {
  const { template } = synthesize();
  template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: Match.stringLikeRegexp('Handler') },
    Qualifier: '$LATEST',
    MaximumRetryAttempts: 0,
    MaximumEventAgeInSeconds: 60,
    DestinationConfig: Match.absent(),
  });
});

test('an event Lambda drops without the handler answering goes to the destination given', () => {
  const { template } = synthesize((stack) => ({
    droppedEventDestination: new destinations.SqsDestination(new sqs.Queue(stack, 'Dropped')),
  }));
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    MaximumRetryAttempts: 0,
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('Dropped'), 'Arn'] } } },
  });
});

test('provider settings: an existing role, log retention, timeout', () => {
  let role: iam.IRole | undefined;
  const { settings, template } = synthesize((stack) => {
    role = new iam.Role(stack, 'MyHandlerRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    return { role, logRetention: logs.RetentionDays.ONE_WEEK, timeout: Duration.minutes(2) };
  });
  expect(settings.provider.role).toBe(role);
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

test('props that cannot work are refused before anything is built, named by the provider (see provider-props.test.ts)', () => {
  expect(() => FinSpaceUserSettingsProvider.getOrCreate(newStack(), { timeout: Duration.seconds(10) })).toThrow(
    /^Stack\/FinSpaceUserSettingsProvider: timeout is 10 s; it must be 30 to 900 seconds/,
  );
});

test('the default log group can be encrypted with a key of yours, which CloudWatch Logs of the region may then use', () => {
  const { template } = synthesize((stack) => ({ logEncryptionKey: new kms.Key(stack, 'AuditKey') }));
  template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditKey'), 'Arn'] } });
  template.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Sid: 'CloudWatchLogsOfThisAccountAndRegion',
          Effect: 'Allow',
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Resource: '*',
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          // Only for log groups of this account and region, not any that names the key.
          Condition: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:*']],
              },
            },
          },
        }),
      ]),
    },
  });
});

test('configuring the default provider after it exists is an error that says what to do; getOrCreate without settings returns it', () => {
  const { stack, provider } = synthesize();
  expect(() => FinSpaceUserSettingsProvider.getOrCreate(stack, { timeout: Duration.minutes(1) })).toThrow(
    /already exists.*Call FinSpaceUserSettingsProvider.getOrCreate\(stack, props\) before the first FinSpaceUserSettings/,
  );
  // Empty props (what Python's bindings pass for `get_or_create(self)`) set nothing, so they conflict with nothing; nor
  // does null, which a binding may pass.
  expect(FinSpaceUserSettingsProvider.getOrCreate(stack)).toBe(provider);
  expect(FinSpaceUserSettingsProvider.getOrCreate(stack, {})).toBe(provider);
  expect(FinSpaceUserSettingsProvider.getOrCreate(stack, { timeout: undefined })).toBe(provider);
  expect(FinSpaceUserSettingsProvider.getOrCreate(stack, null as never)).toBe(provider);
});
