import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ApiAccess, FinSpaceUserSettings, FinSpaceUserType } from '../lib';

/** The FinSpace environment of the example (the subdomain of its sign-in URL). */
export const EXAMPLE_ENVIRONMENT_ID = 'r4nd0menv1d';

export class FinSpaceUserSettingsStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The role an analytics job assumes to call the FinSpace Data API as the analyst.
    const analystRole = new iam.Role(this, 'AnalystApiRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'FinSpace Data API access principal of the analyst user',
    });

    new FinSpaceUserSettings(this, 'Analyst', {
      environmentId: EXAMPLE_ENVIRONMENT_ID,
      userId: 'uAbCdEf0123456789',
      userType: FinSpaceUserType.APP_USER,
      firstName: 'Ada',
      lastName: 'Lovelace',
      apiAccess: ApiAccess.ENABLED,
      apiAccessPrincipal: analystRole,
      // Revoke API access when this stack stops granting it.
      onDelete: { apiAccess: ApiAccess.DISABLED },
    });

    new FinSpaceUserSettings(this, 'Auditor', {
      environmentId: EXAMPLE_ENVIRONMENT_ID,
      userId: 'uAuD1t0r000000000001',
      userType: FinSpaceUserType.APP_USER,
      apiAccess: ApiAccess.DISABLED,
    });
  }
}
