/**
 * Who may make the handler act: the function's own resource policy (only the stack's deployer may invoke it), the
 * statements for a service control policy (no one else may change, pass or expose the function and its role), and
 * the synth check that keeps an AWS::Lambda::Permission from being silently wiped by that policy. See the README,
 * Threat model.
 */
import { Annotations, CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/**
 * What the SCP statements leave to everyone: reading the function and the role. Every other action on them (invoking,
 * admitting others, changing code, configuration, policies, trust or tags, passing or assuming the role, stopping or
 * deleting either) is the deploying role's alone; a list of actions to deny would miss the next one Lambda or IAM adds.
 */
const HANDLER_READ_ACTIONS = ['lambda:Get*', 'lambda:List*'];
const ROLE_READ_ACTIONS = ['iam:Get*', 'iam:List*'];

/** The actions that put a tag on a function, so that no one else can claim the handler's tag value. */
const TAGGING_ACTIONS = ['lambda:CreateFunction', 'lambda:TagResource'];

/** The invoke actions the function's own resource policy denies to everyone but the stack's deployer. */
const INVOKE_ACTIONS = ['lambda:InvokeFunction', 'lambda:InvokeAsync', 'lambda:InvokeFunctionUrl'];

/**
 * The tag the provider puts on its function, valued `<account>/<region>/<stack name>`: what the SCP's
 * function statement keys on, so it stays true when the stack is deleted and created again (the ARNs change, the value
 * does not), and a stack of the same name in another account or region is another value.
 */
export const HANDLER_TAG_KEY = 'finspace-user-settings:handler-of-stack';

/**
 * The IAM path of the role the provider creates, `/finspace-user-settings/<region>/<stack name>/`: the SCP's role
 * statement matches the role by it, as AWS says to for iam:PassRole (a role's tags do not govern who may pass it). It
 * stays the same when the stack is recreated, and only the deployer may create a role under it.
 */
export function handlerRolePath(stack: Stack): string {
  return `/finspace-user-settings/${stack.region}/${stack.stackName}/`;
}

/** What the SCP statements need to know of the provider. */
export interface ProtectedHandler {
  /** The only principal left to act on the function and its role. */
  readonly deployingRoleArn: string;
  /** The tag value on the function. */
  readonly tagValue: string;
  /** What the role statement matches: every role under the provider's path, or the role passed in, by name. */
  readonly roleResources: string[];
}

/**
 * The function's resource policy: a Deny of invoking it to every principal but the deployer. AWS::Lambda::ResourcePolicy
 * takes Deny statements and global condition keys (AWS::Lambda::Permission takes neither), binds other accounts and
 * service principals too, which no SCP of this account does, and writes the whole policy: so an AWS::Lambda::Permission
 * on the function (a grantInvoke, an addPermission) fails synth instead of being wiped at the next update.
 */
export function protectInvocation(scope: Construct, fn: lambda.IFunction, deployingRoleArn: string): void {
  new CfnResource(scope, 'InvokePolicy', {
    type: 'AWS::Lambda::ResourcePolicy',
    properties: {
      ResourceArn: fn.functionArn,
      PolicyDocument: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'OnlyTheStacksDeployerMayInvoke',
            effect: iam.Effect.DENY,
            principals: [new iam.StarPrincipal()],
            actions: INVOKE_ACTIONS,
            // A resource policy binds only the resource it is attached to: versions and aliases have their own, so
            // the handler itself refuses any invocation that is not of the unqualified function, as CloudFormation's is.
            resources: [fn.functionArn],
            conditions: { ArnNotEquals: { 'aws:PrincipalArn': deployingRoleArn } },
          }),
        ],
      }),
    },
  });
  scope.node.addValidation({ validate: () => permissionsOn(scope, fn) });
}

/** Every AWS::Lambda::Permission in the stack that names the function, as a synth error that says what to do. */
function permissionsOn(scope: Construct, fn: lambda.IFunction): string[] {
  const stack = Stack.of(scope);
  const names = [fn.functionArn, fn.functionName].map((value) => JSON.stringify(stack.resolve(value)));
  return stack.node
    .findAll()
    .filter((c): c is lambda.CfnPermission => c instanceof lambda.CfnPermission)
    .filter((permission) => names.includes(JSON.stringify(stack.resolve(permission.functionName))))
    .map(
      (permission) =>
        `${permission.node.path} adds an AWS::Lambda::Permission to the FinSpace handler ${fn.node.path} (a grantInvoke or addPermission): ` +
        "the handler's resource policy (AWS::Lambda::ResourcePolicy) replaces the function's whole policy, so it would be wiped at the next " +
        "update, and invoking the handler is its deployer's alone. Remove it; to let something else invoke the handler, set invokeProtection: false and guard the function yourself (README, Threat model).",
    );
}

export function warnUnprotected(scope: Construct): void {
  Annotations.of(scope).addWarningV2(
    'finspace-user-settings:InvokeProtectionOff',
    "invokeProtection is off: any principal your IAM policies allow lambda:InvokeFunction on the handler can make it change FinSpace users' settings. " +
      'Guard the function yourself (see the README, Threat model), or remove invokeProtection: false.',
  );
}

/** The SCP statements (see FinSpaceUserSettingsProvider.serviceControlPolicyStatements). */
export function serviceControlPolicyStatements(stack: Stack, handler: ProtectedHandler): iam.PolicyStatement[] {
  const deployer = { ArnNotEquals: { 'aws:PrincipalArn': handler.deployingRoleArn } };
  return [
    new iam.PolicyStatement({
      sid: 'FinSpaceUserSettingsHandlerOnlyForItsDeployer',
      effect: iam.Effect.DENY,
      notActions: HANDLER_READ_ACTIONS,
      resources: [`arn:${stack.partition}:lambda:*:*:function:*`],
      conditions: { StringEquals: { [`aws:ResourceTag/${HANDLER_TAG_KEY}`]: handler.tagValue }, ...deployer },
    }),
    // By the role's path (or ARN), with no tag condition: iam:PassRole does not evaluate the role's tags. iam:CreateRole
    // names the role it creates, so no one else can make a role under this path.
    new iam.PolicyStatement({
      sid: 'FinSpaceUserSettingsHandlerRoleOnlyForItsDeployer',
      effect: iam.Effect.DENY,
      notActions: ROLE_READ_ACTIONS,
      resources: handler.roleResources,
      conditions: deployer,
    }),
    new iam.PolicyStatement({
      sid: 'FinSpaceUserSettingsHandlerTagOnlyForItsDeployer',
      effect: iam.Effect.DENY,
      actions: TAGGING_ACTIONS,
      resources: ['*'],
      conditions: { StringEquals: { [`aws:RequestTag/${HANDLER_TAG_KEY}`]: handler.tagValue }, ...deployer },
    }),
  ];
}
