/**
 * What a user meets in AWS, told at synth: FinSpace's end of support as one acknowledgeable warning per stack, the
 * removal policy that lets a stack outlive FinSpace, and the guardrail statement of the threat model.
 */
import { App, CfnWaitConditionHandle, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cdk from 'aws-cdk-lib';
import { ApiAccess, FinSpaceUserSettings } from '../../lib';

const END_OF_SUPPORT_WARNING_ID = FinSpaceUserSettings.END_OF_SUPPORT_WARNING_ID;

const ENV = 'r4nd0menv1d';
const newStack = (app = new App(), id = 'S') => new Stack(app, id, { env: { account: '123456789012', region: 'us-east-1' } });

describe('the end-of-support warning', () => {
  const warnings = (stack: Stack) =>
    Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('ended support for Amazon FinSpace'));

  test('appears once per stack that uses the construct, with the dates, whatever the number of instances', () => {
    const app = new App();
    const a = newStack(app, 'A');
    const b = newStack(app, 'B');
    const untouched = newStack(app, 'C');
    new CfnWaitConditionHandle(untouched, 'SomethingElse');
    for (let i = 0; i < 3; i++) new FinSpaceUserSettings(a, `U${i}`, { environmentId: ENV, userId: `u${i}` });
    new FinSpaceUserSettings(b, 'U', { environmentId: ENV, userId: 'u' });
    for (const stack of [a, b]) {
      const found = warnings(stack);
      expect(found).toHaveLength(1);
      expect(found[0].id).toBe(`/${stack.stackName}`);
      const text = String(found[0].entry.data);
      expect(text).toContain('AWS ended support for Amazon FinSpace on 2026-10-07 (no new customers since 2025-10-07)');
      expect(text).toContain('cannot be accessed after that date');
      expect(text).toContain('2024-11-29 (later given as 2025-03-26)');
      expect(text).toContain(`[ack: ${END_OF_SUPPORT_WARNING_ID}]`);
    }
    expect(warnings(untouched)).toHaveLength(0);
  });

  test('Annotations.acknowledgeWarning silences it', () => {
    const stack = newStack();
    new FinSpaceUserSettings(stack, 'U', { environmentId: ENV, userId: 'u' });
    cdk.Annotations.of(stack).acknowledgeWarning(END_OF_SUPPORT_WARNING_ID, 'We run a FinSpace environment until its retirement.');
    expect(warnings(stack)).toHaveLength(0);
  });
});

describe('removalPolicy', () => {
  test('DESTROY by default; RETAIN keeps the resource, so no Delete reaches the handler', () => {
    const stack = newStack();
    new FinSpaceUserSettings(stack, 'Kept', { environmentId: ENV, userId: 'u1', removalPolicy: RemovalPolicy.RETAIN });
    new FinSpaceUserSettings(stack, 'Destroyed', { environmentId: ENV, userId: 'u2', onDelete: { apiAccess: ApiAccess.DISABLED } });
    const resources = Template.fromStack(stack).findResources('Custom::FinSpaceUserSettings');
    const policies = Object.fromEntries(
      Object.entries(resources).map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), [r.DeletionPolicy, r.UpdateReplacePolicy]]),
    );
    expect(policies).toEqual({ Kept: ['Retain', 'Retain'], Destroyed: ['Delete', 'Delete'] });
  });

  test('RETAIN with onDelete, and SNAPSHOT, are rejected with the reason', () => {
    const stack = newStack();
    expect(
      () =>
        new FinSpaceUserSettings(stack, 'A', {
          environmentId: ENV,
          userId: 'u',
          removalPolicy: RemovalPolicy.RETAIN,
          onDelete: { apiAccess: ApiAccess.DISABLED },
        }),
    ).toThrow(
      'onDelete cannot apply with removalPolicy RETAIN: CloudFormation sends no Delete for a retained resource. Drop one of the two.',
    );
    expect(() => new FinSpaceUserSettings(stack, 'B', { environmentId: ENV, userId: 'u', removalPolicy: RemovalPolicy.SNAPSHOT })).toThrow(
      'removalPolicy snapshot is not supported: a custom resource has no snapshot. Use RemovalPolicy.DESTROY or RemovalPolicy.RETAIN.',
    );
  });
});
