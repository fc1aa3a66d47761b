// The README's stack, as a Go CDK user writes it (run by `npm run test:languages`).
package main

import (
	"os"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/finspace-user-settings/finspace-user-settings-go/finspaceusersettings"
)

const environmentID = "r4nd0menv1d"

func NewPolyglotStack(scope constructs.Construct, id string) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, nil)

	analystRole := awsiam.Role_FromRoleArn(stack, jsii.String("AnalystRole"), jsii.String("arn:aws:iam::123456789012:role/analyst"), nil)

	analyst := finspaceusersettings.NewFinSpaceUserSettings(stack, jsii.String("Analyst"), &finspaceusersettings.FinSpaceUserSettingsProps{
		EnvironmentId:      jsii.String(environmentID),
		UserId:             jsii.String("uAbCdEf0123456789"),
		UserType:           finspaceusersettings.FinSpaceUserType_APP_USER,
		ApiAccess:          finspaceusersettings.ApiAccess_ENABLED,
		ApiAccessPrincipal: analystRole,
		OnDelete: &finspaceusersettings.FinSpaceUserSettingsValues{
			ApiAccess: finspaceusersettings.ApiAccess_DISABLED,
		},
	})
	finspaceusersettings.NewFinSpaceUserSettings(stack, jsii.String("Auditor"), &finspaceusersettings.FinSpaceUserSettingsProps{
		EnvironmentId: jsii.String(environmentID),
		UserId:        jsii.String("uAuD1t0r000000000001"),
		ApiAccess:     finspaceusersettings.ApiAccess_DISABLED,
	})

	// Set by `npm run test:languages` to check that a bad prop fails synth with the library's message.
	if os.Getenv("FINSPACE_BAD_PROP") == "1" {
		finspaceusersettings.NewFinSpaceUserSettings(stack, jsii.String("Bad"), &finspaceusersettings.FinSpaceUserSettingsProps{
			EnvironmentId: jsii.String(environmentID),
			UserId:        jsii.String(strings.Repeat("u", 27)),
		})
	}

	provider := finspaceusersettings.FinSpaceUserSettingsProvider_GetOrCreate(stack, nil)
	awscdk.NewCfnOutput(stack, jsii.String("HandlerRoleArn"), &awscdk.CfnOutputProps{Value: provider.Role().RoleArn()})
	statements := []interface{}{}
	for _, statement := range *provider.ServiceControlPolicyStatements() {
		statements = append(statements, statement.ToStatementJson())
	}
	awscdk.NewCfnOutput(stack, jsii.String("ServiceControlPolicyStatements"), &awscdk.CfnOutputProps{
		Value: stack.ToJsonString(statements, nil),
	})
	awscdk.NewCfnOutput(stack, jsii.String("AnalystUserId"), &awscdk.CfnOutputProps{Value: analyst.UserId()})
	return stack
}

func main() {
	defer jsii.Close()

	app := awscdk.NewApp(nil)
	NewPolyglotStack(app, "Polyglot")
	app.Synth(nil)
}
