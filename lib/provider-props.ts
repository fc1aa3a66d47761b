/**
 * What a FinSpaceUserSettingsProvider is configured with, and the synth-time check that refuses what cannot work
 * (README, The provider: one handler per stack).
 */
import { Duration, Token } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

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
   * How long the default log group keeps the handler's logs, its audit trail included: set it to what your audit
   * policy asks (logs.RetentionDays.TEN_YEARS, or INFINITE). Ignored when `logGroup` is given.
   *
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * A KMS key to encrypt the default log group with. The provider lets CloudWatch Logs of the stack's region use it
   * (for a key defined in your app; an imported key's policy must allow it already). Ignored when `logGroup` is given.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Where Lambda sends a CloudFormation event it drops without the handler answering it (it waited in Lambda's queue
   * over 60 seconds, or the function crashed before the handler ran): such an event leaves no audit line, and its
   * stack waits out the ServiceTimeout. An SQS queue or SNS topic (`aws-lambda-destinations`) to alarm on.
   *
   * @default - none: a dropped event is seen only as the stack's ServiceTimeout failure
   */
  readonly droppedEventDestination?: lambda.IDestination;

  /**
   * An alarm (`auditAlarm`) on the audit lines that need a person: a request the handler ignored, and an answer
   * CloudFormation never accepted (`delivered: false`), from a metric filter on the log group. Add an action to it.
   *
   * @default false
   */
  readonly auditAlarm?: boolean;

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

  /**
   * The origin (`scheme://host[:port]`) of a local stand-in for CloudFormation, such as LocalStack, whose ResponseURLs
   * the handler may answer. Without it the handler answers only https URLs on the AWS domain of its partition, as
   * CloudFormation's are, so that a forged event cannot make it send requests elsewhere. Never set it for AWS.
   *
   * @default - only CloudFormation's own ResponseURLs are answered
   */
  readonly responseUrlStandIn?: string;

  /**
   * The role CloudFormation deploys the stack with: the only principal the function's resource policy lets invoke the
   * handler. Name it when the stack is not deployed with the DefaultStackSynthesizer's execution role: a
   * `cdk deploy --role-arn`, a pipeline's own role, or, with the CliCredentialsStackSynthesizer, the role of the
   * credentials `cdk deploy` runs with.
   *
   * @default - the DefaultStackSynthesizer's CloudFormation execution role, as `cdk bootstrap` creates it (with the
   * synthesizer's qualifier); with any other synthesizer, synth fails until this or `invokeProtection: false` is given
   */
  readonly cloudFormationExecutionRole?: iam.IRole;

  /**
   * Whether the function's own resource policy denies invoking it to every principal but the deploying role
   * (`cloudFormationExecutionRole`). Whoever can invoke the handler with an event of their own can change any user its
   * role administers in FinSpace, so turn it off only where something else guards the function; synth then warns.
   *
   * @default true
   */
  readonly invokeProtection?: boolean;
}

/** The handler's timeout when none is given: the budget for one request's retries. */
export const DEFAULT_TIMEOUT = Duration.minutes(5);

/**
 * Refuses, naming the provider (`scope`) and what to do, the props that cannot work: a timeout outside 30 to 900
 * seconds, a responseUrlStandIn that is not an origin, subnets or security groups without a VPC. Tokens pass.
 */
export function validateProviderProps(scope: IConstruct, props: FinSpaceUserSettingsProviderProps): void {
  checkTimeout(scope, props.timeout ?? DEFAULT_TIMEOUT);
  checkResponseUrlStandIn(scope, props);
  checkNetwork(scope, props);
}

/** 30 seconds at least, so that retries have room to work; 900 at most, Lambda's maximum. */
function checkTimeout(scope: IConstruct, timeout: Duration): void {
  if (!Token.isUnresolved(timeout.toSeconds()) && (timeout.toSeconds() < 30 || timeout.toSeconds() > 900)) {
    throw new Error(
      `${scope.node.path}: timeout is ${timeout.toSeconds()} s; it must be 30 to 900 seconds (Lambda's maximum), so that retries have room to work. Choose a timeout in that range.`,
    );
  }
}

/** An origin (scheme://host[:port], http or https, nothing after it), as the handler compares it with a ResponseURL's. */
function checkResponseUrlStandIn(scope: IConstruct, props: FinSpaceUserSettingsProviderProps): void {
  // Stryker disable next-line ConditionalExpression: Equivalent: without a stand-in, `new URL(undefined)` throws, the origin stays undefined, and undefined equals the absent stand-in, so nothing is refused, as when the check is skipped.
  if (props.responseUrlStandIn !== undefined && !Token.isUnresolved(props.responseUrlStandIn)) {
    let origin: string | undefined;
    try {
      const url = new URL(props.responseUrlStandIn);
      // Stryker disable next-line Regex: Equivalent: a URL protocol ends at its colon, so `^https?:` matches exactly "http:" and "https:", as `^https?:$` does. Also: Equivalent: a URL protocol is a scheme and a colon, so without `^` it matches only a scheme ending in http or https ("xhttp:"), whose origin is "null", which differs from the stand-in and is refused as before.
      origin = /^https?:$/.test(url.protocol) ? url.origin : undefined;
    } catch {
      // Not a URL at all: no origin.
    }
    if (origin !== props.responseUrlStandIn) {
      throw new Error(
        `${scope.node.path}: responseUrlStandIn ${JSON.stringify(props.responseUrlStandIn)} is not an origin; it must be scheme://host[:port] ` +
          '(http or https, no path or trailing slash), such as http://localhost:4566 for LocalStack.',
      );
    }
  }
}

/** Subnets and security groups are a VPC's: without one they cannot apply. */
function checkNetwork(scope: IConstruct, props: FinSpaceUserSettingsProviderProps): void {
  if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
    throw new Error(`${scope.node.path}: vpcSubnets and securityGroups need vpc; pass the VPC, or leave them out.`);
  }
}
