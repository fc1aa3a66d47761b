/**
 * The parts of a CloudFormation request the runner reads and writes on its own: the handler's audit lines among its
 * log lines, and the properties an Update sends. Sending requests is tested end to end in local-deployment.test.ts.
 */
import { AUDIT_MARK as HANDLER_AUDIT_MARK } from '../../lambda/audit';
import { AUDIT_MARK, auditRecords, withServiceProperties } from '../../testing/cloudformation-request';

test("the audit records among log lines: JSON lines, or Lambda's JSON log format with the record as its message", () => {
  expect(AUDIT_MARK).toBe(HANDLER_AUDIT_MARK);
  const record = { audit: AUDIT_MARK, outcome: 'SUCCESS' };
  const lines = [
    JSON.stringify(record),
    JSON.stringify({ timestamp: 't', level: 'INFO', requestId: 'r', message: record }),
    JSON.stringify({ level: 'INFO', message: 'a text line' }),
    JSON.stringify({ audit: 'something else' }),
    JSON.stringify({ message: null }),
    'null',
    'not JSON',
  ];
  expect(auditRecords(lines)).toEqual([record, record]);
});

test("an Update's settings go with the template's ServiceToken and ServiceTimeout, scalars as strings", () => {
  const current = { ServiceToken: 'arn:fn', ServiceTimeout: '300', type: 'APP_USER' };
  const sent = { type: 'SUPER_USER', count: '3', ServiceToken: 'arn:fn', ServiceTimeout: '300' };
  expect(withServiceProperties(current, { type: 'SUPER_USER', count: 3 })).toEqual(sent);
  expect(withServiceProperties({ ServiceToken: 'arn:fn' }, {})).toStrictEqual({ ServiceToken: 'arn:fn' });
});
