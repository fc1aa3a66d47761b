/**
 * The optional alarm on audit lines that need a person: off by default; on, a metric filter whose pattern reads the
 * fields the handler's audit line has where Lambda's JSON log format puts them, and an alarm on its first line.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FinSpaceUserSettingsProvider } from '../../lib';
import { AUDIT_ATTENTION_PATTERN, AUDIT_METRIC_NAME, AUDIT_METRIC_NAMESPACE } from '../../lib/audit-alarm';
import { newAuditTrail, writeAudit } from '../../lambda/audit';
import { bindingProblem } from '../../lambda/request';
import { RESOURCE_TYPE } from '../../lib/handler-contract';
import { captureConsole } from '../support/harness';
import { declareUser, newStack } from '../support/stacks';

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Finance/1';
/** The stack STACK_ID names. */
const finance = () => newStack('Finance', { region: 'eu-west-1' });

test('off by default: no metric filter, no alarm', () => {
  const stack = finance();
  declareUser(stack);
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::Logs::MetricFilter', 0);
  template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  expect(FinSpaceUserSettingsProvider.getOrCreate(stack).auditAlarm).toBeUndefined();
});

test('on: a metric filter on the log group, per stack, and an alarm on its first line in five minutes', () => {
  const stack = finance();
  const provider = FinSpaceUserSettingsProvider.getOrCreate(stack, { auditAlarm: true });
  declareUser(stack);
  expect(provider.auditAlarm).toBeDefined();
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::Logs::MetricFilter', {
    LogGroupName: { Ref: Match.stringLikeRegexp('LogGroup') },
    FilterPattern: AUDIT_ATTENTION_PATTERN,
    // Nothing from the event picks the metric: one per stack, by its namespace.
    MetricTransformations: [{ MetricNamespace: `${AUDIT_METRIC_NAMESPACE}/Finance`, MetricName: AUDIT_METRIC_NAME, MetricValue: '1' }],
  });
  // The namespace the README gives (FinSpaceUserSettings/<stack name>) and the metric's name: dashboards and alarms of your own use them.
  expect([AUDIT_METRIC_NAMESPACE, AUDIT_METRIC_NAME]).toEqual(['FinSpaceUserSettings', 'AuditLinesNeedingAttention']);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmDescription:
      "FinSpaceUserSettings: the handler ignored a request (not CloudFormation's, too late, or through a version or alias), refused one of " +
      "another stack or resource type, or CloudFormation never accepted an answer (delivered: false). Read the audit line in the handler's " +
      'log group (README, Audit trail).',
    Namespace: `${AUDIT_METRIC_NAMESPACE}/Finance`,
    MetricName: AUDIT_METRIC_NAME,
    Dimensions: Match.absent(),
    Statistic: 'Sum',
    Period: 300,
    Threshold: 1,
    EvaluationPeriods: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  });
});

test("the pattern reads the audit line's fields where Lambda's JSON format puts them (message.<field>), with the values it writes", () => {
  const lines: string[] = [];
  const spies = captureConsole(lines);
  try {
    const envelope = { RequestType: 'Create', StackId: STACK_ID, RequestId: 'r' };
    writeAudit(newAuditTrail({ envelope }, Date.now()), { outcome: 'IGNORED', reason: 'late', delivered: false });
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
  // Lambda's JSON log format: a lone object logged becomes `message`.
  const line = { timestamp: 't', level: 'ERROR', requestId: 'x', message: JSON.parse(lines[0]) };
  const paths = [...AUDIT_ATTENTION_PATTERN.matchAll(/\$\.([a-zA-Z.]+)/g)].map((m) => m[1]);
  expect(paths).toEqual(['message.audit', 'message.outcome', 'message.delivered', 'message.reason']);
  const at = (path: string) => path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], line);
  expect(paths.map(at)).toEqual(['FinSpaceUserSettings', 'IGNORED', false, 'late']);
  // A request of another stack or resource type is answered with a reason the pattern's wildcard matches.
  expect(AUDIT_ATTENTION_PATTERN).toContain('($.message.reason = "This handler serves only*")');
  expect(
    bindingProblem(
      { StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Other/2', ResourceType: RESOURCE_TYPE } as never,
      STACK_ID,
    ),
  ).toMatch(/^This handler serves only /);
  expect(bindingProblem({ StackId: STACK_ID, ResourceType: 'Custom::Other' } as never, STACK_ID)).toMatch(/^This handler serves only /);
});
