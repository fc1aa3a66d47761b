/**
 * The handler behind every FinSpaceUserSettings of a stack: its function, role and log group (README, The provider:
 * one handler per stack). Its props and their check are in provider-props.ts, its role in handler-role.ts, who may
 * invoke it in invoke-protection.ts.
 */
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { auditAlarm } from './audit-alarm';
import { handlerBundleDir } from './handler-asset';
import { FINSPACE_IAM_ACTION, handlerRole } from './handler-role';
import { deployingRoleArn, protectHandler, serviceControlPolicyStatements, type ProtectedHandler } from './invoke-protection';
import { RESPONSE_URL_STAND_IN_ENV, ROLE_ARN_ENV, SERVICE_TIMEOUT_ENV, STACK_ID_ENV, URL_SUFFIX_ENV } from './handler-contract';
import { DEFAULT_TIMEOUT, validateProviderProps, type FinSpaceUserSettingsProviderProps } from './provider-props';

export type { FinSpaceUserSettingsProviderProps } from './provider-props';

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
  static readonly FINSPACE_IAM_ACTION = FINSPACE_IAM_ACTION;

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

    this.role = handlerRole(this, props);

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
