/**
 * The construct library's test set-ups (test/lib): a stack of its own app, the README example's user declared in it,
 * and readings of what synth made of it (policy statements, warnings).
 */
import { App, Stack, type StackProps } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import type { Construct } from 'constructs';
import { FinSpaceUserSettings, type FinSpaceUserSettingsProps } from '../../lib';

export const ACCOUNT = '123456789012';
/** The README example's FinSpace environment and user. */
export const EXAMPLE_ENVIRONMENT_ID = 'r4nd0menv1d';
export const EXAMPLE_USER_ID = 'uAbCdEf0123456789';

/** A stack in ACCOUNT and `region` (us-east-1 unless given), in `app` (an app of its own unless given). */
export function newStack(
  id = 'Stack',
  { app = new App(), region = 'us-east-1', ...props }: Omit<StackProps, 'env'> & { app?: App; region?: string } = {},
): Stack {
  return new Stack(app, id, { ...props, env: { account: ACCOUNT, region } });
}

/** The example's user, with `props` on top: what most tests declare to get the stack's default provider. */
export function declareUser(scope: Construct, id = 'Analyst', props: Partial<FinSpaceUserSettingsProps> = {}): FinSpaceUserSettings {
  return new FinSpaceUserSettings(scope, id, { environmentId: EXAMPLE_ENVIRONMENT_ID, userId: EXAMPLE_USER_ID, ...props });
}

/** The text of every warning synth gives in the stack. */
export function warnings(stack: Stack): string[] {
  return Annotations.fromStack(stack)
    .findWarning('*', Match.anyValue())
    .map((w) => String(w.entry.data));
}

export type PolicyStatement = { Sid?: string; Action: string | string[]; Resource: unknown; Effect: string };

/** Every statement of the template's IAM policies, the roles' inline policies included. */
export function policyStatements(template: Template): PolicyStatement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const roles = template.findResources('AWS::IAM::Role');
  const inline = Object.values(roles).flatMap((r) =>
    (r.Properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument),
  );
  return [...Object.values(policies).map((p) => p.Properties.PolicyDocument), ...inline].flatMap(
    (doc: { Statement: PolicyStatement[] }) => doc.Statement,
  );
}
