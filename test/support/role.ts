import type * as iam from 'aws-cdk-lib/aws-iam';

/**
 * A role as the construct sees it (it reads only roleArn), carrying any ARN, valid or not: what
 * iam.Role.fromRoleArn gives for a concrete ARN, without its own parsing, so the construct's checks are what is tested.
 */
export function roleWithArn(arn: unknown): iam.IRole {
  return { roleArn: arn } as unknown as iam.IRole;
}

const isRole = (value: unknown) => value !== null && typeof value === 'object' && 'roleArn' in value;

/** Props whose apiAccessPrincipal (also under onDelete) is an ARN, or anything else but a role, with it turned into a role carrying it. */
export function withRoles<T extends Record<string, unknown>>(props: T): T {
  const convert = (values: Record<string, unknown>) =>
    'apiAccessPrincipal' in values && !isRole(values.apiAccessPrincipal)
      ? { ...values, apiAccessPrincipal: roleWithArn(values.apiAccessPrincipal) }
      : values;
  const out = convert(props) as Record<string, unknown>;
  if (out.onDelete && typeof out.onDelete === 'object') out.onDelete = convert(out.onDelete as Record<string, unknown>);
  return out as T;
}
