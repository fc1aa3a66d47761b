package io.github.finspaceusersettings.languagetest;

import io.github.finspaceusersettings.ApiAccess;
import io.github.finspaceusersettings.FinSpaceUserSettings;
import io.github.finspaceusersettings.FinSpaceUserSettingsProvider;
import io.github.finspaceusersettings.FinSpaceUserSettingsValues;
import io.github.finspaceusersettings.FinSpaceUserType;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.constructs.Construct;

import java.util.List;
import java.util.stream.Collectors;

/** The README's stack, as a Java CDK user writes it (run by `npm run test:languages`). */
public final class App {
    static final String ENVIRONMENT_ID = "r4nd0menv1d";

    static final class PolyglotStack extends Stack {
        PolyglotStack(final Construct scope, final String id) {
            super(scope, id);

            IRole analystRole = Role.fromRoleArn(this, "AnalystRole", "arn:aws:iam::123456789012:role/analyst");

            FinSpaceUserSettings analyst = FinSpaceUserSettings.Builder.create(this, "Analyst")
                    .environmentId(ENVIRONMENT_ID)
                    .userId("uAbCdEf0123456789")
                    .userType(FinSpaceUserType.APP_USER)
                    .apiAccess(ApiAccess.ENABLED)
                    .apiAccessPrincipal(analystRole)
                    .onDelete(FinSpaceUserSettingsValues.builder().apiAccess(ApiAccess.DISABLED).build())
                    .build();
            FinSpaceUserSettings.Builder.create(this, "Auditor")
                    .environmentId(ENVIRONMENT_ID)
                    .userId("uAuD1t0r000000000001")
                    .apiAccess(ApiAccess.DISABLED)
                    .build();

            // Set by `npm run test:languages` to check that a bad prop fails synth with the library's message.
            if ("1".equals(System.getenv("FINSPACE_BAD_PROP"))) {
                FinSpaceUserSettings.Builder.create(this, "Bad")
                        .environmentId(ENVIRONMENT_ID)
                        .userId("u".repeat(27))
                        .build();
            }

            FinSpaceUserSettingsProvider provider = FinSpaceUserSettingsProvider.getOrCreate(this);
            CfnOutput.Builder.create(this, "HandlerRoleArn").value(provider.getRole().getRoleArn()).build();
            List<Object> statements = provider.serviceControlPolicyStatements().stream()
                    .map(PolicyStatement::toStatementJson)
                    .collect(Collectors.toList());
            CfnOutput.Builder.create(this, "ServiceControlPolicyStatements").value(toJsonString(statements)).build();
            CfnOutput.Builder.create(this, "AnalystUserId").value(analyst.getUserId()).build();
        }
    }

    public static void main(final String[] args) {
        // This class is the app's entry point, so CDK's App is named in full.
        software.amazon.awscdk.App app = new software.amazon.awscdk.App();
        new PolyglotStack(app, "Polyglot");
        app.synth();
    }
}
