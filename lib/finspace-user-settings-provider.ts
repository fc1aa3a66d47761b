import * as cdk from 'aws-cdk-lib';
import { ArnFormat, CfnResource, DefaultStackSynthesizer, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { handlerBundleDir } from './handler-asset';
import { ROLE_ARN_ENV } from './handler-contract';

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

/** Configuration of the handler that applies FinSpace user settings: its role, network, logs, timeout and memory. */
export interface FinSpaceUserSettingsProviderProps {
  /**
   * The handler's execution role. It must be registered in each FinSpace environment as the API access principal
   * of a user who may manage users (see the README). If it is mutable, the provider adds exactly the permissions
   * the handler needs; an immutable role must already have them.
   *
   * @default - a new role with only finspace-api:GetProgrammaticAccessCredentials and writing to its log group
   */
  readonly role?: iam.IRole;

  /**
   * The VPC to run the handler in. It must reach the FinSpace API endpoint and S3 (for CloudFormation's answer).
   * Only then does the role get the network-interface permissions Lambda needs.
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Which subnets of `vpc` to use.
   *
   * @default - the VPC's default selection (private subnets)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups for the handler in `vpc`.
   *
   * @default - a new security group that allows all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The log group the handler writes to (JSON log format).
   *
   * @default - a new log group kept for `logRetention`
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * How long the default log group keeps the handler's logs. Ignored when `logGroup` is given.
   *
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The handler's timeout: how long one CloudFormation request may take, retries included. The handler stops
   * retrying in time to answer before it; CloudFormation gives up one minute after it (serviceTimeout).
   *
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;

  /**
   * Memory for the handler, in MiB. Its peak is far below 128 MiB.
   *
   * @default 128
   */
  readonly memorySize?: number;
}

/** Options of FinSpaceUserSettingsProvider.invokeGuardrail. */
export interface InvokeGuardrailOptions {
  /**
   * The one principal that may still invoke and change the handler: the role CloudFormation deploys the stack with.
   *
   * @default - the stack's CloudFormation execution role, as `cdk bootstrap` creates it (DefaultStackSynthesizer)
   */
  readonly cloudFormationExecutionRole?: iam.IRole;
}

/** The Lambda actions that let a principal make the handler act: invoke it with an event of its own, or change it. */
const HANDLER_CONTROL_ACTIONS = ['lambda:InvokeFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration'];

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
      if (props !== undefined) {
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
  /** The custom resources' ServiceToken. */
  readonly serviceToken: string;
  /** How long CloudFormation waits for an answer: the handler's timeout plus one minute. */
  readonly serviceTimeout: Duration;

  /**
   * @param scope the construct to define it in, usually the Stack (where getOrCreate puts the default one)
   * @param id the construct's id, unique in `scope`
   * @param props the handler's role, network, logs, timeout and memory
   */
  constructor(scope: Construct, id: string, props: FinSpaceUserSettingsProviderProps = {}) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(5);
    if (!Token.isUnresolved(timeout.toSeconds()) && (timeout.toSeconds() < 30 || timeout.toSeconds() > 900)) {
      throw new Error(
        `${this.node.path}: timeout is ${timeout.toSeconds()} s; it must be 30 to 900 seconds (Lambda's maximum), so that retries have room to work. Choose a timeout in that range.`,
      );
    }
    if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
      throw new Error(`${this.node.path}: vpcSubnets and securityGroups need vpc; pass the VPC, or leave them out.`);
    }

    this.role =
      props.role ??
      new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
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
      acknowledgeVpcWildcard(this.role.node.tryFindChild('DefaultPolicy'));
    }

    this.logGroup =
      props.logGroup ??
      new logs.LogGroup(this, 'LogGroup', {
        retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      });
    this.logGroup.grantWrite(this.role);

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
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      environment: { [ROLE_ARN_ENV]: this.role.roleArn },
    });
    this.serviceToken = this.function.functionArn;
    this.serviceTimeout = timeout.plus(Duration.minutes(1));
  }

  /**
   * A guardrail for the threat model (see the README): a Deny statement for a service control policy or a
   * permissions boundary, so that no one but CloudFormation's execution role may invoke the handler or change its
   * code or configuration. Whoever can invoke the handler can make it change any FinSpace user's settings.
   *
   * The function's ARN is known at deploy time: use the statement in this stack (a managed policy used as
   * permissions boundary), or output it (`Stack.of(this).toJsonString(statement.toStatementJson())`) and paste
   * the deployed value into an SCP.
   *
   * @param options which principal may still invoke the handler
   */
  invokeGuardrail(options: InvokeGuardrailOptions = {}): iam.PolicyStatement {
    const stack = Stack.of(this);
    let allowed: string;
    if (options.cloudFormationExecutionRole) {
      allowed = options.cloudFormationExecutionRole.roleArn;
    } else if (stack.synthesizer instanceof DefaultStackSynthesizer) {
      allowed = Fn.sub(stack.synthesizer.cloudFormationExecutionRoleArn);
    } else {
      throw new Error(
        `${this.node.path}: the stack's synthesizer names no CloudFormation execution role; pass the role the stack is deployed with as cloudFormationExecutionRole.`,
      );
    }
    return new iam.PolicyStatement({
      sid: 'OnlyCloudFormationMayInvokeOrChangeTheFinSpaceUserSettingsHandler',
      effect: iam.Effect.DENY,
      actions: HANDLER_CONTROL_ACTIONS,
      resources: [this.function.functionArn, `${this.function.functionArn}:*`],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': allowed } },
    });
  }
}
