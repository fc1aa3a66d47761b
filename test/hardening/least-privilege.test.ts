/**
 * Least privilege, checked: every IAM policy in the synthesized templates (the example app, and a provider in a
 * VPC) grants only the actions the README's IAM table lists, each on the resource it names; no managed policies.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FinSpaceUserSettings, FinSpaceUserSettingsProvider } from '../../lib';
import { FinSpaceUserSettingsStack } from '../../bin/example-stack';
import { GUARANTEES } from './guarantees';

/** The actions of the README's "The IAM it needs" table. */
function readmeActions(): Set<string> {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.split('## The IAM it needs')[1].split('\n## ')[0];
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .join('\n');
  return new Set([...rows.matchAll(/`([a-z0-9-]+:[A-Za-z]+)`/g)].map((m) => m[1]));
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of every identity policy: AWS::IAM::Policy, ManagedPolicy, and roles' inline policies. */
function statements(template: Template): Statement[] {
  const docs: Array<{ Statement: Statement[] }> = [];
  for (const p of Object.values(template.findResources('AWS::IAM::Policy'))) docs.push(p.Properties.PolicyDocument);
  for (const p of Object.values(template.findResources('AWS::IAM::ManagedPolicy'))) docs.push(p.Properties.PolicyDocument);
  for (const r of Object.values(template.findResources('AWS::IAM::Role'))) {
    expect(r.Properties.ManagedPolicyArns).toBeUndefined();
    for (const p of r.Properties.Policies ?? []) docs.push(p.PolicyDocument);
  }
  return docs.flatMap((d) => d.Statement);
}

function check(template: Template, inVpc: boolean): number {
  const allowed = readmeActions();
  const logGroups = Object.keys(template.findResources('AWS::Logs::LogGroup'));
  let checked = 0;
  for (const s of statements(template)) {
    expect(s.Effect).toBe('Allow');
    for (const action of [s.Action].flat()) {
      checked++;
      expect(allowed).toContain(action);
      if (action.startsWith('finspace-api:')) {
        expect(s.Resource).toEqual({
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':finspace-api:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':/credentials/programmatic',
            ],
          ],
        });
      } else if (action.startsWith('logs:')) {
        expect(logGroups).toContain((s.Resource as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
      } else {
        expect(inVpc).toBe(true);
        expect(action.startsWith('ec2:')).toBe(true);
        expect(s.Resource).toBe('*');
      }
    }
  }
  return checked;
}

test('the README lists the actions the provider may get', () => {
  expect([...readmeActions()].sort()).toEqual([
    'ec2:AssignPrivateIpAddresses',
    'ec2:CreateNetworkInterface',
    'ec2:DeleteNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeSubnets',
    'ec2:UnassignPrivateIpAddresses',
    'finspace-api:GetProgrammaticAccessCredentials',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
  ]);
});

test('the example app grants nothing beyond the README', () => {
  const stack = new FinSpaceUserSettingsStack(new App(), 'Example');
  const checked = check(Template.fromStack(stack), false);
  console.log(`least privilege: ${checked} granted actions checked in the example app`);
  expect(checked).toBe(GUARANTEES.leastPrivilege.exampleActions);
});

test('a provider in a VPC grants nothing beyond the README', () => {
  const stack = new Stack(new App(), 'InVpc');
  FinSpaceUserSettingsProvider.getOrCreate(stack, { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) });
  new FinSpaceUserSettings(stack, 'Settings', { environmentId: 'r4nd0menv1d', userId: 'uAbCdEf0123456789' });
  expect(check(Template.fromStack(stack), true)).toBe(GUARANTEES.leastPrivilege.vpcActions);
});
