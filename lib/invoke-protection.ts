/**
 * Who may make the handler act (README, Threat model): the deploying role the handler is left to, the function's
 * resource policy, the tag and role path that the service control policy statements match the handler by.
 */
import { Annotations, CfnResource, DefaultStackSynthesizer, Fn, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { FinSpaceUserSettingsProviderProps } from './provider-props';

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
export const INVOKE_ACTIONS = ['lambda:InvokeFunction', 'lambda:InvokeAsync', 'lambda:InvokeFunctionUrl'];

/** What to do when no deploying role is known. */
const NAME_THE_DEPLOYING_ROLE =
  'Pass cloudFormationExecutionRole: the role the stack is deployed with (with CliCredentialsStackSynthesizer, the role of the ' +
  "credentials `cdk deploy` runs with), or invokeProtection: false to leave the handler's invocation to your own IAM controls.";

/** The synth warning of a handler left unprotected, and the id that acknowledges it. */
const INVOKE_PROTECTION_OFF_WARNING_ID = 'finspace-user-settings:InvokeProtectionOff';
const INVOKE_PROTECTION_OFF_WARNING =
  "invokeProtection is off: any principal your IAM policies allow lambda:InvokeFunction on the handler can make it change FinSpace users' settings. " +
  'Guard the function yourself (see the README, Threat model), or remove invokeProtection: false.';

/** Why a permission on the protected function fails synth, and what to do instead. */
const PERMISSION_WOULD_BE_WIPED =
  "the handler's resource policy (AWS::Lambda::ResourcePolicy) replaces the function's whole policy, so it would be wiped at the next " +
  "update, and invoking the handler is its deployer's alone. Remove it; to let something else invoke the handler, set invokeProtection: false and guard the function yourself (README, Threat model).";

/** The error when SCP statements are asked for with no deploying role to leave the handler to (after the path). */
const NO_DEPLOYER_FOR_SCP =
  'the provider has no deploying role to leave the handler to (invokeProtection is off and no cloudFormationExecutionRole is given), ' +
  'so service control policy statements would lock everyone out. Pass cloudFormationExecutionRole: the role CloudFormation deploys the stack with.';

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
  /** The only principal left to act on the function and its role; none with invokeProtection off and no role named. */
  readonly deployingRoleArn?: string;
  /** The tag value on the function. */
  readonly tagValue: string;
  /** What the role statement matches: every role under the provider's path, or the role passed in, by name. */
  readonly roleResources: string[];
}

type ProtectionProps = Pick<FinSpaceUserSettingsProviderProps, 'role' | 'cloudFormationExecutionRole' | 'invokeProtection'>;

/**
 * The role the handler is left to: the one named, else the DefaultStackSynthesizer's execution role. With any other
 * synthesizer there is none, which fails synth while invokeProtection is on.
 */
export function deployingRoleArn(scope: Construct, props: ProtectionProps): string | undefined {
  const stack = Stack.of(scope);
  if (props.cloudFormationExecutionRole) return props.cloudFormationExecutionRole.roleArn;
  if (stack.synthesizer instanceof DefaultStackSynthesizer) return Fn.sub(stack.synthesizer.cloudFormationExecutionRoleArn);
  if (props.invokeProtection ?? true) {
    throw new Error(
      `${scope.node.path}: the stack's synthesizer (${stack.synthesizer.constructor.name}) names no CloudFormation execution role, so the provider cannot tell who may invoke the handler. ${NAME_THE_DEPLOYING_ROLE}`,
    );
  }
  return undefined;
}

/**
 * Tags the function for the SCP statements and, unless invokeProtection is off (or no deploying role is known), puts
 * the resource policy on it; off, synth warns. Returns what the SCP statements need.
 */
export function protectHandler(
  scope: Construct,
  fn: lambda.IFunction,
  props: ProtectionProps,
  deployingRole: string | undefined,
): ProtectedHandler {
  const stack = Stack.of(scope);
  const tagValue = `${stack.account}/${stack.region}/${stack.stackName}`;
  // A role passed in: by its name under any path (a name is unique in an account, and an ARN given without the
  // role's path would match nothing).
  const roleArnPrefix = `arn:${stack.partition}:iam::${stack.account}:role`;
  const roleResources = props.role
    ? [`${roleArnPrefix}/${props.role.roleName}`, `${roleArnPrefix}/*/${props.role.roleName}`]
    : [`${roleArnPrefix}${handlerRolePath(stack)}*`];
  // Only the function: the SCP matches the role by its path, since IAM does not evaluate a role's tags for PassRole.
  Tags.of(fn).add(HANDLER_TAG_KEY, tagValue);
  if ((props.invokeProtection ?? true) && deployingRole) protectInvocation(scope, fn, deployingRole);
  else Annotations.of(scope).addWarningV2(INVOKE_PROTECTION_OFF_WARNING_ID, INVOKE_PROTECTION_OFF_WARNING);
  return { deployingRoleArn: deployingRole, tagValue, roleResources };
}

/**
 * The function's resource policy: a Deny of invoking it to every principal but the deployer. AWS::Lambda::ResourcePolicy
 * takes Deny statements and global condition keys (AWS::Lambda::Permission takes neither), binds other accounts and
 * service principals too, which no SCP of this account does, and writes the whole policy: so an AWS::Lambda::Permission
 * on the function (a grantInvoke, an addPermission) fails synth instead of being wiped at the next update.
 */
function protectInvocation(scope: Construct, fn: lambda.IFunction, deployingRoleArn: string): void {
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
        `${permission.node.path} adds an AWS::Lambda::Permission to the FinSpace handler ${fn.node.path} (a grantInvoke or addPermission): ${PERMISSION_WOULD_BE_WIPED}`,
    );
}

/** The SCP statements (see FinSpaceUserSettingsProvider.serviceControlPolicyStatements); `scope` is the provider. */
export function serviceControlPolicyStatements(scope: Construct, handler: ProtectedHandler): iam.PolicyStatement[] {
  if (!handler.deployingRoleArn) throw new Error(`${scope.node.path}: ${NO_DEPLOYER_FOR_SCP}`);
  const stack = Stack.of(scope);
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
