/**
 * cdk-nag's AwsSolutions pack on the example app, applied as cdk-nag documents it (an Aspect): zero findings, with no
 * suppression. In a VPC the one unavoidable finding (Lambda's network-interface actions take no resource scoping) is
 * suppressed on the exact policy, with a reason, as the README lists.
 */
import { App, Aspects, type CfnElement, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { FinSpaceUserSettings, FinSpaceUserSettingsProvider } from '../../lib';
import { FinSpaceUserSettingsStack } from '../../bin/example-stack';
import { GUARANTEES } from './guarantees';

interface Suppression {
  logicalId: string;
  id: string;
  reason: string;
  appliesTo?: unknown[];
}

/** The stack's AwsSolutions findings (errors and warnings) and the suppressions in its template. */
function nag(stack: Stack): { findings: string[]; suppressions: Suppression[] } {
  Aspects.of(stack).add(new AwsSolutionsChecks());
  const annotations = Annotations.fromStack(stack);
  const findings = [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-')),
  ].map((m) => `${String(m.entry.data).split(':')[0]} at ${m.id}`);
  const template = stack.node.root as App;
  const resources = template.synth().getStackByName(stack.stackName).template.Resources as Record<
    string,
    { Metadata?: { cdk_nag?: { rules_to_suppress: Array<{ id: string; reason: string; applies_to?: unknown[] }> } } }
  >;
  const suppressions = Object.entries(resources).flatMap(([logicalId, r]) =>
    (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((s) => ({
      logicalId,
      id: s.id,
      reason: s.reason,
      appliesTo: s.applies_to,
    })),
  );
  return { findings, suppressions };
}

test('the example app: zero AwsSolutions findings and no suppressions', () => {
  const app = new App();
  const { findings, suppressions } = nag(new FinSpaceUserSettingsStack(app, 'FinSpaceUserSettingsExample'));
  console.log(`cdk-nag AwsSolutions on the example app: ${findings.length} findings, ${suppressions.length} acknowledgements`);
  expect(findings).toHaveLength(GUARANTEES.nag.findings);
  expect(suppressions).toHaveLength(GUARANTEES.nag.acknowledgements);
});

test('a handler in a VPC: only the network-interface wildcard, suppressed on its policy with a reason', () => {
  const app = new App();
  const stack = new Stack(app, 'InVpc');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  // The test's own VPC, not the library's: its flow-log finding is not ours to fix.
  NagSuppressions.addResourceSuppressions(vpc, [{ id: 'AwsSolutions-VPC7', reason: 'a VPC made only to host the provider in this test' }]);
  const provider = FinSpaceUserSettingsProvider.getOrCreate(stack, { vpc });
  new FinSpaceUserSettings(stack, 'Settings', { environmentId: 'r4nd0menv1d', userId: 'uAbCdEf0123456789' });
  const { findings, suppressions } = nag(stack);
  expect(findings).toEqual([]);
  const ours = suppressions.filter((s) => s.id !== 'AwsSolutions-VPC7');
  expect(ours).toEqual([
    {
      logicalId: stack.getLogicalId(provider.role.node.findChild('DefaultPolicy').node.defaultChild as CfnElement),
      id: 'AwsSolutions-IAM5',
      reason: expect.stringContaining('support no resource-level permissions'),
      appliesTo: ['Resource::*'],
    },
  ]);
});

test('an imported handler role in a VPC: the wildcard is suppressed on the policy the role gets; an immutable one gets none', () => {
  const app = new App();
  const stack = new Stack(app, 'ImportedInVpc');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  NagSuppressions.addResourceSuppressions(vpc, [{ id: 'AwsSolutions-VPC7', reason: 'a VPC made only to host the provider in this test' }]);
  const role = iam.Role.fromRoleArn(stack, 'HandlerRole', 'arn:aws:iam::123456789012:role/finspace-handler');
  FinSpaceUserSettingsProvider.getOrCreate(stack, { vpc, role });
  const { findings, suppressions } = nag(stack);
  expect(findings).toEqual([]);
  expect(suppressions.filter((s) => s.id !== 'AwsSolutions-VPC7')).toEqual([
    {
      logicalId: stack.getLogicalId(role.node.findChild('Policy').node.defaultChild as CfnElement),
      id: 'AwsSolutions-IAM5',
      reason: expect.stringContaining('support no resource-level permissions'),
      appliesTo: ['Resource::*'],
    },
  ]);

  const immutable = new Stack(new App(), 'ImmutableInVpc');
  const fixed = iam.Role.fromRoleArn(immutable, 'HandlerRole', 'arn:aws:iam::123456789012:role/finspace-handler', { mutable: false });
  FinSpaceUserSettingsProvider.getOrCreate(immutable, { vpc: new ec2.Vpc(immutable, 'Vpc', { natGateways: 0 }), role: fixed });
  expect(nag(immutable).suppressions.filter((s) => s.id !== 'AwsSolutions-VPC7')).toEqual([]);
});
