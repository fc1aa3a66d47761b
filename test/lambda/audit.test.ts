/**
 * The audit line's parts that only odd input reaches: a failed call is named by its code when that is a string, else
 * by its name; values that are not strings are left out; a request writes one line however often it is asked.
 */
import { failedCallResult, newAuditTrail, writeAudit } from '../../lambda/audit';

test('a failed call goes by its code when that is a string, else by its name', () => {
  expect(failedCallResult({ code: 'ThrottlingException', name: 'Error' })).toBe('ThrottlingException');
  expect(failedCallResult({ code: 503, name: 'TimeoutError' })).toBe('TimeoutError');
  expect(failedCallResult({ name: 'AdaError' })).toBe('failed with an error the library does not name');
  expect(failedCallResult(undefined)).toBe('failed with an error the library does not name');
});

test('one line per request, and the ids only when the request had them as strings', () => {
  const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
  try {
    const trail = newAuditTrail({ envelope: { RequestType: 'Create', RequestId: 'r1' } }, Date.now());
    writeAudit(trail, { outcome: 'SUCCESS', physicalResourceId: 'u1', delivered: true });
    writeAudit(trail, { outcome: 'SUCCESS', physicalResourceId: 'u1', delivered: true });
    expect(info).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(info.mock.calls[0][0])) as Record<string, unknown>;
    expect([line.requestId, 'environmentId' in line, 'userId' in line]).toEqual(['r1', false, false]);
  } finally {
    info.mockRestore();
  }
});
