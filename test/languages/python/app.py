#!/usr/bin/env python3
"""The README's stack, as a Python CDK user writes it (run by `npm run test:languages`)."""
import os

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from finspace_user_settings import (
    ApiAccess,
    FinSpaceUserSettings,
    FinSpaceUserSettingsProvider,
    FinSpaceUserSettingsValues,
    FinSpaceUserType,
)

ENVIRONMENT_ID = "r4nd0menv1d"


class PolyglotStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        analyst_role = iam.Role.from_role_arn(self, "AnalystRole", "arn:aws:iam::123456789012:role/analyst")

        analyst = FinSpaceUserSettings(
            self,
            "Analyst",
            environment_id=ENVIRONMENT_ID,
            user_id="uAbCdEf0123456789",
            user_type=FinSpaceUserType.APP_USER,
            api_access=ApiAccess.ENABLED,
            api_access_principal=analyst_role,
            on_delete=FinSpaceUserSettingsValues(api_access=ApiAccess.DISABLED),
        )
        FinSpaceUserSettings(
            self,
            "Auditor",
            environment_id=ENVIRONMENT_ID,
            user_id="uAuD1t0r000000000001",
            api_access=ApiAccess.DISABLED,
        )

        # Set by `npm run test:languages` to check that a bad prop fails synth with the library's message.
        if os.environ.get("FINSPACE_BAD_PROP") == "1":
            FinSpaceUserSettings(self, "Bad", environment_id=ENVIRONMENT_ID, user_id="u" * 27)

        provider = FinSpaceUserSettingsProvider.get_or_create(self)
        cdk.CfnOutput(self, "HandlerRoleArn", value=provider.role.role_arn)
        statements = provider.service_control_policy_statements()
        cdk.CfnOutput(
            self,
            "ServiceControlPolicyStatements",
            value=self.to_json_string([statement.to_statement_json() for statement in statements]),
        )
        cdk.CfnOutput(self, "AnalystUserId", value=analyst.user_id)


app = cdk.App()
PolyglotStack(app, "Polyglot")
app.synth()
