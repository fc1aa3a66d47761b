/**
 * The optional alarm on the audit lines that need a person: a request the handler ignored, and an answer CloudFormation
 * never accepted (README, Audit trail).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * The audit lines counted, as Lambda's JSON log format writes them (the handler's record is `message`): ignored
 * requests, undelivered answers, and requests of another stack or resource type (answered FAILED, "This handler serves
 * only ..."). Nothing from the event picks the metric, so a forged event cannot count elsewhere.
 */
export const AUDIT_ATTENTION_PATTERN =
  '{ ($.message.audit = "FinSpaceUserSettings") && (($.message.outcome = "IGNORED") || ($.message.delivered IS FALSE) || ' +
  '($.message.reason = "This handler serves only*")) }';
/** The metric's namespace, then the stack's name: one metric per stack, whatever else shares the account. */
export const AUDIT_METRIC_NAMESPACE = 'FinSpaceUserSettings';
export const AUDIT_METRIC_NAME = 'AuditLinesNeedingAttention';

/** A metric filter on the log group and an alarm on its first line in five minutes, per stack. */
export function auditAlarm(scope: Construct, logGroup: logs.ILogGroup): cloudwatch.Alarm {
  const filter = new logs.MetricFilter(scope, 'AuditAttention', {
    logGroup,
    filterPattern: logs.FilterPattern.literal(AUDIT_ATTENTION_PATTERN),
    metricNamespace: `${AUDIT_METRIC_NAMESPACE}/${Stack.of(scope).stackName}`,
    metricName: AUDIT_METRIC_NAME,
    metricValue: '1',
  });
  return new cloudwatch.Alarm(scope, 'AuditAlarm', {
    alarmDescription:
      "FinSpaceUserSettings: the handler ignored a request (not CloudFormation's, too late, or through a version or alias), refused one of " +
      "another stack or resource type, or CloudFormation never accepted an answer (delivered: false). Read the audit line in the handler's " +
      'log group (README, Audit trail).',
    metric: filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
