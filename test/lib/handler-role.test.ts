/**
 * The handler's role: exactly FinSpace's one IAM action and writing its own logs; in a VPC, also the network-interface
 * actions Lambda needs, by the statement ids policies and cdk-nag reports show.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { FinSpaceUserSettingsProvider } from '../../lib';
import { declareUser, newStack, policyStatements } from '../support/stacks';

test('the handler role gets exactly GetProgrammaticAccessCredentials on the named resource, plus writing its own logs', () => {
  const stack = newStack();
  declareUser(stack);
  const template = Template.fromStack(stack);
  const all = policyStatements(template);
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
  // What the console shows.
  expect(role.Properties.Description).toBe(
    'Applies FinSpace user settings; register it in FinSpace as the API access principal of a user who may manage users',
  );
});

test('only in a VPC does the role get the network-interface permissions; the statement ids', () => {
  const stack = newStack();
  FinSpaceUserSettingsProvider.getOrCreate(stack, { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }) });
  declareUser(stack);
  const template = Template.fromStack(stack);
  const all = policyStatements(template);
  expect(all.find((s) => Array.isArray(s.Action) && s.Action.includes('ec2:CreateNetworkInterface'))).toBeDefined();
  expect(all.map((s) => s.Sid)).toEqual([
    'GetFinSpaceProgrammaticAccessCredentials',
    'LambdaVpcNetworkInterfaces',
    undefined, // the log group's grant, CDK's own
  ]);
  template.hasResourceProperties('AWS::Lambda::Function', {
    VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
  });
});
