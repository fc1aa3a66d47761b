import * as cdk from 'aws-cdk-lib';
import { ArnFormat, Aws, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { auditAlarm } from './audit-alarm';
import { handlerBundleDir } from './handler-asset';
import {
  deployingRoleArn,
  handlerRolePath,
  protectHandler,
  serviceControlPolicyStatements,
  type ProtectedHandler,
} from './invoke-protection';
import { RESPONSE_URL_STAND_IN_ENV, ROLE_ARN_ENV, SERVICE_TIMEOUT_ENV, STACK_ID_ENV, URL_SUFFIX_ENV } from './handler-contract';
import { DEFAULT_TIMEOUT, validateProviderProps, type FinSpaceUserSettingsProviderProps } from './provider-props';

export type { FinSpaceUserSettingsProviderProps } from './provider-props';

/** The only IAM action FinSpace's Data API has: everything else is authorized by FinSpace itself. */
const GET_PROGRAMMATIC_ACCESS_CREDENTIALS_ACTION = 'finspace-api:GetProgrammaticAccessCredentials';

/** What Lambda needs to attach the function to a VPC; these EC2 actions support no resource-level scoping. */
const VPC_NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

const VPC_WILDCARD_REASON =
  'Lambda needs ec2:CreateNetworkInterface and related actions to run in a VPC; they support no resource-level permissions.';

/**
 * The one finding cdk-nag's AwsSolutions pack cannot be spared: Lambda's VPC network-interface actions take no
 * resource-level scoping. Suppressed on the exact policy resource, only when a VPC is used: as cdk-nag's own
 * metadata (read by its Aspects, on every aws-cdk-lib), and through the Validations API where this aws-cdk-lib has
 * it (2.27x and newer, for cdk-nag as a validation plugin).
 */
function acknowledgeVpcWildcard(policy: IConstruct | undefined): void {
  const resource = policy?.node.defaultChild;
  if (!(resource instanceof CfnResource)) return;
  const existing = resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined;
  resource.addMetadata('cdk_nag', {
    ...existing,
    rules_to_suppress: [
      ...(existing?.rules_to_suppress ?? []),
      { id: 'AwsSolutions-IAM5', reason: VPC_WILDCARD_REASON, applies_to: ['Resource::*'] },
    ],
  });
  const validations = (cdk as { Validations?: { of(scope: IConstruct): { acknowledge(a: { id: string; reason: string }): void } } })
    .Validations;
  // Stryker disable next-line ObjectLiteral: No test runs it, and none can here: `Validations` is a newer aws-cdk-lib API, absent from the version the tests install; where it exists, the call acknowledges the same cdk-nag finding as the metadata written just above it, which a test reads.
  // Stryker disable next-line StringLiteral: No test runs it, as the mutant before: the newer aws-cdk-lib `Validations` API is absent from the installed version; the cdk-nag metadata above, which a test reads, carries the same acknowledgement.
  validations?.of(resource).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason: VPC_WILDCARD_REASON });
}

/**
 * What a FinSpaceUserSettings needs of the provider that applies its settings: the handler to send CloudFormation's
 * requests to, and how long CloudFormation waits for it. FinSpaceUserSettingsProvider implements it.
 */
export interface IFinSpaceUserSettingsProvider extends IConstruct {
  /**
   * The custom resources' ServiceToken: the ARN of the handler function.
   *
   * @attribute
   */
  readonly serviceToken: string;
  /** How long CloudFormation waits for the handler's answer to one request before it fails the resource. */
  readonly serviceTimeout: Duration;
  /** The handler's execution role: the role to register in FinSpace as an API access principal. */
  readonly role: iam.IRole;
  /** The handler function. */
  readonly function: lambda.IFunction;
}

/** The shortest maximum event age Lambda allows (MaximumEventAgeInSeconds, 60 to 21600). */
const MIN_EVENT_AGE_S = 60;

/**
 * The Lambda function behind every FinSpaceUserSettings that uses it, with its role and log group. A stack has
 * one by default (`FinSpaceUserSettingsProvider.getOrCreate`), however many settings it declares.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 *
 * const provider = FinSpaceUserSettingsProvider.getOrCreate(this, {
 *   vpc,
 *   logRetention: logs.RetentionDays.ONE_YEAR,
 *   timeout: Duration.minutes(5),
 * });
 * // Register this role in FinSpace as the API access principal of a user who may manage users.
 * new CfnOutput(this, 'FinSpaceHandlerRoleArn', { value: provider.role.roleArn });
 */
export class FinSpaceUserSettingsProvider extends Construct implements IFinSpaceUserSettingsProvider {
  /** The only IAM action FinSpace's Data API has, and the only FinSpace permission the handler's role gets. */
  static readonly FINSPACE_IAM_ACTION = GET_PROGRAMMATIC_ACCESS_CREDENTIALS_ACTION;

  /** The id of the stack-wide default provider, directly under the stack. */
  static readonly DEFAULT_ID = 'FinSpaceUserSettingsProvider';

  /**
   * The stack's default provider, created on first use. Pass `props` to configure it; that must happen before
   * any FinSpaceUserSettings in the stack creates it with the defaults.
   *
   * @param scope any construct in the stack
   * @param props the provider's configuration, accepted only while the provider does not exist yet
   */
  static getOrCreate(scope: Construct, props?: FinSpaceUserSettingsProviderProps): FinSpaceUserSettingsProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(FinSpaceUserSettingsProvider.DEFAULT_ID);
    if (existing) {
      // Python's bindings pass an empty struct for omitted keyword arguments: only a setting that is given conflicts.
      if (props !== undefined && props !== null && Object.values(props).some((value) => value !== undefined)) {
        throw new Error(
          `The stack's default FinSpaceUserSettingsProvider (${stack.node.path}/${FinSpaceUserSettingsProvider.DEFAULT_ID}) already exists, so these props cannot apply. ` +
            'Call FinSpaceUserSettingsProvider.getOrCreate(stack, props) before the first FinSpaceUserSettings, or create a provider and pass it as `provider`.',
        );
      }
      return existing as FinSpaceUserSettingsProvider;
    }
    return new FinSpaceUserSettingsProvider(stack, FinSpaceUserSettingsProvider.DEFAULT_ID, props);
  }

  /** The handler function. */
  readonly function: lambda.IFunction;
  /** The handler's execution role: register it in FinSpace (see the README). */
  readonly role: iam.IRole;
  /** Where the handler logs. */
  readonly logGroup: logs.ILogGroup;
  /** The alarm on ignored requests and undelivered answers, when `auditAlarm` is set. */
  readonly auditAlarm?: cloudwatch.Alarm;
  /** The custom resources' ServiceToken. */
  readonly serviceToken: string;
  /** How long CloudFormation waits for an answer: the handler's timeout plus one minute. */
  readonly serviceTimeout: Duration;

  /** Who the handler is left to, and what the SCP statements match it by. */
  private readonly protection: ProtectedHandler;

  /**
   * @param scope the construct to define it in, usually the Stack (where getOrCreate puts the default one)
   * @param id the construct's id, unique in `scope`
   * @param props the handler's role, network, logs, timeout and memory
   */
  constructor(scope: Construct, id: string, props: FinSpaceUserSettingsProviderProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    // Before anything is built: with protection on, synth fails here when no deploying role is known.
    const deployingRole = deployingRoleArn(this, props);
    validateProviderProps(this, props);
    const timeout = props.timeout ?? DEFAULT_TIMEOUT;
    this.serviceTimeout = timeout.plus(Duration.minutes(1));

    this.role =
      props.role ??
      new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        path: handlerRolePath(stack),
        description: 'Applies FinSpace user settings; register it in FinSpace as the API access principal of a user who may manage users',
      });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'GetFinSpaceProgrammaticAccessCredentials',
        actions: [GET_PROGRAMMATIC_ACCESS_CREDENTIALS_ACTION],
        resources: [
          Stack.of(this).formatArn({
            service: 'finspace-api',
            resource: '/credentials/programmatic',
            arnFormat: ArnFormat.NO_RESOURCE_NAME,
          }),
        ],
      }),
    );
    if (props.vpc) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'LambdaVpcNetworkInterfaces', actions: VPC_NETWORK_INTERFACE_ACTIONS, resources: ['*'] }),
      );
      // The policy the statement went to: a role's DefaultPolicy, or the Policy an imported role gets (none when the
      // imported role is immutable).
      acknowledgeVpcWildcard(this.role.node.tryFindChild('DefaultPolicy') ?? this.role.node.tryFindChild('Policy'));
    }

    if (props.logEncryptionKey && !props.logGroup) {
      // As AWS's CloudWatch Logs guide writes it: only for log groups of this account and region.
      props.logEncryptionKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'CloudWatchLogsOfThisAccountAndRegion',
          principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          resources: ['*'],
          conditions: {
            ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
          },
        }),
      );
    }
    this.logGroup =
      props.logGroup ??
      new logs.LogGroup(this, 'LogGroup', {
        retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
        encryptionKey: props.logEncryptionKey,
      });
    this.logGroup.grantWrite(this.role);
    if (props.auditAlarm) this.auditAlarm = auditAlarm(this, this.logGroup);

    this.function = new lambda.Function(this, 'Handler', {
      description: 'Applies FinSpace user settings (FinSpace Data UpdateUser) for Custom::FinSpaceUserSettings',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(handlerBundleDir()),
      role: this.role,
      timeout,
      memorySize: props.memorySize ?? 128,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // The audit line of a successful request is logged at INFO: a higher level would drop it.
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      environment: {
        [ROLE_ARN_ENV]: this.role.roleArn,
        [STACK_ID_ENV]: Aws.STACK_ID,
        [SERVICE_TIMEOUT_ENV]: String(this.serviceTimeout.toSeconds()),
        [URL_SUFFIX_ENV]: Aws.URL_SUFFIX,
        ...(props.responseUrlStandIn ? { [RESPONSE_URL_STAND_IN_ENV]: props.responseUrlStandIn } : {}),
      },
    });
    // CloudFormation invokes the function asynchronously, once per request: Lambda must not run an event again (a retry
    // after an error or timeout) or late (a throttled event is kept up to 6 hours by default), when it could undo what
    // CloudFormation did since. The handler also refuses any event older than its ServiceTimeout.
    this.function.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.seconds(MIN_EVENT_AGE_S),
      onFailure: props.droppedEventDestination,
    });
    this.protection = protectHandler(this, this.function, props, deployingRole);
    this.serviceToken = this.function.functionArn;
  }

  /**
   * Statements for a service control policy that leave the handler to its stack's deployer alone, for organisations
   * that add one to the function's own resource policy (see the README): to every principal of the account but the
   * deploying role, they deny every action on the function and on its role except reading them (invoking, admitting
   * others, changing code, configuration, policies, trust or tags, passing or assuming the role, stopping or deleting),
   * creating a role where the handler's role is, and putting the handler's tag value on any other function.
   *
   * The function is matched by the tag `finspace-user-settings:handler-of-stack`, valued `<account>/<region>/<stack
   * name>`; the role by its path, `/finspace-user-settings/<region>/<stack name>/` (a role you pass in: by its name),
   * never by a tag, which AWS does not evaluate for iam:PassRole. Both stay true when the stack is recreated. The
   * deploying role must be a CloudFormation service role: a deployment with your own credentials is locked out by
   * them. Output them with `Stack.of(this).toJsonString(...)` and copy the deployed value into the SCP.
   */
  serviceControlPolicyStatements(): iam.PolicyStatement[] {
    return serviceControlPolicyStatements(this, this.protection);
  }
}
