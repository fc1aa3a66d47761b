/**
 * What `npm start` prints, from steps made here: the lines before them, the table (names only as "set"), the audit
 * trail and the count of failed steps. The real run's output is checked end to end in local-deployment.test.ts.
 */
import * as path from 'node:path';
import { AUDIT_MARK, type AuditRecord, type StepRecord } from '../../testing/cloudformation-request';
import { formatAudit, formatResult, formatStart, formatSteps } from '../../testing/report';

const AT = { physicalResourceId: 'uA', durationMs: 5, environmentId: 'env1', userId: 'uA', nodeVersion: '24.1.0' };
const STEP: StepRecord = {
  step: 'Create',
  requestType: 'Create',
  stackName: 'S',
  logicalId: 'Analyst',
  status: 'SUCCESS',
  audit: [],
  ...AT,
};
const audit = (fields: Record<string, unknown>): AuditRecord => ({
  ...{ audit: AUDIT_MARK, requestType: 'Create', requestId: 'abcdef0123456789', logicalResourceId: 'Analyst' },
  ...{ environmentId: 'env1', userId: 'uA', outcome: 'SUCCESS', delivered: true, ...fields },
});

test('the steps table: one aligned row a step, the user as the emulator holds it without names, the reason of a failure', () => {
  const principal = 'arn:aws:iam::123456789012:role/Analyst';
  const failed = { status: 'FAILED', reason: 'it broke', nodeVersion: '', userId: 'uB', physicalResourceId: undefined } as const;
  const steps: StepRecord[] = [
    { ...STEP, user: { userId: 'uA', type: 'APP_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: principal, firstName: 'Grace' } },
    { ...STEP, ...failed, step: 'Rollback', requestType: 'Delete', logicalId: 'Auditor' },
    { ...STEP, step: 'Update', requestType: 'Update', status: 'NO ANSWER', user: { userId: 'uA' } },
  ];
  expect(formatSteps(steps).split('\n')).toEqual([
    'Step              | Resource | Outcome   | Node.js | Physical id | User settings in the emulator afterwards',
    '------------------|----------|-----------|---------|-------------|-----------------------------------------------------------------------------------',
    'Create            | Analyst  | SUCCESS   | 24.1.0  | uA          | env1/uA: type=APP_USER apiAccess=ENABLED principal=role/Analyst names set (hidden)',
    'Rollback (Delete) | Auditor  | FAILED    | -       | -           | env1/uB: (no such user)',
    '    reason: it broke',
    'Update            | Analyst  | NO ANSWER | 24.1.0  | uA          | env1/uA: type=- apiAccess=- principal=- no names',
  ]);
  expect(formatSteps(steps)).not.toContain('Grace');
});

test('the audit trail: a line a step, with what was sent (settings short, another user named) and the outcome', () => {
  const call = { environmentId: 'env1', userId: 'uA', result: 'accepted' };
  const arn = 'arn:aws-cn:iam::123456789012:role/Analyst';
  const failed = { requestType: 'Update', outcome: 'FAILED', delivered: false };
  const moved = {
    apply: { ...call, apiAccess: 'ENABLED', result: 'ThrottlingException' },
    previousEnvironment: { ...call, environmentId: 'env0' },
  };
  const steps: StepRecord[] = [
    { ...STEP, audit: [audit({ sent: { apply: { ...call, type: 'APP_USER', firstName: 'set', apiAccessPrincipalArn: arn } } })] },
    { ...STEP, audit: [audit({ ...failed, sent: moved })] },
    // An answer CloudFormation never takes (an ignored request) is no undelivered outcome.
    { ...STEP, audit: [audit({ requestType: 'Delete', outcome: 'IGNORED', delivered: false, sent: 'nothing' })] },
    { ...STEP, step: 'Rollback' },
  ];
  expect(formatAudit(steps).split('\n')).toEqual([
    '  Create abcdef01 Analyst env1/uA: sent apply(type=APP_USER firstName=set apiAccessPrincipalArn=role/Analyst) accepted -> SUCCESS',
    '  Update abcdef01 Analyst env1/uA: sent apply(apiAccess=ENABLED) ThrottlingException, sent previousEnvironment(env0/uA:) accepted -> FAILED (answer not delivered)',
    '  Delete abcdef01 Analyst env1/uA: nothing sent -> IGNORED',
    '  Rollback Analyst: 0 audit lines (the handler logs exactly one per request)',
  ]);
});

test('before the steps: the emulator, the resources, and each handler with its file and Node.js', () => {
  const spec = { logicalId: 'Handler', exportName: 'handler', file: path.join(process.cwd(), 'cdk.out', 'index.js'), timeoutSeconds: 300 };
  const node = { path: 'node', version: '24.1.0', runtime: 'nodejs24.x', matchesRuntime: true };
  const deployment = {
    emulator: { endpoint: 'http://127.0.0.1:4566' },
    resourceIds: ['S/Analyst', 'S/Auditor'],
    handlerFunctions: [{ spec, node }],
  } as unknown as Parameters<typeof formatStart>[0];
  expect(formatStart(deployment, 'cdk.out', 'the imitation').split('\n')).toEqual([
    'FinSpace Data emulator on http://127.0.0.1:4566; 2 Custom::FinSpaceUserSettings in cdk.out',
    'Lambda runtime: the imitation',
    `handler Handler: handler of ${path.join('cdk.out', 'index.js')} on Node.js 24.1.0 (the template's nodejs24.x); timeout 300 s`,
  ]);
});

test('after the steps: the table, the audit trail, and how many steps failed, each after a blank line', () => {
  const [table, trail] = [formatSteps([STEP, STEP]).split('\n'), formatAudit([STEP, STEP]).split('\n')];
  const heading = 'Audit trail (the audit line the handler logged for each request; names show only as "set"):';
  expect(formatResult([STEP, STEP]).split('\n')).toEqual(['', ...table, '', heading, ...trail, '', 'All 2 steps succeeded.']);
  expect(formatResult([STEP, { ...STEP, status: 'FAILED' }, STEP]).endsWith('\n1 of 3 steps failed.')).toBe(true);
});
