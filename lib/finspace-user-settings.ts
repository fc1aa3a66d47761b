/**
 * The construct: settings of one existing FinSpace user as a custom resource, checked at synth time against the
 * model's rules (finspace-rules.ts) and applied by the stack's provider (README, Usage).
 */
import { Annotations, CustomResource, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { checkField, type FieldName, type SettingField } from './finspace-rules';
import { FINSPACE_STATUS } from './finspace-status';
import { FinSpaceUserSettingsProvider, type IFinSpaceUserSettingsProvider } from './finspace-user-settings-provider';
import { ON_DELETE_PROPERTY, RESOURCE_TYPE, USER_ID_ATTRIBUTE } from './handler-contract';

/** The kind of FinSpace user. */
export enum FinSpaceUserType {
  /** A user with permission to all the functionality and data in FinSpace. */
  SUPER_USER = 'SUPER_USER',
  /** A user whose permissions come from the permission groups it belongs to. */
  APP_USER = 'APP_USER',
}

/** Whether a user may call GetProgrammaticAccessCredentials and so the FinSpace Data API. */
export enum ApiAccess {
  /** The user may obtain programmatic credentials (with its API access principal) and call the FinSpace Data API. */
  ENABLED = 'ENABLED',
  /** The user may not use the FinSpace Data API. Credentials already issued stay valid until they expire. */
  DISABLED = 'DISABLED',
}

/** Settings of a FinSpace user. Each one left out is not sent, so FinSpace keeps its current value. */
export interface FinSpaceUserSettingsValues {
  /**
   * The kind of user (UpdateUser's `type`). Named `userType` so that it reads the same in every CDK language: `type`
   * is a reserved word in Go and shadows a built-in in Python.
   *
   * @default - not changed
   */
  readonly userType?: FinSpaceUserType;

  /**
   * The user's first name: 1 to 50 characters, not blank. Sensitive: never echoed in errors or logs.
   *
   * @default - not changed
   */
  readonly firstName?: string;

  /**
   * The user's last name: 1 to 50 characters, not blank. Sensitive: never echoed in errors or logs.
   *
   * @default - not changed
   */
  readonly lastName?: string;

  /**
   * Whether the user may use the FinSpace Data API.
   *
   * @default - not changed
   */
  readonly apiAccess?: ApiAccess;

  /**
   * The IAM role that may obtain API credentials for this user (FinSpace accepts roles only). For a role you have
   * by ARN, use `iam.Role.fromRoleArn(this, 'Id', arn)`.
   *
   * @default - not changed
   */
  readonly apiAccessPrincipal?: iam.IRole;
}

/** Which FinSpace user to apply settings to, the settings, and what happens when the resource goes away. */
export interface FinSpaceUserSettingsProps extends FinSpaceUserSettingsValues {
  /** The FinSpace environment id: the subdomain of the environment's sign-in URL (1 to 26 characters). */
  readonly environmentId: string;

  /**
   * The id of an existing FinSpace user (1 to 26 characters). Changing it replaces the resource: the new user gets
   * the settings, then the old one is handled as a Delete (see `onDelete`).
   */
  readonly userId: string;

  /**
   * Settings applied when the resource is deleted (removed from the stack, the stack deleted, or replaced by a new
   * userId), for example `{ apiAccess: ApiAccess.DISABLED }` to revoke API access. A user that no longer exists
   * counts as done; any other failure fails the Delete, so a revocation never silently does not happen.
   *
   * @default - nothing is sent on delete: the user keeps its settings
   */
  readonly onDelete?: FinSpaceUserSettingsValues;

  /**
   * The provider (handler function, role, logs, VPC) that applies the settings.
   *
   * @default - the stack's default provider, FinSpaceUserSettingsProvider.getOrCreate(this)
   */
  readonly provider?: IFinSpaceUserSettingsProvider;

  /**
   * What happens to the resource when it leaves the stack. `RETAIN` sends no Delete to the handler at all (so
   * `onDelete` cannot be combined with it): use it when the FinSpace environment is gone, so that removing the
   * resource or deleting the stack does not fail on a Delete that can no longer reach FinSpace.
   *
   * @default RemovalPolicy.DESTROY (a Delete applies `onDelete`, if any)
   */
  readonly removalPolicy?: RemovalPolicy;
}

const END_OF_SUPPORT_WARNING_ID = 'finspace-user-settings:FinSpaceEndOfSupport';

/** Why a provider of another stack is refused, and what to do (after the construct's and the provider's paths). */
const PROVIDER_OF_ANOTHER_STACK =
  "is in another stack, and a handler serves only its own stack's resources (it refuses every other stack's request). " +
  'Use a provider of this stack: leave provider out, or pass one created in it.';

/** FinSpace's status, as an acknowledgeable warning: once per stack, as Annotations adds an identical message once. */
function warnEndOfSupport(stack: Stack): void {
  Annotations.of(stack).addWarningV2(
    END_OF_SUPPORT_WARNING_ID,
    `This stack applies Amazon FinSpace user settings. ${FINSPACE_STATUS} Deployments fail once the FinSpace Data API endpoint is gone.`,
  );
}

/** The construct props and the UpdateUser members they become. */
const SETTING_PROPS: ReadonlyArray<readonly [keyof FinSpaceUserSettingsValues, SettingField]> = [
  ['userType', 'type'],
  ['firstName', 'firstName'],
  ['lastName', 'lastName'],
  ['apiAccess', 'apiAccess'],
  ['apiAccessPrincipal', 'apiAccessPrincipalArn'],
];

/** The role's ARN, to check and send; a plain string (possible from JavaScript) is refused with what to pass instead. */
function principalArn(principal: unknown, label: string, problems: string[]): unknown {
  if (principal === undefined) return undefined;
  if (principal !== null && typeof principal === 'object' && 'roleArn' in principal) return (principal as iam.IRole).roleArn;
  problems.push(
    `${label} must be an iam.IRole, but got ${typeof principal === 'string' ? 'a string' : String(principal)}. ` +
      "For a role you have by ARN, pass iam.Role.fromRoleArn(this, 'Id', arn).",
  );
  return undefined;
}

/**
 * Applies settings to an existing Amazon FinSpace user with the FinSpace Data API's UpdateUser, on create and
 * update. The user's id, as FinSpace returns it, is the physical id and the `userId` attribute.
 *
 * @example
 * const analystRole = iam.Role.fromRoleArn(this, 'AnalystRole', 'arn:aws:iam::123456789012:role/analyst');
 *
 * const analyst = new FinSpaceUserSettings(this, 'Analyst', {
 *   environmentId: 'r4nd0menv1d',
 *   userId: 'uAbCdEf0123456789',
 *   userType: FinSpaceUserType.APP_USER,
 *   apiAccess: ApiAccess.ENABLED,
 *   apiAccessPrincipal: analystRole,
 *   onDelete: { apiAccess: ApiAccess.DISABLED },
 * });
 * new CfnOutput(this, 'AnalystUserId', { value: analyst.userId });
 */
export class FinSpaceUserSettings extends Construct {
  /** The custom resource's type in the template. */
  static readonly RESOURCE_TYPE = RESOURCE_TYPE;

  /**
   * The id of the synth-time warning about FinSpace's end of support, to acknowledge it:
   * `Annotations.of(stack).acknowledgeWarning(FinSpaceUserSettings.END_OF_SUPPORT_WARNING_ID, reason)`.
   */
  static readonly END_OF_SUPPORT_WARNING_ID = END_OF_SUPPORT_WARNING_ID;

  /**
   * The id of the user, as UpdateUser returned it (Fn::GetAtt). It is also the custom resource's physical id.
   *
   * @attribute
   */
  readonly userId: string;
  /** The FinSpace environment the user is in. */
  readonly environmentId: string;
  /** The provider whose handler applies the settings. */
  readonly provider: IFinSpaceUserSettingsProvider;
  /** The custom resource. */
  readonly resource: CustomResource;

  /**
   * @param scope the construct to define it in (a Stack or a construct in one)
   * @param id the construct's id, unique in `scope`
   * @param props the user, its settings and what happens on delete
   */
  constructor(scope: Construct, id: string, props: FinSpaceUserSettingsProps) {
    super(scope, id);
    const problems: string[] = [];
    const check = (field: FieldName, value: unknown, label: string, required = false) => {
      if (value === undefined && !required) return;
      if (typeof value === 'string' && Token.isUnresolved(value)) return;
      const problem = value === undefined ? `${label} is required.` : checkField(field, value, label);
      if (problem) problems.push(problem);
    };
    const settingsOf = (values: FinSpaceUserSettingsValues, prefix: string) => {
      const settings: Record<string, unknown> = {};
      for (const [prop, field] of SETTING_PROPS) {
        const value = prop === 'apiAccessPrincipal' ? principalArn(values.apiAccessPrincipal, `${prefix}${prop}`, problems) : values[prop];
        check(field, value, `${prefix}${prop}`);
        // Stryker disable next-line ConditionalExpression: Equivalent: a setting left undefined becomes a property whose value is undefined, and CDK drops undefined values when it renders the template, so the resource (and its onDelete) has the same properties.
        if (value !== undefined) settings[field] = value;
      }
      return settings;
    };

    check('environmentId', props.environmentId, 'environmentId', true);
    check('userId', props.userId, 'userId', true);
    const settings = settingsOf(props, '');
    // null (possible from JavaScript and some bindings) is no onDelete, as undefined is.
    const onDelete = props.onDelete === undefined || props.onDelete === null ? undefined : settingsOf(props.onDelete, 'onDelete.');
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    if (removalPolicy !== RemovalPolicy.DESTROY && removalPolicy !== RemovalPolicy.RETAIN) {
      problems.push(
        `removalPolicy ${removalPolicy} is not supported: a custom resource has no snapshot. Use RemovalPolicy.DESTROY or RemovalPolicy.RETAIN.`,
      );
    } else if (removalPolicy === RemovalPolicy.RETAIN && onDelete !== undefined) {
      problems.push(
        'onDelete cannot apply with removalPolicy RETAIN: CloudFormation sends no Delete for a retained resource. Drop one of the two.',
      );
    }
    if (problems.length > 0) {
      throw new Error(`Invalid FinSpaceUserSettings ${this.node.path}: ${problems.join(' ')}`);
    }
    warnEndOfSupport(Stack.of(this));

    if (props.provider && Stack.of(props.provider) !== Stack.of(this)) {
      throw new Error(
        `Invalid FinSpaceUserSettings ${this.node.path}: its provider ${props.provider.node.path} ${PROVIDER_OF_ANOTHER_STACK}`,
      );
    }
    this.provider = props.provider ?? FinSpaceUserSettingsProvider.getOrCreate(this);
    this.environmentId = props.environmentId;
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.provider.serviceToken,
      serviceTimeout: this.provider.serviceTimeout,
      resourceType: RESOURCE_TYPE,
      removalPolicy,
      properties: {
        environmentId: props.environmentId,
        userId: props.userId,
        ...settings,
        ...(onDelete ? { [ON_DELETE_PROPERTY]: onDelete } : {}),
      },
    });
    // The handler is invoked only once everything the provider holds exists: its role's policy, and the resource
    // policy that keeps everyone but the deployer from invoking it.
    this.resource.node.addDependency(this.provider);
    this.userId = this.resource.getAttString(USER_ID_ATTRIBUTE);
  }
}
