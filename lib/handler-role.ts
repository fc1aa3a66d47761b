/**
 * The handler's execution role and what it may do: FinSpace's one IAM action and, in a VPC, the network-interface
 * actions Lambda needs, with the one cdk-nag finding that brings acknowledged (README, The IAM it needs).
 */
import * as cdk from 'aws-cdk-lib';
import { ArnFormat, CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';
import { handlerRolePath } from './invoke-protection';
import type { FinSpaceUserSettingsProviderProps } from './provider-props';

/** The only IAM action FinSpace's Data API has: everything else is authorized by FinSpace itself. */
export const FINSPACE_IAM_ACTION = 'finspace-api:GetProgrammaticAccessCredentials';

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
 * The role passed in, or a new one under the handler's path (the SCP statements match it by it), given exactly what the
 * handler needs besides writing its logs. `scope` is the provider.
 */
export function handlerRole(scope: Construct, props: Pick<FinSpaceUserSettingsProviderProps, 'role' | 'vpc'>): iam.IRole {
  const stack = Stack.of(scope);
  const role =
    props.role ??
    new iam.Role(scope, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      path: handlerRolePath(stack),
      description: 'Applies FinSpace user settings; register it in FinSpace as the API access principal of a user who may manage users',
    });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'GetFinSpaceProgrammaticAccessCredentials',
      actions: [FINSPACE_IAM_ACTION],
      resources: [
        stack.formatArn({
          service: 'finspace-api',
          resource: '/credentials/programmatic',
          arnFormat: ArnFormat.NO_RESOURCE_NAME,
        }),
      ],
    }),
  );
  if (props.vpc) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'LambdaVpcNetworkInterfaces', actions: VPC_NETWORK_INTERFACE_ACTIONS, resources: ['*'] }),
    );
    // The policy the statement went to: a role's DefaultPolicy, or the Policy an imported role gets (none when the
    // imported role is immutable).
    acknowledgeVpcWildcard(role.node.tryFindChild('DefaultPolicy') ?? role.node.tryFindChild('Policy'));
  }
  return role;
}
