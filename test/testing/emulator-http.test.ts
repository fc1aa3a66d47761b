/**
 * The emulator's HTTP side: which requests reach an operation, how every answer is shaped, and what an injected fault
 * answers instead.
 */
import { ERROR_FOR_STATUS } from '../../testing/emulator-model';
import type { FinSpaceEmulator } from '../../testing/finspace-emulator';
import { adminCredentials, refusal, startSeeded, unsigned } from '../support/seeded-emulator';
import { getUser, signedRequest } from '../support/signed-request';

let emulator: FinSpaceEmulator;
beforeEach(async () => (emulator = await startSeeded()));
afterEach(() => emulator.close());

test.each([
  ['PUT', '/credentials/programmatic'],
  ['DELETE', '/user/u1'],
  ['GET', '/v1/user/u1'],
  ['GET', '/user/u1/extra'],
  ['GET', '/users'],
])('only the three operations, by exact method and path: %s %s is a 404, signed or not', async (method, path) => {
  const unknown = refusal(404, 'UnknownOperationException', `no operation for ${method} ${path}`);
  const admin = await adminCredentials(emulator);
  expect(await signedRequest(emulator.endpoint, admin, { method, path, body: method === 'GET' ? undefined : '{}' })).toMatchObject(unknown);
  expect(await unsigned(emulator, path, {}, method)).toEqual(unknown);
  expect(emulator.requests.at(-1)).toMatchObject({ operation: 'Unknown', status: 404 });
});

test('answers: JSON, with a request id; an error type, with the suffix the service adds, only on errors', async () => {
  const admin = await adminCredentials(emulator);
  const ok = await getUser(emulator.endpoint, admin, 'u1');
  expect([ok.status, ok.headers.get('content-type'), ok.headers.get('x-amzn-errortype')]).toEqual([200, 'application/json', null]);
  const missing = await getUser(emulator.endpoint, admin, 'nobody');
  expect(missing.headers.get('content-type')).toBe('application/json');
  expect(missing.headers.get('x-amzn-errortype')).toMatch(/^ResourceNotFoundException:http/);
  expect(missing.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  expect(missing.body).toEqual({ message: 'User nobody does not exist', reason: 'USER_NOT_FOUND' });
  emulator.injectFault({ operation: 'GetUser', rawBody: '{}' });
  expect((await getUser(emulator.endpoint, admin, 'u1')).headers.get('content-type')).toBe('application/json');
});

test('throttling answers 429 with an empty body, from the rate limit or a fault', async () => {
  const admin = await adminCredentials(emulator);
  emulator.setRateLimit({ requestsPerSecond: 0.001, burst: 1 });
  expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200); // exactly one token: taken
  const throttled = await getUser(emulator.endpoint, admin, 'u1');
  expect([throttled.status, throttled.errorType, throttled.body]).toEqual([429, 'ThrottlingException', {}]);
  emulator.setRateLimit(undefined);
  emulator.injectFault({ operation: 'GetUser', status: 429 });
  const injected = await getUser(emulator.endpoint, admin, 'u1');
  expect(injected).toMatchObject({ status: 429, errorType: 'ThrottlingException', body: {} });
  expect(injected.headers.get('retry-after')).toBeNull();
});

test('an injected status answers with its model error (Http<status> for another), the message and Retry-After asked', async () => {
  const admin = await adminCredentials(emulator);
  emulator.injectFault({ status: 429, retryAfterSeconds: 3 });
  const throttled = await getUser(emulator.endpoint, admin, 'u1');
  expect([throttled.status, throttled.errorType, throttled.headers.get('retry-after')]).toEqual([429, 'ThrottlingException', '3']);
  emulator.injectFault({ status: 403, errorType: 'ExpiredTokenException', message: 'token expired' });
  expect(await getUser(emulator.endpoint, admin, 'u1')).toMatchObject({
    status: 403,
    errorType: 'ExpiredTokenException',
    body: { message: 'token expired' },
  });
  for (const [status, type] of [...Object.entries(ERROR_FOR_STATUS), ['418', 'Http418']]) {
    emulator.injectFault({ status: Number(status) });
    expect(await getUser(emulator.endpoint, admin, 'u1')).toMatchObject({ status: Number(status), errorType: type });
  }
});

test('a delay holds the answer; a reset drops the connection; a raw body replaces the answer', async () => {
  const admin = await adminCredentials(emulator);
  emulator.injectFault({ operation: 'GetUser', delayMs: 300 });
  const started = Date.now();
  expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(280);

  emulator.injectFault({ operation: 'GetUser', reset: true });
  await expect(getUser(emulator.endpoint, admin, 'u1')).rejects.toThrow();
  expect(emulator.requests.at(-1)).toMatchObject({ status: 0, errorType: 'ConnectionReset' });

  emulator.injectFault({ operation: 'GetUser', rawBody: '{"userId":"zzz"}' });
  expect(await getUser(emulator.endpoint, admin, 'u1')).toMatchObject({ status: 200, body: { userId: 'zzz' } });
});

test('a raw body goes with the status, error type and Retry-After asked for (headers exactly as given)', async () => {
  const admin = await adminCredentials(emulator);
  emulator.injectFault({ operation: 'GetUser', status: 503, rawBody: '{"code":503}', errorType: 'Odd#Name', retryAfterSeconds: 1 });
  const answer = await getUser(emulator.endpoint, admin, 'u1');
  expect([answer.status, answer.errorType, answer.headers.get('retry-after'), answer.body]).toEqual([503, 'Odd#Name', '1', { code: 503 }]);
  expect(emulator.requests.at(-1)).toMatchObject({ operation: 'GetUser', status: 503, errorType: 'Odd#Name' });
  // An empty error type is sent as an empty header.
  emulator.injectFault({ operation: 'GetUser', status: 500, rawBody: '', errorType: '' });
  const empty = await getUser(emulator.endpoint, admin, 'u1');
  expect([empty.status, empty.headers.get('x-amzn-errortype')]).toEqual([500, '']);
});

test('an error inside the emulator is a 500 naming it, not a request left hanging', async () => {
  // A path label that is not valid percent-encoding cannot be decoded.
  expect(await unsigned(emulator, '/user/%E0%A4%A')).toEqual({
    status: 500,
    errorType: 'InternalServerException',
    body: { message: 'emulator error: URI malformed' },
  });
});
